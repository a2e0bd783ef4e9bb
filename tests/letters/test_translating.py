"""Organizers add ready texts only in the accepted languages."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from petitions.cases.models import Case
from petitions.extensions import db
from petitions.letters import settings
from petitions.letters.models import ReadyText
from tests.conftest import OrganizerBrowser
from tests.factories import ORGANIZER_PASSWORD, detained_case, open_letters, organizer
from tests.helpers import one, parse, words

OWNER = "owner@example.org"


@pytest.fixture
def case(app: Flask) -> Case:
    """A case written in English whose letters are written in Belarusian or Russian."""
    made = detained_case()
    assert made.language == "en"
    open_letters(made)
    return made


@pytest.fixture
def owner(case: Case, organizer_browser: OrganizerBrowser) -> OrganizerBrowser:
    organizer(OWNER, cases=(case,))
    organizer_browser.log_in(OWNER, ORGANIZER_PASSWORD)
    return organizer_browser


def settings_page(case: Case) -> str:
    return f"/organizer/cases/{case.slug}/letters/settings"


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
