"""`flask paper import`: the same checks and the same sheet as the dashboard's CSV import."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.paper.models import PaperSheet
from petitions.signing.counts import count_of, paper_count_of
from tests.factories import confirmed_signature


def run(runner: FlaskCliRunner, petition: Petition, path: Path, *more: str) -> object:
    return runner.invoke(
        args=[
            "paper",
            "import",
            petition.slug,
            str(path),
            "--sheet",
            "4",
            "--place",
            "Stall in Gent",
            "--collected",
            "2026-11-28",
            *more,
        ]
    )


def test_a_sheet_is_imported_from_the_command_line(
    runner: FlaskCliRunner, petition: Petition, tmp_path: Path
) -> None:
    confirmed_signature(petition, full_name="Lotte Peeters", city="Gent", country="BE")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("name,city\nlotte peeters,GENT\nJan de Vries,Gent\n", encoding="utf-8-sig")

    result = run(runner, petition, sheet, "--country", "be", "--by", "Hanna")

    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert result.output.strip() == (  # type: ignore[attr-defined]
        "sheet 4 entered: 2 signatures, 1 also online (counted once), 0 doubtful pairs to decide"
    )
    assert (count_of(petition.id), paper_count_of(petition.id)) == (2, 1)
    assert db.session.scalar(select(PaperSheet.entered_by)) == "Hanna"


def test_a_bad_row_is_named_and_nothing_is_entered(
    runner: FlaskCliRunner, petition: Petition, tmp_path: Path
) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("name,city,country\nJan,Gent,BE\nAnna,,BE\n", encoding="utf-8")

    result = run(runner, petition, sheet)

    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "row 3: City or town: Please enter the city or town." in result.output  # type: ignore[attr-defined]
    assert "Nothing of the sheet was entered." in result.output  # type: ignore[attr-defined]
    assert db.session.scalar(select(func.count()).select_from(PaperSheet)) == 0
