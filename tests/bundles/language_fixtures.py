"""A petition to the Belarusian embassy written in English, translated into Russian, Belarusian
and Dutch (and only its title into Polish), with one Dutch and one Belarusian signer."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pikepdf
from pypdf import PdfReader

from petitions.cases import translations
from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.extensions import db
from tests.conftest import OrganizerBrowser
from tests.factories import ORGANIZER_PASSWORD, confirmed_signature, open_petition, organizer

EMBASSY = "Embassy of the Republic of Belarus, The Hague"


@dataclass(frozen=True)
class Printed:
    """What one language's bundle must print of the petition, and a few of its own words."""

    title: str
    body: str  # the petition's text as extracted (its Markdown's bold is plain text)
    prisoner: str
    addressee: str
    concerning: str  # what the cover's "Concerning %(prisoner)s" puts before the name
    page: str  # "Page" in "Page 1 of 2"
    netherlands: str  # the signer country's name
    signatures: str  # the PDF title's ": signatures"
    date: str  # how the language writes a date in words (a Babel pattern)


PRINTED = {
    "en": Printed(
        "Free Ales Bialiatski",
        "We ask for his release.",
        "Ales Bialiatski",
        EMBASSY,
        "Concerning ",
        "Page",
        "Netherlands",
        "signatures",
        "d MMMM y",
    ),
    "ru": Printed(
        "Свободу Алесю Беляцкому",
        "Мы требуем его освобождения.",
        "Алесь Беляцкий",
        "Посольство Республики Беларусь, Гаага",
        "По делу: ",
        "Страница",
        "Нидерланды",
        "подписи",
        "d MMMM y 'г'.",
    ),
    "be": Printed(
        "Волю Алесю Бяляцкаму",
        "Мы патрабуем яго вызвалення.",
        "Алесь Бяляцкі",
        "Пасольства Рэспублікі Беларусь, Гаага",
        "Па справе: ",
        "Старонка",
        "Нідэрланды",
        "подпісы",
        "d MMMM y 'г'.",
    ),
    "nl": Printed(
        "Vrijheid voor Ales Bialiatski",
        "Wij vragen om zijn vrijlating.",
        "Ales Bjaljatski",
        "Ambassade van de Republiek Belarus, Den Haag",
        "Betreft: ",
        "Pagina",
        "Nederland",
        "handtekeningen",
        "d MMMM y",
    ),
}

#: Markdown of the body in each translation (PRINTED holds it as extracted).
_BODIES = {
    "ru": "Мы требуем **его освобождения**.",
    "be": "Мы патрабуем **яго вызвалення**.",
    "nl": "Wij vragen om **zijn vrijlating**.",
}


def translated_petition() -> Petition:
    """The petition, its translations saved as an organizer would, and two signers."""
    petition = open_petition(
        title=PRINTED["en"].title,
        body="We ask for **his release**.",
        addressee=EMBASSY,
        addressee_country="BY",
    )
    for language in ("ru", "be", "nl"):
        printed = PRINTED[language]
        translations.save(
            petition,
            language,
            {"title": printed.title, "body": _BODIES[language], "addressee": printed.addressee},
            by="test",
        )
        translations.save(petition.case, language, {"prisoner_name": printed.prisoner}, by="test")
    translations.save(petition, "pl", {"title": "Wolność dla Alesia Bialackiego"}, by="test")
    db.session.commit()
    start = utcnow() - dt.timedelta(days=2)
    confirmed_signature(
        petition, full_name="Jan de Vries", city="Utrecht", country="NL", confirmed_at=start
    )
    # Printed unnamed: "a supporter from" their country, in the bundle's language.
    confirmed_signature(
        petition,
        name_in_bundle=False,
        full_name="Зміцер Гродзенскі",
        city="Ашмяны",
        country="BY",
        email="zmitser@example.org",
        confirmed_at=start + dt.timedelta(minutes=1),
    )
    return petition


def log_in_organizer(browser: OrganizerBrowser, petition: Petition) -> None:
    organizer("hanna@example.org", cases=(petition.case,))
    browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)


def pages_of(pdf: bytes) -> list[str]:
    """Each page's text as pypdf extracts it."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


@dataclass(frozen=True)
class Metadata:
    lang: str
    title: str
    languages: set[str]  # dc:language is an unordered bag


def metadata_of(pdf: bytes) -> Metadata:
    """The document's /Lang, its title and its XMP dc:language, as a reader program sees them."""
    document = pikepdf.open(io.BytesIO(pdf))
    xmp = document.open_metadata()
    return Metadata(
        lang=str(document.Root.Lang),
        title=str(document.docinfo["/Title"]),
        languages=set(xmp.get("dc:language") or ()),
    )
