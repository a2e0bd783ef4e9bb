"""The demo campaign reads in each of its languages: English, Belarusian, Russian, Dutch, French.

The demo's originals are English; every translatable field of the case, its timeline and the
petition has a translation into be, ru, nl and fr, so a reader who picks one of them reads the
whole page in it, with no text marked as in another language.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from petitions.cases import translation_status, translations
from petitions.cases.demo import DEMO_CASE_SLUG, DEMO_PETITION_SLUG
from petitions.cases.models import Case, CaseStatus, ContentTranslation, Petition
from petitions.extensions import db
from tests.helpers import one, parse

DEMO_LANGUAGES = ("be", "ru", "nl", "fr")

#: Per language: the prisoner's name and the petition's title, as their pages' <h1> shows them.
HEADINGS = {
    "en": ("Ales Bialiatski", "Free Belarus's political prisoners, as Ales Bialiatski was freed"),
    "be": ("Алесь Бяляцкі", "Вызваліце палітвязняў Беларусі, як вызвалілі Алеся Бяляцкага"),
    "ru": (
        "Алесь Беляцкий",
        "Освободите политзаключённых Беларуси, как освободили Алеся Беляцкого",
    ),
    "nl": (
        "Ales Bialiatski",
        "Laat de politieke gevangenen in Belarus vrij, zoals Ales Bialiatski vrijkwam",
    ),
    "fr": (
        "Ales Bialiatski",
        "Libérez les prisonniers politiques du Bélarus, comme Ales Bialiatski a été libéré",
    ),
}

#: The Mayor of Paris's letter (the seed's "Paris, September 2013", published for his birthday):
#: per language, its title on the case page and the mayor's name as its text spells it.
DELANOE_LETTER = {
    "en": ("A letter from the Mayor of Paris", "Bertrand Delanoë"),
    "be": ("Ліст мэра Парыжа", "Бертран Дэланоэ"),
    "ru": ("Письмо мэра Парижа", "Бертран Деланоэ"),
    "nl": ("Een brief van de burgemeester van Parijs", "Bertrand Delanoë"),
    "fr": ("Une lettre du maire de Paris", "Bertrand Delanoë"),
}


@pytest.fixture
def demo(app: Flask) -> Case:
    """The demo loaded as `flask --app wsgi demo-data` loads it (tests/test_cli.py)."""
    loaded = app.test_cli_runner().invoke(args=["demo-data"])
    assert "Loaded the demo case" in loaded.output, loaded.output
    return db.session.execute(select(Case).where(Case.slug == DEMO_CASE_SLUG)).scalar_one()


def heading(client: FlaskClient, path: str, lang: str) -> tuple[str, object]:
    """The page's one <h1>: its text, and its lang attribute (None without one)."""
    answer = client.get(f"{path}?lang={lang}")
    assert answer.status_code == 200, (path, lang, answer.status_code)
    soup = parse(answer)
    assert one(soup, "html").get("lang") == lang, "the page is not in the language asked for"
    (h1,) = soup.find_all("h1")
    # Nothing in <main> is marked as in another language: every text there is translated.
    marked = [
        (tag.name, tag.get("lang"), tag.get_text()[:40])
        for tag in one(soup, "main").select("[lang]")
    ]
    assert marked == [], (path, lang, marked)
    return h1.get_text(strip=True), h1.get("lang")


@pytest.mark.parametrize("lang", ["en", *DEMO_LANGUAGES])
def test_the_demo_pages_read_in_each_language(client: FlaskClient, demo: Case, lang: str) -> None:
    name, title = HEADINGS[lang]

    case_heading = heading(client, f"/cases/{DEMO_CASE_SLUG}", lang)
    petition_heading = heading(client, f"/p/{DEMO_PETITION_SLUG}", lang)

    # In the page's language, so with no lang attribute of its own.
    assert case_heading == (name, None)
    assert petition_heading == (title, None)


def timeline(client: FlaskClient, lang: str) -> list[tuple[str, str, str, str | None, str]]:
    """The case page's timeline in a language, as a reader sees it: per entry its day, its kind,
    its title and the title's own lang attribute (None: the page's), and its text."""
    soup = parse(client.get(f"/cases/{DEMO_CASE_SLUG}?lang={lang}"))
    assert one(soup, "html").get("lang") == lang, "the page is not in the language asked for"
    entries = []
    for item in soup.select("ol.timeline > li"):
        title = one(item, "h4")
        own_lang = title.get("lang")
        (text,) = item.select("p:not(.entry-head)")
        day = one(item, ".entry-head time").get("datetime")
        entries.append(
            (
                str(day),
                str(item.get("data-kind")),
                title.get_text(),
                None if own_lang is None else str(own_lang),
                text.get_text(),
            )
        )
    return entries


@pytest.mark.parametrize("lang", ["en", *DEMO_LANGUAGES])
def test_the_mayor_of_paris_letter_is_on_the_timeline_in_each_language(
    client: FlaskClient, demo: Case, lang: str
) -> None:
    title, mayor = DELANOE_LETTER[lang]

    entries = timeline(client, lang)

    letters = [entry for entry in entries if entry[2] == title]
    assert [(day, kind, own_lang) for day, kind, _, own_lang, _ in letters] == [
        ("2013-09-25", "letter", None)
    ]
    assert mayor in letters[0][4]
    assert len(entries) == 14


def test_every_translatable_field_of_the_demo_is_translated(demo: Case) -> None:
    petition = db.session.execute(
        select(Petition).where(Petition.slug == DEMO_PETITION_SLUG)
    ).scalar_one()
    contents: list[translations.Content] = [demo, petition, *demo.detentions, *demo.timeline]
    rows = db.session.execute(select(ContentTranslation)).scalars().all()
    saved = {(row.subject, row.subject_id, row.language, row.field): row.text for row in rows}

    # Every field the demo fills (it has no portrait or photos, so no alt texts).
    wanted = [
        (subject, subject_id, language, field)
        for content in contents
        for subject, subject_id in [translations.subject_of(content)]
        for language in DEMO_LANGUAGES
        for field in translations.FIELDS[subject]
        if getattr(content, field)
    ]

    assert len(demo.timeline) == 14
    assert [each for each in wanted if not saved.get(each, "").strip()] == []
    assert {row.language for row in rows} == set(DEMO_LANGUAGES)
    # ... each made from the original as it is (none out of date).
    groups: list[list[translations.Content]] = [
        [demo, *demo.detentions, *demo.timeline],
        [petition],
    ]
    for group in groups:  # a case is translated with its timeline
        states = translation_status.status_of(group)
        assert {states[language] for language in DEMO_LANGUAGES} == {
            translation_status.TranslationState.CURRENT
        }
    assert demo.status is CaseStatus.RELEASED
    assert (demo.language, petition.language) == ("en", "en")
    assert (petition.addressee_country, petition.is_open) == ("BY", True)


def test_the_demo_tells_the_seed_campaigns_events_with_their_kinds(
    client: FlaskClient, demo: Case
) -> None:
    import datetime as dt

    from petitions.cases.models import EntryKind

    kinds = {(entry.happened_on, entry.title): entry.kind for entry in demo.timeline}
    # The events of the campaign page the project started from (shared/seed).
    assert kinds[(dt.date(2012, 10, 1), "Honorary Citizen of Paris")] is (
        EntryKind.HONORARY_CITIZENSHIP
    )
    assert kinds[(dt.date(2013, 12, 10), "Paris honours him on Human Rights Day")] is (
        EntryKind.HONORARY_CITIZENSHIP
    )
    assert kinds[(dt.date(2013, 9, 30), "Václav Havel Human Rights Prize")] is EntryKind.AWARD
    assert kinds[(dt.date(2013, 9, 25), "Birthday visit to the Belarus embassy in The Hague")] is (
        EntryKind.VISIT
    )
    assert kinds[(dt.date(2013, 9, 25), "Birthday wishes from around the world")] is (
        EntryKind.LETTER
    )
    assert kinds[(dt.date(2013, 9, 25), "A letter from the Mayor of Paris")] is EntryKind.LETTER
    # The early release a court refused on 2 December 2013 was Nabeel Rajab's, in Bahrain: that
    # day's one entry is his solidarity, and no court decision of this case.
    assert [(day, title) for day, title in kinds if day == dt.date(2013, 12, 2)] == [
        (dt.date(2013, 12, 2), "Solidarity from a prison in Bahrain")
    ]
    assert kinds[(dt.date(2013, 12, 2), "Solidarity from a prison in Bahrain")] is EntryKind.OTHER
    assert kinds[(dt.date(2022, 10, 7), "Nobel Peace Prize")] is EntryKind.AWARD
    assert kinds[(dt.date(2023, 3, 3), "Sentenced to ten years")] is EntryKind.COURT_DECISION
    # Jailed 4 August 2011 – 21 June 2014, again from 14 July 2021, freed 13 December 2025.
    assert [(each.started_on, each.ended_on) for each in demo.detentions] == [
        (dt.date(2011, 8, 4), dt.date(2014, 6, 21)),
        (dt.date(2021, 7, 14), dt.date(2025, 12, 13)),
    ]
    assert demo.arrested_on == dt.date(2011, 8, 4)
    status = one(parse(client.get(f"/cases/{DEMO_CASE_SLUG}")), '[data-testid="status"]')
    assert status.get_text(" ", strip=True) == (
        "Released on December 13, 2025 after 1,613 days in prison"
    )
    be = parse(client.get(f"/cases/{DEMO_CASE_SLUG}?lang=be"))
    places = [each.get_text() for each in be.select('[data-testid="detentions"] .place')]
    assert places == [
        "Папраўчая калонія № 9, Горкі",
        "Мінскі следчы ізалятар, потым папраўчая калонія № 2, Бабруйск",
    ]
