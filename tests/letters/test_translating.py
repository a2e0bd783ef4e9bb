"""Organizers translate what writers read of a case's letters: the rules, the ready texts
(written in the accepted languages, so also into the case's own) and the holidays' names; and
they add ready texts only in the accepted languages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from petitions.cases.models import Case, ContentTranslation
from petitions.extensions import db
from petitions.letters import settings
from petitions.letters.models import LetterState, Occasion, ReadyText
from tests.conftest import OrganizerBrowser
from tests.factories import detained_case, letter, open_letters
from tests.helpers import one, parse, words

OWNER = "owner@example.org"
BELARUSIAN_WISH = "Дарагі Алесь! Мы памятаем пра цябе."
ENGLISH_WISH = "Dear Ales! We remember you."


@pytest.fixture
def case(app: Flask) -> Case:
    """A case written in English whose letters are written in Belarusian or Russian."""
    made = detained_case()
    assert made.language == "en"
    open_letters(made)
    return made


def translation_page(case: Case, language: str) -> str:
    return f"/organizer/cases/{case.slug}/letters/translations/{language}"


def settings_page(case: Case) -> str:
    return f"/organizer/cases/{case.slug}/letters/settings"


def translation_links(owner: OrganizerBrowser, case: Case) -> list[str]:
    page = parse(owner.client.get(settings_page(case)))
    prefix = translation_page(case, "")
    return [
        str(link["href"]).removeprefix(prefix)
        for link in page.select("main a[href]")
        if str(link["href"]).startswith(prefix)
    ]


def translation_count() -> int:
    return int(
        db.session.execute(select(func.count()).select_from(ContentTranslation)).scalar_one()
    )


def test_a_ready_text_in_another_language_is_translated_into_the_cases_own(
    owner: OrganizerBrowser, case: Case, client: FlaskClient
) -> None:
    ready = settings.add_ready_text(case, "be", BELARUSIAN_WISH, None)
    assert "en" in translation_links(owner, case)
    page = owner.client.get(translation_page(case, "en"))
    assert page.status_code == 200
    [section] = parse(page).select("[data-testid=translated-content]")
    assert words(one(section, "h2")) == "Ready text in Belarusian"
    original = one(section, "[data-testid=original]")
    assert (words(original), original["lang"]) == (BELARUSIAN_WISH, "be")
    field = one(section, "textarea")
    assert (field["name"], field["lang"]) == (f"ready-{ready.id}-text", "en")
    saved = owner.post(
        translation_page(case, "en"),
        {f"ready-{ready.id}-text": ENGLISH_WISH},
        page=translation_page(case, "en"),
    )
    assert saved.status_code == 303
    item = one(
        parse(client.get(f"/cases/{case.slug}/write?lang=en")), f"[data-testid=ready-{ready.id}]"
    )
    assert one(item, "blockquote")["lang"] == "be"
    shown = one(item, ".translation")
    assert words(shown) == f"In your language: {ENGLISH_WISH}"
    assert one(shown, "span:not(.label)").get("lang") is None, "in the page's own language"


def test_nothing_to_translate_into_a_language_is_a_404(owner: OrganizerBrowser, case: Case) -> None:
    settings.add_ready_text(case, "en", ENGLISH_WISH, None)
    assert "en" not in translation_links(owner, case), "rules and texts are all in English"
    assert owner.client.get(translation_page(case, "en")).status_code == 404
    refused = owner.post(
        translation_page(case, "en"), {"letters-1-rules": "x"}, page=settings_page(case)
    )
    assert refused.status_code == 404
    assert translation_count() == 0
    into_belarusian = parse(owner.client.get(translation_page(case, "be")))
    assert [
        words(each) for each in into_belarusian.select("[data-testid=translated-content] h2")
    ] == [
        "Rules for letter writers",
        "Ready text in English",
    ]


def test_a_holidays_name_is_translated_and_the_writer_reads_it_in_their_language(
    owner: OrganizerBrowser, case: Case, client: FlaskClient
) -> None:
    holiday = settings.add_holiday(case, "Kupalle", dt.date(2024, 7, 7))
    page = parse(owner.client.get(translation_page(case, "be")))
    section = page.select("[data-testid=translated-content]")[-1]
    assert words(one(section, "h2")) == "Holiday on 7 July"
    assert words(one(section, "[data-testid=original]")) == "Kupalle"
    assert one(section, "label").get_text(strip=True) == "Holiday"
    saved = owner.post(
        translation_page(case, "be"),
        {f"holiday-{holiday.id}-name": "Купалле"},
        page=translation_page(case, "be"),
    )
    assert saved.status_code == 303

    belarusian = parse(client.get(f"/cases/{case.slug}/write?lang=be"))
    name = one(belarusian, "[data-testid=holiday-name]")
    assert (words(name), name.get("lang")) == ("Купалле", None)
    label = one(belarusian, f"label[for=occasion-holiday-{holiday.id}]")
    assert (words(label), label.select("[lang]")) == ("Купалле", [])

    russian = parse(client.get(f"/cases/{case.slug}/write?lang=ru"))
    name = one(russian, "[data-testid=holiday-name]")
    assert (words(name), name.get("lang")) == ("Kupalle", "en"), "the original, marked English"
    label = one(russian, f"label[for=occasion-holiday-{holiday.id}]")
    assert words(one(label, "span[lang=en]")) == "Kupalle"


def test_the_queue_and_the_batch_name_a_holiday_in_the_organizers_language(
    owner: OrganizerBrowser, case: Case
) -> None:
    holiday = settings.add_holiday(case, "Kupalle", dt.date(2024, 7, 7))
    owner.post(
        translation_page(case, "be"),
        {f"holiday-{holiday.id}-name": "Купалле"},
        page=translation_page(case, "be"),
    )
    letter(case, LetterState.CONFIRMED, occasion=Occasion.HOLIDAY, holiday_id=holiday.id)
    queue = f"/organizer/cases/{case.slug}/letters/"
    hint = one(parse(owner.client.get(queue + "?lang=be")), "li[data-letter] p.hint")
    assert "Купалле" in words(hint)
    assert hint.select("[lang]") == []
    marked = one(parse(owner.client.get(queue + "?lang=ru")), "li[data-letter] p.hint")
    assert words(one(marked, "span[lang=en]")) == "Kupalle", "the original, marked English"

    letter(case, LetterState.APPROVED, occasion=Occasion.HOLIDAY, holiday_id=holiday.id)
    batches = f"/organizer/cases/{case.slug}/letters/batches/"
    printed = owner.post(batches + "?lang=be", {"size": "A4"}, page=batches + "?lang=be")
    assert printed.mimetype == "application/pdf"
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(printed.data)).pages)
    assert "Купалле" in text
    assert "Kupalle" not in text


def test_a_holidays_name_is_refused_when_too_long_and_nothing_is_saved(
    owner: OrganizerBrowser, case: Case
) -> None:
    holiday = settings.add_holiday(case, "Kupalle", dt.date(2024, 7, 7))
    refused = owner.post(
        translation_page(case, "be"),
        {f"holiday-{holiday.id}-name": "К" * 121},
        page=translation_page(case, "be"),
    )
    assert refused.status_code == 422
    assert "nothing was saved" in words(one(parse(refused), "[data-testid=translation-errors]"))
    assert translation_count() == 0


def test_the_ready_text_form_offers_only_the_accepted_languages(
    owner: OrganizerBrowser, case: Case
) -> None:
    page = parse(owner.client.get(settings_page(case)))
    offered = [option["value"] for option in page.select("select#ready-language option")]
    assert offered == ["be", "ru"]


@pytest.mark.parametrize("language", ["de", "en", "xx", ""])
def test_a_ready_text_in_another_language_is_refused_with_a_clear_message(
    owner: OrganizerBrowser, case: Case, language: str
) -> None:
    refused = owner.post(
        f"/organizer/cases/{case.slug}/letters/ready-texts",
        {"ready-language": language, "ready-occasion": "", "ready-text": "Hallo Ales!"},
        page=settings_page(case),
    )
    assert refused.status_code == 422
    error = one(parse(refused), "#ready-language-error")
    assert words(error) == "Choose one of the languages the case takes letters in."
    assert db.session.execute(select(func.count()).select_from(ReadyText)).scalar_one() == 0


def test_a_ready_text_in_an_accepted_language_is_added(owner: OrganizerBrowser, case: Case) -> None:
    added = owner.post(
        f"/organizer/cases/{case.slug}/letters/ready-texts",
        {"ready-language": "ru", "ready-occasion": "", "ready-text": "Дорогой Алесь!"},
        page=settings_page(case),
    )
    assert added.status_code == 303
    [ready] = settings.ready_texts_of(case.id)
    assert (ready.language, ready.text) == ("ru", "Дорогой Алесь!")
