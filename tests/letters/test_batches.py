"""Approved letters printed as a batch: one letter per page, the fingerprint on every page, the
address sheet, labels and manifest; printed once; the CLI; the public verify page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from sqlalchemy import select

from petitions.cases.models import Case
from petitions.extensions import db
from petitions.i18n import language_name
from petitions.letters import batches
from petitions.letters.models import Letter, LetterBatch, LetterState, PaperSize
from tests.factories import detained_case, letter, open_letters
from tests.helpers import one, parse, words

BODY = "Дарагі Алесь, мы з табой! Трымайся."
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


@pytest.fixture
def case(app: Flask) -> Case:
    made = detained_case(prisoner_name="Алесь Бяляцкі")
    open_letters(
        made,
        addressee_name="Бяляцкі Алесь Віктаравіч",
        birth_year=1962,
        postal_address="ПК № 9\nвул. Гагарына, 2\n231300 Горкі, Беларусь",
    )
    return made


def pages_of(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def print_now(case: Case, size: PaperSize = PaperSize.A4) -> tuple[LetterBatch, bytes]:
    out = io.BytesIO()
    batch = batches.print_batch(case, size, out, "owner@example.org")
    return batch, out.getvalue()


def flat(text: str) -> str:
    return " ".join(text.split())


def test_one_letter_per_page_with_its_number_and_the_fingerprint_on_every_page(
    case: Case,
) -> None:
    first = letter(case, LetterState.APPROVED, body=BODY, writer_name="Марыя")
    second = letter(case, LetterState.APPROVED, body="Wir denken an dich.", language="ru")
    batch, data = print_now(case)
    pages = pages_of(data)
    # Two letters, then the address sheet, the labels and the manifest.
    assert len(pages) == 5
    assert printed("Letter No. %(number)s", number=first.number) in pages[0]
    assert BODY in flat(pages[0])
    assert "Марыя" in pages[0]
    assert printed("Letter No. %(number)s", number=second.number) in pages[1]
    assert "Wir denken an dich." in pages[1]
    assert BODY not in flat(pages[1])
    for page in pages:
        assert batch.fingerprint in flat(page).replace(" ", "") or batch.fingerprint in page
        assert f"/letter-batches/{batch.fingerprint}" in flat(page).replace(" ", "")
    assert batch.letter_count == 2
    assert batch.size is PaperSize.A4


def printed(source: str, **values: object) -> str:
    """A word of the batch as it prints it: in Belarusian, the case's first letter language."""
    with force_locale("be"):
        return str(gettext(source, **values))


def test_the_address_sheet_labels_and_manifest(case: Case) -> None:
    written = letter(case, LetterState.APPROVED, writer_name="Ян", show_name=False)
    _batch, data = print_now(case, PaperSize.A5)
    address, labels, manifest = (flat(page) for page in pages_of(data)[1:])
    # The batch's own words are in the language the prison's post and censor read: the first
    # the case accepts letters in (Belarusian here), as a bundle is in its addressee's.
    assert printed("Address sheet") in address
    addressee = printed("%(name)s, born %(year)s", name="Бяляцкі Алесь Віктаравіч", year=1962)
    assert addressee in address
    assert "231300 Горкі, Беларусь" in address
    assert labels.count(addressee) >= 4
    assert printed("Manifest") in manifest
    with force_locale("be"):
        row = f"{written.number} {language_name('be')} {gettext('Any day')} Ян"
    assert row in manifest, manifest
    for english in ("Address sheet", "Manifest", "Any day", "born 1962"):
        assert english not in address + labels + manifest
    width, height = PdfReader(io.BytesIO(data)).pages[0].mediabox[2:]
    assert (round(float(width)), round(float(height))) == (420, 595)  # A5 in points


def test_no_email_anywhere_in_the_pdf(case: Case) -> None:
    for _ in range(3):
        letter(case, LetterState.APPROVED)
    _batch, data = print_now(case)
    assert all(not EMAIL.search(page) for page in pages_of(data))
    assert b"example.org" not in data


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_cyrillic_survives_pdftotext(case: Case, tmp_path: Path) -> None:
    letter(case, LetterState.APPROVED, body=BODY)
    _batch, data = print_now(case)
    path = tmp_path / "batch.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert BODY in flat(text)


def test_only_approved_letters_print_and_each_only_once(case: Case) -> None:
    kept = {
        state: letter(
            case,
            state,
            body=f"Letter in state {state.value}.",
            set_aside_reason="email-domain" if state is LetterState.QUARANTINED else None,
        )
        for state in (
            LetterState.PENDING,
            LetterState.CONFIRMED,
            LetterState.QUARANTINED,
            LetterState.REJECTED,
        )
    }
    letter(case, LetterState.WITHDRAWN, body="")
    approved = letter(case, LetterState.APPROVED, body="Approved and printed.")
    batch, data = print_now(case)
    text = flat(" ".join(pages_of(data)))
    assert "Approved and printed." in text
    assert not any(f"state {state.value}" in text for state in kept)
    assert batch.letter_count == 1
    printed = db.session.get(Letter, approved.id)
    assert printed is not None
    assert printed.state is LetterState.PRINTED
    assert printed.batch_id == batch.id

    with pytest.raises(batches.NothingToPrint):
        print_now(case)
    later = letter(case, LetterState.APPROVED, body="Approved later.")
    second, data = print_now(case)
    text = flat(" ".join(pages_of(data)))
    assert "Approved later." in text
    assert "Approved and printed." not in text
    assert second.letter_count == 1
    assert second.fingerprint != batch.fingerprint
    assert [each.id for each in batches.letters_of(second)] == [later.id]


def test_a_long_letter_stays_on_its_one_page(case: Case) -> None:
    long_body = " ".join(["Слова"] * 1600)
    letter(case, LetterState.APPROVED, body=long_body)
    _batch, data = print_now(case)
    assert len(pages_of(data)) == 4


def test_the_command_prints_and_refuses_when_nothing_waits(
    case: Case, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "letters.pdf"
    empty = runner.invoke(args=["letters", "batch", case.slug, "--out", str(out)])
    assert empty.exit_code == 1
    assert "No approved letter" in empty.output
    assert not out.exists()
    letter(case, LetterState.APPROVED, body=BODY)
    done = runner.invoke(args=["letters", "batch", case.slug, "--out", str(out), "--size", "a5"])
    assert done.exit_code == 0, done.output
    assert BODY in flat(pages_of(out.read_bytes())[0])
    batch = db.session.execute(select(LetterBatch)).scalar_one()
    assert batch.size is PaperSize.A5
    assert batch.created_by == "command line"
    missing = runner.invoke(args=["letters", "batch", "no-such-case", "--out", str(out)])
    assert missing.exit_code == 1
    assert "no-such-case" in missing.output
    bad_size = runner.invoke(
        args=["letters", "batch", case.slug, "--out", str(out), "--size", "B5"]
    )
    assert bad_size.exit_code == 2


def test_the_verify_page_shows_the_batch_and_names_only_consenting_writers(
    case: Case, client: FlaskClient
) -> None:
    letter(case, LetterState.APPROVED, writer_name="Shown Writer", show_name=True)
    letter(case, LetterState.APPROVED, writer_name="Hidden Writer", show_name=False, language="ru")
    batch, _data = print_now(case)
    page = parse(client.get(f"/letter-batches/{batch.fingerprint}"))
    assert words(one(page, "[data-testid=batch-count]")) == "2"
    rows = [
        [words(cell) for cell in row.select("td")]
        for row in one(page, "[data-testid=batch-letters]").select("tbody tr")
    ]
    assert [row[1:] for row in rows] == [["Belarusian", "Shown Writer"], ["Russian", "A supporter"]]
    assert "Hidden Writer" not in words(page)
    assert not EMAIL.search(words(page))


def test_an_unknown_or_malformed_fingerprint(client: FlaskClient) -> None:
    unknown = client.get("/letter-batches/" + "a" * 64)
    assert unknown.status_code == 404
    assert one(parse(unknown), "[data-testid=batch-unknown]")
    assert client.get("/letter-batches/not-a-fingerprint").status_code == 404


def test_a_folder_the_command_cannot_write_marks_nothing_printed(
    case: Case, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    waiting = letter(case, LetterState.APPROVED, body=BODY)
    out = tmp_path / "no-such-folder" / "letters.pdf"

    refused = runner.invoke(args=["letters", "batch", case.slug, "--out", str(out)])

    assert refused.exit_code == 1
    assert "Cannot write" in refused.output
    db.session.expire_all()
    kept = db.session.get(Letter, waiting.id)
    assert kept is not None
    assert kept.state is LetterState.APPROVED
    assert db.session.execute(select(LetterBatch)).first() is None
    assert not out.parent.exists()
    assert not list(tmp_path.rglob("*letters.pdf*"))
