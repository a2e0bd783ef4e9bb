"""Organizers' CSV exports: streamed, filtered, spreadsheet-safe, emails only where consented."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.exports.rows import safe_cell
from petitions.extensions import db
from petitions.signing.models import Signature
from tests.conftest import OrganizerBrowser
from tests.factories import (
    ORGANIZER_PASSWORD,
    confirmed_signature,
    open_petition,
    organizer,
    pending_signature,
)


def rows_of(answer: TestResponse) -> list[list[str]]:
    text = answer.get_data(as_text=True)
    assert text.startswith("\ufeff"), "a BOM, so spreadsheets read UTF-8"
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def running(organizer_browser: OrganizerBrowser) -> Petition:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    return petition


@pytest.mark.parametrize(
    ("typed", "exported"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("＝1+1", "'＝1+1"),
        ("Ales Bialiatski", "Ales Bialiatski"),
        ("Алесь", "Алесь"),
        ("", ""),
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_neutralised(typed: str, exported: str) -> None:
    assert safe_cell(typed) == exported


def test_the_export_lists_confirmed_signatures_safely_and_without_emails(
    running: Petition, client: FlaskClient
) -> None:
    petition = running
    confirmed_signature(petition, full_name="=cmd|' /C calc'!A0", email="eve@example.org")
    confirmed_signature(
        petition,
        full_name="Алесь Бяляцкі",
        city="Мінск",
        country="BY",
        comment="Трымайцеся!",
        email="ales@example.org",
    )
    pending_signature(petition, full_name="Not Yet Confirmed")

    answer = client.get(f"/organizer/petitions/{petition.slug}/signatures.csv")

    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = rows_of(answer)
    assert rows[0] == [
        "No.",
        "Name",
        "City",
        "Country",
        "Confirmed (UTC)",
        "Comment",
        "Source",
        "Printed by name",
        "Origin",
        "Paper sheet",
    ]
    assert [row[1] for row in rows[1:]] == ["'=cmd|' /C calc'!A0", "Алесь Бяляцкі"]
    assert rows[2][2:4] == ["Мінск", "BY"]
    assert rows[2][5] == "Трымайцеся!"
    body = answer.get_data(as_text=True)
    assert "@" not in body
    assert "Not Yet Confirmed" not in body


def test_filters_by_country_and_dates(running: Petition, client: FlaskClient) -> None:
    petition = running
    now = utcnow()
    confirmed_signature(
        petition, full_name="Old NL", country="NL", confirmed_at=now - dt.timedelta(days=10)
    )
    confirmed_signature(petition, full_name="New NL", country="NL", confirmed_at=now)
    confirmed_signature(petition, full_name="New BY", country="BY", confirmed_at=now)
    confirmed_signature(petition, full_name="New DE", country="DE", confirmed_at=now)
    slug = petition.slug
    since = (now - dt.timedelta(days=1)).date().isoformat()

    by_country = rows_of(
        client.get(f"/organizer/petitions/{slug}/signatures.csv?country=NL&country=BY")
    )
    by_date = rows_of(client.get(f"/organizer/petitions/{slug}/signatures.csv?since={since}"))
    until = rows_of(
        client.get(
            f"/organizer/petitions/{slug}/signatures.csv"
            f"?until={(now - dt.timedelta(days=2)).date()}"
        )
    )

    assert [row[1] for row in by_country[1:]] == ["Old NL", "New NL", "New BY"]
    assert [row[1] for row in by_date[1:]] == ["New NL", "New BY", "New DE"]
    assert [row[1] for row in until[1:]] == ["Old NL"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("since=yesterday", "Not a valid date value."),
        ("since=2026-02-01&until=2026-01-01", "The end date must not be before the start date."),
        ("country=XX", "is not a valid choice"),
    ],
)
def test_a_bad_filter_is_refused_with_a_message(
    running: Petition, client: FlaskClient, query: str, message: str
) -> None:
    answer = client.get(f"/organizer/petitions/{running.slug}/signatures.csv?{query}")

    assert answer.status_code == 400
    assert answer.mimetype == "text/html"
    assert message in answer.get_data(as_text=True)


def test_hidden_comments_stay_out_of_the_export(running: Petition, client: FlaskClient) -> None:
    petition = running
    confirmed_signature(petition, comment="Hateful words", comment_hidden_at=utcnow())

    rows = rows_of(client.get(f"/organizer/petitions/{petition.slug}/signatures.csv"))

    assert rows[1][5] == ""


def test_emails_only_of_signers_who_agreed_to_be_contacted(
    running: Petition, client: FlaskClient
) -> None:
    petition = running
    confirmed_signature(petition, full_name="Yes Please", email="yes@example.org", may_contact=True)
    confirmed_signature(petition, full_name="No Thanks", email="no@example.org", may_contact=False)
    pending_signature(
        petition, full_name="Pending Yes", email="pending@example.org", may_contact=True
    )

    rows = rows_of(client.get(f"/organizer/petitions/{petition.slug}/contacts.csv"))

    assert rows[0] == ["Name", "Email", "Country", "Confirmed (UTC)"]
    assert [row[:2] for row in rows[1:]] == [["Yes Please", "yes@example.org"]]


def test_withdrawn_signers_are_in_no_export(running: Petition, client: FlaskClient) -> None:
    from petitions.signing.services import withdraw

    petition = running
    gone = confirmed_signature(petition, full_name="Changed Mind", may_contact=True)
    withdraw(gone.id)

    stays = confirmed_signature(petition, full_name="Still Here", may_contact=True)

    signatures = rows_of(client.get(f"/organizer/petitions/{petition.slug}/signatures.csv"))
    contacts = rows_of(client.get(f"/organizer/petitions/{petition.slug}/contacts.csv"))

    assert [row[1] for row in signatures[1:]] == ["Still Here"]
    assert [row[:2] for row in contacts[1:]] == [["Still Here", stays.email]]
    assert db.session.get(Signature, gone.id).full_name == ""  # type: ignore[union-attr]


def rows_of_text(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
