"""An address (slug) in use is refused without telling whose it is, and a free one is offered."""

from __future__ import annotations

from typing import Any

from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from tests.conftest import OrganizerBrowser, SmtpServer
from tests.factories import (
    ORGANIZER_PASSWORD,
    detained_case,
    draft_petition,
    open_petition,
    organizer,
)
from tests.helpers import one, parse

NEW_PETITION = {
    "title": "Free him now",
    "summary": "Release him.",
    "body": "We ask for his release.",
    "addressee": "Embassy of the Republic of Belarus, The Hague",
    "goal": "5000",
}


def slug_error(answer: Any) -> str:
    soup = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
    field = one(soup, 'input[name="slug"]')
    assert field.parent is not None
    errors = [node.text.strip() for node in field.parent.select(".field-error, .error")]
    assert errors, answer.get_data(as_text=True)
    return " ".join(errors)


def test_a_slug_of_another_cases_draft_is_refused_like_any_other_without_a_word_of_whose(
    organizer_browser: OrganizerBrowser, client: FlaskClient, smtp: SmtpServer
) -> None:
    theirs = draft_petition(slug="secret-draft", title="Their unannounced campaign")
    public = open_petition(slug="public-petition")
    mine = detained_case(slug="my-case", prisoner_name="Ihar Losik")
    organizer("me@example.org", cases=(mine,))
    organizer_browser.log_in("me@example.org", ORGANIZER_PASSWORD)
    page = "/organizer/cases/my-case/petitions/new"

    on_draft = organizer_browser.post(page, {**NEW_PETITION, "slug": "secret-draft"}, page=page)
    on_public = organizer_browser.post(page, {**NEW_PETITION, "slug": "public-petition"}, page=page)

    assert on_draft.status_code == on_public.status_code == 422
    draft_message, public_message = slug_error(on_draft), slug_error(on_public)
    assert draft_message == (
        "This address cannot be used. Please choose another, for example secret-draft-2."
    )
    assert public_message == draft_message.replace("secret-draft", "public-petition")
    shown = on_draft.get_data(as_text=True)
    for secret in (theirs.title, theirs.case.prisoner_name, theirs.case.slug, "taken", "draft "):
        assert secret not in one(parse(shown), "main").text
    assert public.slug

    created = organizer_browser.post(page, {**NEW_PETITION, "slug": "secret-draft-2"}, page=page)
    assert created.status_code == 303
