"""Organizers run a campaign: cases, timelines, petitions, their states and dashboards."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import select

from petitions.cases.models import Case, Petition, PetitionStatus, TimelineEntry
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.signing.models import Signature, SignatureState
from tests.conftest import (
    VALID_SIGNER,
    OrganizerBrowser,
    csrf_token,
    signature_states,
)
from tests.factories import (
    ORGANIZER_PASSWORD,
    confirmed_signature,
    detained_case,
    open_petition,
    organizer,
    pending_signature,
)
from tests.helpers import elements, main_text, one
from tests.manage.conftest import CASE_FORM

PETITION_FORM = {
    "title": "Free Maria Kalesnikava",
    "slug": "free-maria-kalesnikava",
    "summary": "Release her now.",
    "addressee": "Embassy of the Republic of Belarus, Berlin",
    "goal": "2000",
    "body": "We ask for **her release**.",
}


def test_an_organizer_creates_a_case_and_a_petition_and_opens_it(
    hanna: OrganizerBrowser, client: FlaskClient
) -> None:
    created = hanna.post("/organizer/cases/new", CASE_FORM, page="/organizer/cases/new")
    assert created.status_code == 303
    assert created.headers["Location"].endswith("/organizer/cases/maria-kalesnikava")
    assert "Maria Kalesnikava" in main_text(client.get("/organizer/"))

    petition = hanna.post(
        "/organizer/cases/maria-kalesnikava/petitions/new",
        PETITION_FORM,
        page="/organizer/cases/maria-kalesnikava/petitions/new",
    )
    assert petition.status_code == 303
    # A draft is not public yet.
    assert client.get("/p/free-maria-kalesnikava").status_code == 404

    opened = hanna.post(
        "/organizer/petitions/free-maria-kalesnikava/open",
        page="/organizer/petitions/free-maria-kalesnikava",
    )
    assert opened.status_code == 303
    page = client.get("/p/free-maria-kalesnikava").get_data(as_text=True)
    assert "Embassy of the Republic of Belarus, Berlin" in page
    assert "<strong>her release</strong>" in page


def test_a_closed_petition_keeps_its_page_and_count_but_takes_no_signatures(
    hanna: OrganizerBrowser, client: FlaskClient, app: Flask
) -> None:
    case = db.session.execute(select(Case)).scalar_one_or_none() or detained_case()
    from petitions.cases.access import assign

    assign("hanna@example.org", case.slug)
    petition = open_petition(case=case)
    confirmed_signature(petition)
    # A supporter in their own browser opened the page while the petition was open, and sends
    # the form after it closed.
    supporter = app.test_client()
    form_page = supporter.get(f"/p/{petition.slug}")
    assert form_page.status_code == 200
    token = csrf_token(form_page.get_data(as_text=True))

    dashboard = f"/organizer/petitions/{petition.slug}"
    asked = hanna.post(f"{dashboard}/close", page=dashboard)
    assert asked.status_code == 200, "closing asks first"
    assert "Close the petition?" in asked.get_data(as_text=True)
    db.session.expire_all()
    assert petition.status is PetitionStatus.OPEN
    closed = hanna.post(f"{dashboard}/close", {"confirmed": "yes"}, page=dashboard)

    assert closed.status_code == 303
    soup = BeautifulSoup(client.get(f"/p/{petition.slug}").get_data(as_text=True), "html.parser")
    sign_section = soup.select_one("main section.sign")
    assert sign_section is not None
    assert sign_section.h2 is not None
    assert sign_section.h2.get_text() == "This petition is closed"
    assert sign_section.find("form") is None, "no sign form on a closed petition"
    count = soup.select_one('[data-testid="signature-count"]')
    assert count is not None
    assert count.get_text() == "1"

    refused = supporter.post(f"/p/{petition.slug}/sign", data={**VALID_SIGNER, "csrf_token": token})

    assert refused.status_code == 409
    refusal = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    assert refusal.h1 is not None
    assert refusal.h1.get_text() == "This petition is closed"
    assert refusal.main is not None
    assert "Nothing was recorded." in refusal.main.get_text()
    assert signature_states(petition.id) == Counter({SignatureState.CONFIRMED: 1})
    assert db.session.get_one(Petition, petition.id).signature_count == 1
    assert db.session.execute(select(Petition.status)).scalar() is PetitionStatus.CLOSED
    # Closing twice is refused politely, and reopening is not possible.
    again = hanna.post(
        f"/organizer/petitions/{petition.slug}/open", page=f"/organizer/petitions/{petition.slug}"
    )
    assert again.status_code == 303
    assert "not possible" in main_text(client.get(again.headers["Location"]))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("slug", "Not A Slug", "Use lower-case letters"),
        ("prisoner_name", "", "Please enter the prisoner"),
        ("arrested_on", "4 August 2011", "Please enter the date of arrest as YYYY-MM-DD."),
    ],
)
def test_a_bad_case_form_is_shown_again_with_the_input_kept(
    hanna: OrganizerBrowser, field: str, value: str, message: str
) -> None:
    answer = hanna.post(
        "/organizer/cases/new", {**CASE_FORM, field: value}, page="/organizer/cases/new"
    )

    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert message in html
    assert "Penal colony No. 4, Homiel" in html
    assert db.session.execute(select(Case)).first() is None


def test_a_taken_slug_is_refused_with_a_clear_message(hanna: OrganizerBrowser) -> None:
    detained_case(slug="maria-kalesnikava")

    answer = hanna.post("/organizer/cases/new", CASE_FORM, page="/organizer/cases/new")

    assert answer.status_code == 422
    page = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
    slug_field = one(page, 'input[name="slug"]')
    error = one(page, "#" + str(slug_field["aria-describedby"]).split()[-1])
    assert error.get_text(" ", strip=True).startswith("This address cannot be used.")
    assert len(db.session.execute(select(Case)).all()) == 1


def test_timeline_entries_are_added_and_removed(
    hanna: OrganizerBrowser, client: FlaskClient
) -> None:
    hanna.post("/organizer/cases/new", CASE_FORM, page="/organizer/cases/new")
    path = "/organizer/cases/maria-kalesnikava"

    added = hanna.post(
        f"{path}/timeline/new",
        {
            "happened_on": "2021-09-06",
            "kind": "court_decision",
            "title": "Sentenced to 11 years",
            "text": "",
            "link": "",
        },
        page=path,
    )
    assert added.status_code == 303
    assert "Sentenced to 11 years" in main_text(client.get("/cases/maria-kalesnikava"))

    entry = db.session.execute(select(TimelineEntry)).scalar_one()
    removed = hanna.post(f"{path}/timeline/{entry.id}/delete", page=path)
    assert removed.status_code == 303
    assert "Sentenced to 11 years" not in main_text(client.get("/cases/maria-kalesnikava"))


STATES = ("confirmed", "pending", "withdrawn")


def test_the_dashboard_shows_totals_countries_sources_and_a_chart(
    organizer_browser: OrganizerBrowser, client: FlaskClient
) -> None:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    today = utcnow()
    for days_ago, country, source in [(2, "NL", "amnesty-nl"), (2, "NL", None), (0, "BY", None)]:
        confirmed_signature(
            petition,
            country=country,
            source=source,
            confirmed_at=today - dt.timedelta(days=days_ago),
        )
    pending_signature(petition)

    for path in ("", "/signatures"):
        totals = BeautifulSoup(
            client.get(f"/organizer/petitions/{petition.slug}{path}").get_data(as_text=True),
            "html.parser",
        )
        shown = {n: one(totals, f'[data-testid="{n}"]').get_text() for n in STATES}
        assert shown == {"confirmed": "3", "pending": "1", "withdrawn": "0"}, path
    page = BeautifulSoup(
        client.get(f"/organizer/petitions/{petition.slug}/signatures").get_data(as_text=True),
        "html.parser",
    )

    def rows(table: str) -> list[list[str]]:
        found = one(page, f'[data-testid="{table}"] tbody').find_all("tr")
        return [[cell.get_text(strip=True) for cell in row.find_all("td")] for row in found]

    assert rows("by-country") == [["Netherlands", "2"], ["Belarus", "1"]]
    assert ["amnesty-nl", "1"] in rows("by-source")
    svg = client.get(f"/organizer/petitions/{petition.slug}/chart.svg")
    assert svg.mimetype == "image/svg+xml"
    tree = ET.fromstring(svg.get_data())  # noqa: S314 - our own server's output
    bars = [
        rect
        for rect in tree.iter("{http://www.w3.org/2000/svg}rect")
        if rect.find("{http://www.w3.org/2000/svg}title") is not None
    ]
    labels = [bar.find("{http://www.w3.org/2000/svg}title").text for bar in bars]  # type: ignore[union-attr]
    first = (today - dt.timedelta(days=2)).date()
    assert labels == [
        f"{first.isoformat()}: 2",
        f"{(first + dt.timedelta(days=1)).isoformat()}: 0",
        f"{today.date().isoformat()}: 1",
    ]
    heights = [float(bar.get("height", "0")) for bar in bars]
    assert heights[0] == pytest.approx(2 * heights[2])
    assert heights[1] == 0


def _public_comments(client: FlaskClient, slug: str) -> list[str]:
    """Return the comments in the petition page's "What signers say" section."""
    soup = BeautifulSoup(client.get(f"/p/{slug}").get_data(as_text=True), "html.parser")
    comments = soup.select_one("main section.comments")
    return (
        [one(quote, "p").get_text() for quote in comments.select("blockquote")] if comments else []
    )


def test_hiding_a_comment_removes_it_from_the_public_page_and_records_who(
    organizer_browser: OrganizerBrowser, client: FlaskClient
) -> None:
    petition = open_petition()
    hanna_account = organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    rude = confirmed_signature(petition, comment="Something hateful", show_name_publicly=True)
    confirmed_signature(petition, comment="Stay strong, Ales!", show_name_publicly=True)
    assert _public_comments(client, petition.slug) == ["Stay strong, Ales!", "Something hateful"]

    hidden = organizer_browser.post(
        f"/organizer/petitions/{petition.slug}/comments/{rude.id}/hide",
        page=f"/organizer/petitions/{petition.slug}",
    )

    assert hidden.status_code == 303
    assert _public_comments(client, petition.slug) == ["Stay strong, Ales!"]
    stored = db.session.execute(
        select(Signature).where(Signature.id == rude.id).execution_options(populate_existing=True)
    ).scalar_one()
    assert stored.comment_hidden_by_id == hanna_account.id
    assert stored.comment_hidden_at is not None
    assert stored.comment == "Something hateful", "hidden, not deleted"


@pytest.mark.parametrize(
    "path",
    [
        "/organizer/",
        "/organizer/petitions/{slug}",
        "/organizer/petitions/{slug}/chart.svg",
        "/organizer/petitions/{slug}/signatures.csv",
        "/organizer/login",
    ],
)
def test_no_cache_keeps_an_organizer_page(
    organizer_browser: OrganizerBrowser, client: FlaskClient, path: str
) -> None:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)

    answer = client.get(path.format(slug=petition.slug))

    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Free Maria\r\nBcc: everybody@example.net"),
        ("title", "Free Maria\nKalesnikava"),
        ("summary", "Release her\x0bnow."),
        ("addressee", "Embassy\u2028Berlin"),
    ],
)
def test_a_petition_field_with_a_line_break_is_refused_with_the_input_kept(
    hanna: OrganizerBrowser, field: str, value: str
) -> None:
    hanna.post("/organizer/cases/new", CASE_FORM, page="/organizer/cases/new")
    path = "/organizer/cases/maria-kalesnikava/petitions/new"

    answer = hanna.post(path, {**PETITION_FORM, field: value}, page=path)

    assert answer.status_code == 422
    page = lxml_html.fromstring(answer.get_data(as_text=True))
    (error,) = elements(page, f'//*[@id="{field}-error"]')
    assert error.text_content().strip() == (
        "Please write this on one line, without line breaks or control characters."
    )
    assert elements(page, '//*[@id="body"]')[0].text_content().strip() == PETITION_FORM["body"]
    assert db.session.execute(select(Petition)).first() is None


def test_a_close_by_hand_can_be_undone_for_a_day_and_gives_the_planned_end_back(
    organizer_browser: OrganizerBrowser, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datetime as dt

    case = detained_case()
    organizer("hanna@example.org", cases=(case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    planned = utcnow() + dt.timedelta(days=30)
    petition = open_petition(case=case, closes_at=planned)
    dashboard = f"/organizer/petitions/{petition.slug}"

    organizer_browser.post(f"{dashboard}/close", {"confirmed": "yes"}, page=dashboard)
    page = BeautifulSoup(client.get(dashboard).get_data(as_text=True), "html.parser")
    undo = page.select_one('[data-testid="reopen"]')
    assert undo is not None
    assert undo.get_text(strip=True) == "Undo the close"

    answer = organizer_browser.post(f"{dashboard}/reopen", page=dashboard)

    assert answer.status_code == 303
    db.session.expire_all()
    assert petition.status is PetitionStatus.OPEN
    assert petition.closes_at == planned, "the planned end is back"
    organizer_browser.post(f"{dashboard}/close", {"confirmed": "yes"}, page=dashboard)
    later = utcnow() + dt.timedelta(days=1, minutes=1)
    monkeypatch.setattr("petitions.cases.services.utcnow", lambda: later)
    monkeypatch.setattr("petitions.manage.dashboard.utcnow", lambda: later)
    page = BeautifulSoup(client.get(dashboard).get_data(as_text=True), "html.parser")
    assert page.select_one('[data-testid="reopen"]') is None, "a day later it stays closed"
    organizer_browser.post(f"{dashboard}/reopen", page=dashboard)
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).status is PetitionStatus.CLOSED  # type: ignore[union-attr]
