"""The petition page kept once per language, its sign form's ticket and ?ref= filled per URL.

A fresh ``?ref=`` must cost neither a rendering nor a query, yet answer the very page a full
rendering gives; an organizer's edit must show at the next view, in every language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from sqlalchemy import event

from petitions import tokens
from petitions.cases import services as cases
from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.i18n import COUNTRY_CODES, country_choices
from petitions.signing import moderation
from petitions.signing.forms import SignForm
from petitions.signing.set_aside import set_aside_of
from tests.conftest import OrganizerBrowser
from tests.factories import (
    ORGANIZER_PASSWORD,
    closed_petition,
    confirmed_signature,
    open_petition,
    organizer,
)
from tests.helpers import one, parse, words

LANGUAGES = ("en", "be", "ru")
#: The sign form's ticket: each rendering signs its own.
TICKET = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]*')


@pytest.fixture
def petition() -> Petition:
    petition = open_petition(body="We ask for **his release**.")
    confirmed_signature(petition, show_name_publicly=True, comment="Free him now")
    return petition


@pytest.fixture
def visitor(app: Flask, client: FlaskClient) -> FlaskClient:
    """A reader of the public pages, with no cookie of the organizer's."""
    return app.test_client()


def edit(browser: OrganizerBrowser, petition: Petition, **changes: str) -> None:
    organizer("hanna@example.org", cases=(petition.case,))
    browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    fields = {
        "title": petition.title,
        "slug": petition.slug,
        "summary": petition.summary,
        "addressee": petition.addressee,
        "goal": str(petition.goal),
        "body": petition.body,
    }
    path = f"/organizer/petitions/{petition.slug}/edit"
    answer = browser.post(path, {**fields, **changes}, page=path)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]


def shown(visitor: FlaskClient, petition: Petition, query: str) -> tuple[str, str, str]:
    """The page's <title>, its <h1> and its petition text, as a reader sees them."""
    answer = visitor.get(f"/p/{petition.slug}?{query}")
    assert answer.status_code == 200
    soup = parse(answer)
    return (
        words(one(soup, "title")),
        words(one(soup, "main h1")),
        " ".join(one(soup, "main .petition-text").get_text().split()),
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_organizers_edit_of_the_title_and_text_shows_at_the_next_view(
    organizer_browser: OrganizerBrowser, visitor: FlaskClient, petition: Petition, language: str
) -> None:
    for query in (f"lang={language}", f"ref=before&lang={language}"):
        assert shown(visitor, petition, query) == (
            petition.title,
            petition.title,
            "We ask for his release.",
        )

    edit(organizer_browser, petition, title="Freedom for Ales", body="We ask for *freedom*.")

    for query in (f"lang={language}", f"ref=before&lang={language}", f"ref=after&lang={language}"):
        assert shown(visitor, petition, query) == (
            "Freedom for Ales",
            "Freedom for Ales",
            "We ask for freedom.",
        ), query


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_fresh_ref_gets_the_country_list_its_ref_and_a_good_ticket_of_its_own(
    app: Flask, visitor: FlaskClient, petition: Petition, language: str
) -> None:
    tickets = set()
    for ref in ("newsletter", "telegram"):
        form = one(parse(visitor.get(f"/p/{petition.slug}?ref={ref}&lang={language}")), "form")
        assert one(form, "input[name=source]")["value"] == ref
        ticket = str(one(form, "input[name=csrf_token]")["value"])
        tokens.read_ticket(ticket, petition.slug, None)  # raises if it is not good for the form
        tickets.add(ticket)
        options = [(str(o["value"]), words(o)) for o in form.select("select[name=country] option")]
        with app.app_context(), app.test_request_context(f"/?lang={language}"):
            assert options[1:] == country_choices()
        assert options[0][0] == ""
        assert {code for code, _ in options[1:]} == set(COUNTRY_CODES)
    assert len(tickets) == 2


@pytest.fixture
def queries(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", note)
    yield seen
    event.remove(db.engine, "before_cursor_execute", note)


def test_a_fresh_ref_costs_no_query_and_no_rendering(
    visitor: FlaskClient, petition: Petition, queries: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    visitor.get(f"/p/{petition.slug}?ref=first")
    queries.clear()
    rendered: list[str] = []
    monkeypatch.setattr(
        "petitions.signing.views.render_template", lambda *a, **k: rendered.append(a[0])
    )

    answer = visitor.get(f"/p/{petition.slug}?ref=second")
    # A ?lang= that names no language shows as none: the same kept part.
    unknown = visitor.get(f"/p/{petition.slug}?ref=third&lang=xx")

    assert (answer.status_code, unknown.status_code) == (200, 200)
    assert (queries, rendered) == ([], [])


@pytest.mark.parametrize(
    "ref",
    [
        "",
        "newsletter",
        "  spaced  ",
        "quo\"te'<&>",
        "cafe\u0301",
        'petition-page-slot-ticket"',
        "petition-page-slot-source",
    ],
)
def test_a_filled_page_is_the_page_a_full_rendering_gives(
    app: Flask, visitor: FlaskClient, petition: Petition, ref: str
) -> None:
    for language in LANGUAGES:
        query = {"ref": ref, "lang": language}
        answer = visitor.get(f"/p/{petition.slug}", query_string=query)
        # An app context of its own, as a request has: the locale is kept in the context's g.
        with app.app_context(), app.test_request_context(f"/p/{petition.slug}", query_string=query):
            found = cases.public_petition(petition.slug)
            assert found is not None
            form = SignForm(formdata=None, source=ref)
            form.csrf_token.data = "ticket"
            expected = render_template(
                "signing/petition.html",
                petition=found,
                form=form,
                notice=None,
                signers=moderation.latest_public_signers(found.id),
                set_aside=set_aside_of(found.id),
                comments=moderation.public_comments(found.id),
            )
        assert TICKET.sub(r"\1", answer.get_data(as_text=True)) == TICKET.sub(r"\1", expected)


def test_an_unknown_petition_is_a_404_each_time(visitor: FlaskClient) -> None:
    for ref in ("a", "b"):
        assert visitor.get(f"/p/no-such-petition?ref={ref}").status_code == 404


def test_a_closed_petition_shows_no_form_whatever_the_ref(visitor: FlaskClient) -> None:
    petition = closed_petition()
    for ref in ("a", "b"):
        soup = parse(visitor.get(f"/p/{petition.slug}?ref={ref}"))
        assert soup.select("main form") == []
        assert "petition-page-slot" not in str(soup)
