"""Fixtures of the paper tests: Hanna runs a petition and enters its sheets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from petitions.cases.models import Petition
from tests.conftest import OrganizerBrowser, csrf_token
from tests.factories import ORGANIZER_PASSWORD, detained_case, open_petition, organizer

HANNA = "hanna@example.org"

#: A sheet's head as Hanna types it.
SHEET = {"number": "7", "place": "Stall at Dam Square", "collected_on": "2026-11-28"}


@dataclass
class PaperDesk:
    """Hanna at the paper section of her petition's dashboard."""

    client: FlaskClient
    petition: Petition

    @property
    def path(self) -> str:
        return f"/organizer/petitions/{self.petition.slug}/paper/"

    def page(self) -> TestResponse:
        answer = self.client.get(self.path)
        assert answer.status_code == 200
        return answer

    def _token(self) -> str:
        return csrf_token(self.page().get_data(as_text=True))

    def type_sheet(self, rows: list[dict[str, str]], **head: str) -> TestResponse:
        """Submit the typed-in sheet form with these rows (row 1 first) and head."""
        data: dict[str, Any] = {f"sheet-{k}": v for k, v in {**SHEET, **head}.items()}
        for number, row in enumerate(rows, 1):
            data.update({f"row{number}-{key}": value for key, value in row.items()})
        data["csrf_token"] = self._token()
        return self.client.post(f"{self.path}sheets", data=data)

    def import_csv(self, content: bytes, **head: str) -> TestResponse:
        """Upload a CSV sheet with this head."""
        import io

        data: dict[str, Any] = {f"csv-{k}": v for k, v in {**SHEET, **head}.items()}
        data["csv-csv_file"] = (io.BytesIO(content), "sheet.csv")
        data["csrf_token"] = self._token()
        return self.client.post(f"{self.path}import", data=data, content_type="multipart/form-data")


@pytest.fixture
def petition() -> Petition:
    case = detained_case(slug="bialiatski", prisoner_name="Ales Bialiatski")
    return open_petition(slug="free-ales", title="Free Ales Bialiatski", case=case)


@pytest.fixture
def desk(organizer_browser: OrganizerBrowser, petition: Petition) -> PaperDesk:
    organizer(HANNA, cases=(petition.case,))
    organizer_browser.log_in(HANNA, ORGANIZER_PASSWORD)
    return PaperDesk(organizer_browser.client, petition)
