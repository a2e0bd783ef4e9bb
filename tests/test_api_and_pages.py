"""The public JSON API and the public pages: the list, a case with its timeline, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from petitions.cases.models import CaseStatus, TimelineEntry
from petitions.extensions import db
from tests.conftest import SmtpServer, Supporter
from tests.factories import (
    closed_petition,
    confirmed_signature,
    detained_case,
    draft_petition,
    open_petition,
    pending_signature,
)
from tests.helpers import main_text, text

# --- the API --------------------------------------------------------------------------------


def test_the_api_describes_a_petition_with_its_exact_count(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    case = detained_case(slug="ales-bialiatski", prisoner_name="Ales Bialiatski")
    petition = open_petition(slug="free-ales", title="Free Ales Bialiatski", goal=5000, case=case)
    for _ in range(3):
        confirmed_signature(petition)
    pending_signature(petition)

    answer = client.get("/api/v1/petitions/free-ales")

    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert {"slug", "title", "status", "goal", "signature_count"} <= body.keys()
    assert body["slug"] == "free-ales"
    assert body["title"] == "Free Ales Bialiatski"
    assert body["status"] == "open"
    assert body["goal"] == 5000
    assert body["signature_count"] == 3, "pending signatures do not count"
    assert body["addressee"] == "Embassy of the Republic of Belarus, The Hague"
    assert body["case"] == {
        "slug": "ales-bialiatski",
        "prisoner_name": "Ales Bialiatski",
        "status": "detained",
        "detained_since": "2011-08-04",
    }
    raw = text(answer)
    assert "@" not in raw, "no signer's address leaks into the API"

    # A signature confirmed through the site shows up at once.
    supporter.sign("free-ales")
    supporter.deliver()
    supporter.open_and_press(smtp.take_one().link("confirm"))
    assert client.get("/api/v1/petitions/free-ales").get_json()["signature_count"] == 4


def test_a_closed_petition_is_still_described(client: FlaskClient, smtp: SmtpServer) -> None:
    petition = closed_petition()
    confirmed_signature(petition)

    body = client.get(f"/api/v1/petitions/{petition.slug}").get_json()

    assert (body["status"], body["signature_count"]) == ("closed", 1)


def _draft_slug() -> str:
    return draft_petition().slug


@pytest.mark.parametrize(
    ("make_path", "status"),
    [
        pytest.param(lambda: "/api/v1/petitions/no-such-petition", 404, id="unknown-slug"),
        pytest.param(lambda: f"/api/v1/petitions/{_draft_slug()}", 404, id="draft"),
        pytest.param(lambda: "/api/v1/nothing-here", 404, id="unknown-endpoint"),
    ],
)
def test_api_errors_come_in_one_json_envelope(
    client: FlaskClient, smtp: SmtpServer, make_path: Any, status: int
) -> None:
    answer = client.get(make_path())

    assert answer.status_code == status
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert body.keys() == {"error"}
    assert body["error"]["status"] == status
    assert "nothing at this address" in body["error"]["message"]
    assert "<html" not in text(answer)


def test_a_draft_petition_shows_nowhere(client: FlaskClient, smtp: SmtpServer) -> None:
    case = detained_case(slug="ihar-losik", prisoner_name="Ihar Losik")
    open_petition(slug="free-ihar-losik", title="Free Ihar Losik", case=case)
    draft = draft_petition(slug="secret-draft", title="Secret draft about Ihar Losik", case=case)

    for path in (
        f"/p/{draft.slug}",
        f"/api/v1/petitions/{draft.slug}",
        f"/badge/{draft.slug}.svg",
    ):
        assert client.get(path).status_code == 404, path

    front = client.get("/")
    assert front.status_code == 200
    cards = BeautifulSoup(text(front), "html.parser").select("main article.card h2")
    assert [card.get_text(strip=True) for card in cards] == ["Free Ihar Losik"]

    case_page = client.get(f"/cases/{case.slug}")
    assert case_page.status_code == 200
    soup = BeautifulSoup(text(case_page), "html.parser")
    listed = [a["href"] for a in soup.select("main a[href^='/p/']")]
    assert listed == ["/p/free-ihar-losik"]
    assert "Secret draft" not in soup.get_text()

    listing = client.get("/api/v1/petitions")
    assert listing.status_code == 200
    assert [p["slug"] for p in listing.get_json()["petitions"]] == ["free-ihar-losik"]


def test_the_api_refuses_other_methods_in_json(client: FlaskClient, smtp: SmtpServer) -> None:
    petition = open_petition()

    answer = client.post(f"/api/v1/petitions/{petition.slug}")

    assert answer.status_code == 405
    assert answer.get_json()["error"]["status"] == 405
    assert "cannot be used that way" in answer.get_json()["error"]["message"]


# --- the list of petitions ------------------------------------------------------------------


def test_the_front_page_lists_open_petitions_with_their_counts(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    lesser = open_petition(title="Free Maria Kalesnikava", goal=500)
    greater = open_petition(title="Free Ales Bialiatski", goal=5000)
    for _ in range(2):
        confirmed_signature(lesser)
    greater.count_base = 1234  # counted before the shards: the count is base + shards
    db.session.commit()
    closed_petition(title="Closed campaign for Viktar Babaryka")
    draft_petition(title="Draft campaign for Ihar Losik")

    html = text(client.get("/"))
    page = main_text(html)

    assert "Open petitions" in page
    assert "Free Ales Bialiatski" in page
    assert "Free Maria Kalesnikava" in page
    assert "1,234 signatures of a goal of 5,000" in page
    assert "2 signatures of a goal of 500" in page
    assert page.index("Free Ales Bialiatski") < page.index("Free Maria Kalesnikava"), (
        "the most signed comes first"
    )
    assert "Viktar Babaryka" not in html
    assert "Ihar Losik" not in html


def test_the_front_page_says_when_nothing_is_open(client: FlaskClient, smtp: SmtpServer) -> None:
    closed_petition()

    assert "There are no open petitions right now." in main_text(client.get("/"))


def test_one_signature_is_singular(client: FlaskClient, smtp: SmtpServer) -> None:
    petition = open_petition()
    confirmed_signature(petition)

    assert "1 signature of a goal of 1,000" in main_text(client.get("/"))


# --- a case ---------------------------------------------------------------------------------


def test_a_case_page_shows_its_timeline_and_public_petitions(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    case = detained_case(slug="ales-bialiatski", prisoner_name="Ales Bialiatski")
    case.timeline = [
        TimelineEntry(
            happened_on=dt.date(2012, 10, 1),
            title="Honorary Citizen of Paris",
            text="The Paris city council grants him honorary citizenship.",
        ),
        TimelineEntry(
            happened_on=dt.date(2013, 9, 25),
            title="Birthday visit to the Belarus embassy in The Hague",
            text="Supporters bring a cake and thousands of signatures.",
            link="https://www.amnesty.nl/",
        ),
    ]
    db.session.commit()
    open_one = open_petition(case=case, title="Free Ales Bialiatski")
    confirmed_signature(open_one)
    closed_petition(case=case, title="Let his family visit")
    draft_petition(case=case, title="Unpublished draft")

    answer = client.get("/cases/ales-bialiatski")

    assert answer.status_code == 200
    html = text(answer)
    page = main_text(html)
    assert "Ales Bialiatski" in page
    assert "In prison for" in page
    assert "Penal colony No. 2, Babruisk, Belarus" in page
    assert "August 4, 2011" in page
    assert "Honorary Citizen of Paris" in page
    assert "October 1, 2012" in page
    assert "thousands of signatures" in page
    assert 'href="https://www.amnesty.nl/"' in html
    assert page.index("Birthday visit") < page.index("Honorary Citizen"), "newest first"
    assert "Free Ales Bialiatski (1 signature)" in page
    assert "Let his family visit (0 signatures, closed)" in page
    assert "Unpublished draft" not in html
    assert f'href="/p/{open_one.slug}"' in html


def test_a_released_prisoner_is_shown_as_released(client: FlaskClient, smtp: SmtpServer) -> None:
    case = detained_case(status=CaseStatus.RELEASED)

    html = text(client.get(f"/cases/{case.slug}"))

    assert "Released" in main_text(html)
    assert "Detained" not in html
    assert "No petitions yet." in main_text(html)


def test_a_petition_page_renders_markdown_but_no_raw_html(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    petition = open_petition(
        body="We ask for **his release**.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    )

    html = text(client.get(f"/p/{petition.slug}"))

    assert "<strong>his release</strong>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert "To: Embassy of the Republic of Belarus, The Hague" in main_text(html)


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/no-such-page", "/cases/no-such-case", "/p/no-such-petition", "/p/x/check-your-inbox"],
)
def test_an_unknown_address_gets_a_helpful_html_page(
    client: FlaskClient, smtp: SmtpServer, path: str
) -> None:
    answer = client.get(path)

    assert answer.status_code == 404
    assert answer.mimetype == "text/html"
    page = main_text(answer)
    assert "Page not found" in page
    assert "There is nothing at this address. The link may be mistyped or out of date." in page
    assert 'href="/"' in text(answer), "a way back to the petitions"


def test_a_wrong_method_on_a_page_gets_an_html_page(client: FlaskClient, smtp: SmtpServer) -> None:
    petition = open_petition()

    answer = client.get(f"/p/{petition.slug}/sign")

    assert answer.status_code == 405
    assert answer.mimetype == "text/html"
    assert "Please go back and use the form." in main_text(answer)
