"""A bundle is printed in the language chosen for its addressee: the cover's words, the petition
from its translation, the prisoner's name, the addressee, dates, numbers, country names, page
furniture and the PDF's metadata (issue #14)."""

from __future__ import annotations

import pytest
from babel import Locale
from babel.dates import format_date
from sqlalchemy import select

from petitions.bundles.models import Bundle
from petitions.cases.models import Petition
from petitions.extensions import db
from tests.bundles.language_fixtures import (
    EMBASSY,
    PRINTED,
    log_in_organizer,
    metadata_of,
    pages_of,
    translated_petition,
)
from tests.conftest import OrganizerBrowser


@pytest.fixture
def petition(organizer_browser: OrganizerBrowser) -> Petition:
    petition = translated_petition()
    log_in_organizer(organizer_browser, petition)
    return petition


def download(
    browser: OrganizerBrowser, petition: Petition, language: str, recipient: str = EMBASSY
) -> bytes:
    """Download the bundle from the dashboard's form, in ``language``."""
    answer = browser.post(
        f"/organizer/petitions/{petition.slug}/bundle",
        {"recipient_name": recipient, "recipient_address": "", "language": language},
        page=f"/organizer/petitions/{petition.slug}",
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert answer.mimetype == "application/pdf"
    pdf: bytes = answer.get_data()
    return pdf


@pytest.mark.parametrize("language", ["ru", "be", "nl", "en"])
def test_every_printed_word_is_in_the_chosen_language(
    organizer_browser: OrganizerBrowser, petition: Petition, language: str
) -> None:
    pdf = download(organizer_browser, petition, language)
    pages = pages_of(pdf)
    cover, listing = pages[0], "\n".join(pages[1:])
    printed = PRINTED[language]
    bundle = db.session.execute(select(Bundle)).scalar_one()

    assert printed.title in cover
    assert printed.body in cover
    assert f"{printed.concerning}{printed.prisoner}" in cover
    assert printed.addressee in cover
    assert format_date(bundle.generated_at, printed.date, locale=language) in cover
    assert printed.netherlands in listing
    for number, page in enumerate(pages, start=1):
        assert f"{printed.page} {number} " in page
        assert printed.title in page  # the running header
    # Translated: no word of the original's language is announced.
    if language != "en":
        english = Locale("en").get_display_name(language)  # "английский", "Engels"
        assert english
        assert english not in cover
        assert PRINTED["en"].title not in "\n".join(pages)
    metadata = metadata_of(pdf)
    assert metadata.lang == language
    assert metadata.languages == {language}
    assert metadata.title == f"{printed.title}: {printed.signatures}"
    assert bundle.language == language
    assert bundle.recipient_name == printed.addressee


def test_the_unnamed_signer_is_a_supporter_in_the_chosen_language(
    organizer_browser: OrganizerBrowser, petition: Petition
) -> None:
    listing = " ".join("\n".join(pages_of(download(organizer_browser, petition, "be"))[1:]).split())

    assert "Прыхільнік кампаніі, Беларусь" in listing
    assert "Зміцер" not in listing


def test_without_a_translation_the_petition_is_printed_as_written_and_the_cover_says_so(
    organizer_browser: OrganizerBrowser, petition: Petition
) -> None:
    pdf = download(organizer_browser, petition, "de")
    cover = pages_of(pdf)[0]
    english = PRINTED["en"]

    assert english.title in cover
    assert english.body in cover
    assert f"Betrifft: {english.prisoner}" in cover
    bundle = db.session.execute(select(Bundle)).scalar_one()
    assert format_date(bundle.generated_at, "d. MMMM y", locale="de") in cover
    # The sentence before the text names its language, in the letter's language.
    assert "Englisch" in cover
    assert "Deutsch" in cover  # "Printed in"
    metadata = metadata_of(pdf)
    assert metadata.lang == "de"
    assert metadata.languages == {"de", "en"}
    assert metadata.title == f"{english.title}: Unterschriften"


def test_a_title_translated_without_its_text_is_not_printed_over_the_original(
    organizer_browser: OrganizerBrowser, petition: Petition
) -> None:
    pdf = download(organizer_browser, petition, "pl")
    text = "\n".join(pages_of(pdf))

    assert "Wolność dla Alesia Bialackiego" not in text
    assert PRINTED["en"].title in text
    assert PRINTED["en"].body in text
    assert "angielski" in pages_of(pdf)[0]
    assert metadata_of(pdf).languages == {"pl", "en"}


def test_a_recipient_typed_by_the_organizer_is_printed_as_typed(
    organizer_browser: OrganizerBrowser, petition: Petition
) -> None:
    cover = pages_of(download(organizer_browser, petition, "ru", recipient="Consul H. Ivanov"))[0]

    assert "Consul H. Ivanov" in cover
    assert PRINTED["ru"].addressee not in cover


def test_the_language_does_not_change_the_fingerprint(
    organizer_browser: OrganizerBrowser, petition: Petition
) -> None:
    download(organizer_browser, petition, "en")
    download(organizer_browser, petition, "ru")

    english, russian = db.session.execute(select(Bundle).order_by(Bundle.id)).scalars()
    assert (english.language, russian.language) == ("en", "ru")
    assert english.fingerprint == russian.fingerprint
