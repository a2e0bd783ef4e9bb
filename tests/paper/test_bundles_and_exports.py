"""Paper signatures in what leaves the service: the bundle (cover, list, fingerprint) and the
organizers' CSV export, kept apart from the online ones."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from petitions.cases.models import Petition
from tests.factories import confirmed_signature
from tests.paper.conftest import PaperDesk

FINGERPRINT = re.compile(r"\b[0-9a-f]{64}\b")


def bundle(desk: PaperDesk) -> list[str]:
    """Print the petition's bundle as Hanna does; return each page's text."""
    answer = desk.client.post(
        f"/organizer/petitions/{desk.petition.slug}/bundle",
        data={
            "recipient_name": "Embassy of the Republic of Belarus, The Hague",
            "recipient_address": "Anna Paulownastraat 34",
            "language": "en",
            "csrf_token": desk._token(),
        },
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == "application/pdf"
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(answer.data)).pages]


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def signed_both_ways(desk: PaperDesk) -> Petition:
    """One online signer, two paper signers on sheet 7, and one who signed both ways."""
    confirmed_signature(desk.petition, full_name="Christie Miedema", city="Den Haag")
    confirmed_signature(desk.petition, full_name="Jan de Vries", city="Utrecht")
    desk.type_sheet(
        [
            {"full_name": "Anna Kowalska", "city": "Gdańsk", "country": "PL"},
            {"full_name": "jan de vries", "city": "UTRECHT", "country": "NL"},
            {"full_name": "Ihar Losik", "city": "Brest", "country": "BY"},
        ]
    )
    return desk.petition


@pytest.mark.usefixtures("signed_both_ways")
def test_the_cover_states_online_and_paper_apart(desk: PaperDesk) -> None:
    pages = bundle(desk)
    cover = one_line(pages[0] + " " + pages[1] if len(pages) > 1 else pages[0])

    assert "4 signatures (2 online, 2 on paper)" in cover


@pytest.mark.usefixtures("signed_both_ways")
def test_paper_rows_are_printed_marked_with_their_sheet(desk: PaperDesk) -> None:
    text = one_line("\n".join(bundle(desk)))

    assert text.count("On paper, sheet 7") == 2
    assert "Anna Kowalska" in text
    assert "Ihar Losik" in text
    # The twin on paper is not printed a second time: the online Jan de Vries stands for both.
    assert "jan de vries" not in text
    assert text.count("Jan de Vries") == 1


def test_the_fingerprint_changes_when_a_paper_row_is_added(desk: PaperDesk) -> None:
    confirmed_signature(desk.petition, full_name="Christie Miedema")
    desk.type_sheet([{"full_name": "Anna Kowalska", "city": "Gdańsk", "country": "PL"}])
    before = set(FINGERPRINT.findall("\n".join(bundle(desk))))

    desk.type_sheet([{"full_name": "Ihar Losik", "city": "Brest", "country": "BY"}], number="8")
    after = set(FINGERPRINT.findall("\n".join(bundle(desk))))

    assert len(before) == len(after) == 1
    assert before != after


def test_a_bundle_without_paper_says_nothing_of_paper(desk: PaperDesk) -> None:
    confirmed_signature(desk.petition, full_name="Christie Miedema")
    text = one_line("\n".join(bundle(desk)))
    assert "on paper" not in text.lower()


@pytest.mark.usefixtures("signed_both_ways")
def test_the_export_has_an_origin_column(desk: PaperDesk, client: FlaskClient) -> None:
    answer = desk.client.get(f"/organizer/petitions/{desk.petition.slug}/signatures.csv")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    origin, sheet = rows[0].index("Origin"), rows[0].index("Paper sheet")

    by_name = {row[1]: (row[origin], row[sheet]) for row in rows[1:]}

    assert by_name == {
        "Christie Miedema": ("online", ""),
        "Jan de Vries": ("online", ""),
        "Anna Kowalska": ("paper", "7"),
        "Ihar Losik": ("paper", "7"),
    }
