"""Hanna enters paper sheets: typed in or from a CSV, whole or not at all, every bad row named."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.paper import importing
from petitions.paper.models import PaperRow, PaperSheet
from petitions.signing.counts import count_of
from petitions.signing.models import Signature, SignatureOrigin
from tests.helpers import one, parse, words
from tests.paper.conftest import PaperDesk


def problems(answer: object) -> list[str]:
    """The bad rows the page names, as Hanna reads them."""
    box = one(parse(answer), '[data-testid="problems"]')  # type: ignore[arg-type]
    return [words(item) for item in box.select('[data-testid="problem"]')]


def nothing_written() -> bool:
    counts = [
        db.session.scalar(select(func.count()).select_from(t)) for t in (PaperSheet, PaperRow)
    ]
    return counts == [0, 0] and not db.session.scalar(select(func.count()).select_from(Signature))


def shown_count(desk: PaperDesk, testid: str) -> int:
    return int(words(one(parse(desk.page()), f'[data-testid="{testid}"]')).replace(",", ""))


GOOD = {"full_name": "Anna Kowalska", "city": "Gdańsk", "country": "PL"}


def test_a_typed_sheet_is_entered_and_counted(desk: PaperDesk) -> None:
    answer = desk.type_sheet(
        [GOOD, {"full_name": "Jan de Vries", "city": "Utrecht", "country": "nl"}]
    )

    assert answer.status_code == 303
    page = parse(desk.page())
    assert words(one(page, '[data-testid="sheet"]')).startswith("7 Stall at Dam Square")
    assert words(one(page, '[data-testid="paper-count"]')) == "2"
    rows = db.session.execute(select(Signature.full_name, Signature.country, Signature.origin))
    assert sorted(rows) == [
        ("Anna Kowalska", "PL", SignatureOrigin.PAPER),
        ("Jan de Vries", "NL", SignatureOrigin.PAPER),
    ]
    assert count_of(desk.petition.id) == 2


def test_a_typed_sheet_with_a_bad_row_is_refused_whole_with_the_row_named(
    desk: PaperDesk,
) -> None:
    answer = desk.type_sheet(
        [GOOD, {"full_name": "Jan de Vries", "city": "", "country": "NL"}, GOOD]
    )

    assert answer.status_code == 422
    assert problems(answer) == ["Row 2: City or town: Please enter the city or town."]
    assert nothing_written()
    # What was typed is still there to correct.
    assert one(parse(answer), 'input[name="row1-full_name"]')["value"] == "Anna Kowalska"


def test_a_row_without_a_country_needs_the_sheets(desk: PaperDesk) -> None:
    row = {"full_name": "Jan de Vries", "city": "Utrecht"}

    refused = desk.type_sheet([row])
    assert problems(refused) == [
        "Row 1: Country code: Please give the country, or choose one for the whole sheet."
    ]
    assert nothing_written()

    assert desk.type_sheet([row], default_country="NL").status_code == 303
    assert db.session.scalar(select(Signature.country)) == "NL"


def test_a_sheet_number_is_taken_once_per_petition(desk: PaperDesk) -> None:
    assert desk.type_sheet([GOOD]).status_code == 303

    again = desk.type_sheet([{**GOOD, "full_name": "Someone Else"}])

    assert again.status_code == 422
    error = one(parse(again), "#sheet-number-error")
    assert words(error) == "This petition already has a sheet numbered 7."
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 1


def test_an_empty_typed_sheet_is_refused(desk: PaperDesk) -> None:
    answer = desk.type_sheet([])
    assert answer.status_code == 422
    assert problems(answer) == ["The sheet has no signatures: please fill in at least one row."]
    assert nothing_written()


def test_a_csv_sheet_with_a_bom_and_semicolons_is_imported(desk: PaperDesk) -> None:
    content = (
        "\ufeffName;City;Country;Email\nAnna Kowalska;Gdańsk;PL;\nJan;Utrecht;NL;jan@example.org\n"
    )

    answer = desk.import_csv(content.encode())

    assert answer.status_code == 303
    lines = db.session.execute(
        select(PaperRow.line, Signature.full_name, PaperRow.email)
        .join(Signature, Signature.id == PaperRow.signature_id)
        .order_by(PaperRow.line)
    ).all()
    assert lines == [(1, "Anna Kowalska", None), (2, "Jan", "jan@example.org")]
    # The address of a paper signer is kept with the sheet, never where mail goes.
    assert db.session.scalars(select(Signature.email)).all() == [None, None]


def test_a_csv_sheet_names_every_bad_row_and_writes_nothing(desk: PaperDesk) -> None:
    content = (
        "name,city,country,email\n"
        "Anna Kowalska,Gdańsk,PL,\n"
        ",Minsk,BY,\n"
        "Jan de Vries,Utrecht,XX,\n"
        "\n"
        "Ihar,Brest,BY,not an address\n"
        "Ok Person,Vilnius,LT,\n"
    )

    answer = desk.import_csv(content.encode())

    assert answer.status_code == 422
    assert problems(answer) == [
        "Row 3: Name: Please enter the name.",
        "Row 4: Country code: Please give the country as its two-letter code (NL, BY, DE…).",
        "Row 6: Email (optional): This does not look like an email address. Leave it empty "
        "if unreadable.",
    ]
    assert nothing_written()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "The file is empty."),
        (b"   \n\n", "The file is empty."),
        ("name,city\nJosé,Málaga\n".encode("latin-1"), "The file is not in UTF-8."),
        (b"name,city\n", "The file has a header row but no signatures."),
        (b"name,town,country\nAnna,Minsk,BY\n", "The header row has columns this import"),
        (b"name,country\nAnna,BY\n", "The header row lacks the columns city."),
        (b"name,city,name\nAnna,Minsk,Anna\n", "The header row names a column twice."),
        (b"name,city\x00\nAnna,Minsk\n", "The file is not a CSV text file."),
        (b"name,city\nAnna,Minsk,BY,extra\n", "Row 2: This row has more cells than the header"),
        (b"x" * (importing.MAX_BYTES + 1), "The file is larger than 1024 KB."),
    ],
)
def test_a_csv_file_that_cannot_be_a_sheet_is_refused_in_words(
    desk: PaperDesk, content: bytes, reason: str
) -> None:
    answer = desk.import_csv(content, default_country="BY")

    assert answer.status_code == 422
    assert problems(answer)[0].startswith(reason)
    assert nothing_written()


def test_a_csv_sheet_may_not_be_longer_than_the_limit(
    desk: PaperDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    content = "name,city\n" + "".join(f"Person {n},Minsk\n" for n in range(4))

    answer = desk.import_csv(content.encode(), default_country="BY")

    assert problems(answer) == ["A sheet may have at most 3 signatures. Please split it."]
    assert nothing_written()


def test_an_import_without_a_file_says_so(desk: PaperDesk) -> None:
    answer = desk.client.post(
        f"{desk.path}import",
        data={
            "csv-number": "1",
            "csv-place": "Stall",
            "csv-collected_on": "2026-11-01",
            "csrf_token": desk._token(),
        },
    )
    assert answer.status_code == 422
    assert (
        words(one(parse(answer), "#csv-csv_file-error"))
        == "Please choose the CSV file of the sheet."
    )
    assert nothing_written()


def test_a_sheet_cannot_be_collected_in_the_future(desk: PaperDesk) -> None:
    answer = desk.type_sheet([GOOD], collected_on="2999-01-01")
    assert answer.status_code == 422
    assert "cannot be in the future" in words(one(parse(answer), "#sheet-collected_on-error"))
    assert nothing_written()
