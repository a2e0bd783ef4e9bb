"""The exports as .xlsx: text cells stay text ("1/2", "0042", "TRUE"), nothing runs as a formula.

openpyxl reads back the cell types the file declares; those, not a guess, are what Excel and
LibreOffice use for an .xlsx (a CSV has no types, which is why its cells get guessed).
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from werkzeug.test import TestResponse

from petitions.cases.models import Petition
from petitions.signing.services import withdraw
from tests.conftest import OrganizerBrowser
from tests.factories import (
    ORGANIZER_PASSWORD,
    confirmed_signature,
    open_petition,
    organizer,
    pending_signature,
)

TRICKY = ["1/2", "0042", "TRUE", '=HYPERLINK("http://evil.example","x")', "3e5", "-1"]


@pytest.fixture
def petition(organizer_browser: OrganizerBrowser) -> Petition:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    return petition


def sheet_of(answer: TestResponse) -> list[list[Cell]]:
    assert answer.status_code == 200
    assert answer.mimetype == ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    workbook = load_workbook(io.BytesIO(answer.get_data()))
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)
    rows: list[list[Cell]] = []
    for row in sheet.iter_rows():
        cells = [cell for cell in row if isinstance(cell, Cell)]
        assert len(cells) == len(row), "no merged cells"
        rows.append(cells)
    return rows


def test_free_text_stays_text_and_times_are_dates(petition: Petition, client: FlaskClient) -> None:
    confirmed_at = dt.datetime(2026, 9, 1, 12, 30, 15)
    for minute, typed in enumerate(TRICKY):
        confirmed_signature(
            petition,
            full_name=typed,
            city=typed,
            comment=typed,
            email=f"s{minute}@example.org",
            confirmed_at=confirmed_at + dt.timedelta(minutes=minute),
        )
    pending_signature(petition, full_name="Not Yet")
    gone = confirmed_signature(petition, full_name="Changed Mind")
    withdraw(gone.id)

    rows = sheet_of(client.get(f"/organizer/petitions/{petition.slug}/signatures.xlsx"))

    assert [cell.value for cell in rows[0]][:3] == ["No.", "Name", "City"]
    assert len(rows) == 1 + len(TRICKY)
    for number, (row, typed) in enumerate(zip(rows[1:], TRICKY, strict=True), start=1):
        number_cell, name, city, _country, confirmed, comment = row[:6]
        assert number_cell.value == number
        assert number_cell.data_type == "n"
        for cell in (name, city, comment):
            assert cell.value == typed
            assert cell.data_type == "s", (typed, cell.data_type)
        assert confirmed.is_date
        assert confirmed.value == confirmed_at + dt.timedelta(minutes=number - 1)
    every = [cell for row in rows for cell in row]
    assert not [cell for cell in every if cell.data_type == "f"]
    assert not [cell for cell in every if isinstance(cell.value, str) and "@" in cell.value]


def test_the_contacts_spreadsheet_lists_only_who_agreed(
    petition: Petition, client: FlaskClient
) -> None:
    confirmed_signature(petition, full_name="0042", email="yes@example.org", may_contact=True)
    confirmed_signature(petition, full_name="Quiet", email="no@example.org", may_contact=False)

    rows = sheet_of(client.get(f"/organizer/petitions/{petition.slug}/contacts.xlsx"))

    assert [[cell.value for cell in row[:2]] for row in rows[1:]] == [["0042", "yes@example.org"]]
    assert rows[1][0].data_type == "s"


def test_the_dashboard_offers_both_formats(petition: Petition, client: FlaskClient) -> None:
    page = BeautifulSoup(
        client.get(f"/organizer/petitions/{petition.slug}/signatures").get_data(as_text=True),
        "html.parser",
    )
    form = page.find("form", action=f"/organizer/petitions/{petition.slug}/signatures.csv")
    assert form is not None
    formactions = [button.get("formaction") for button in form.find_all("button")]
    assert f"/organizer/petitions/{petition.slug}/signatures.xlsx" in formactions
    links = [a["href"] for a in page.find_all("a", href=True)]
    assert f"/organizer/petitions/{petition.slug}/contacts.xlsx" in links


def test_a_bad_filter_is_refused_and_strangers_get_nothing(
    petition: Petition, client: FlaskClient, app: Flask
) -> None:
    answer = client.get(
        f"/organizer/petitions/{petition.slug}/signatures.xlsx?since=2026-09-02&until=2026-09-01"
    )
    assert answer.status_code == 400

    stranger = app.test_client()
    for path in ("signatures.xlsx", "contacts.xlsx"):
        refused = stranger.get(f"/organizer/petitions/{petition.slug}/{path}")
        assert refused.status_code == 302
        assert "/organizer/login" in refused.headers["Location"]
