"""A sheet's rows from a CSV file: every row checked, every bad one named, nothing half-read.

The file (documented in the README and on the page):

- UTF-8, with or without a byte order mark (what "CSV UTF-8" in spreadsheets saves);
- separated by commas, semicolons or tabs (whichever the header row uses);
- a header row naming the columns, in any order and any case: ``name``, ``city``, ``country``
  (the two-letter code; may be left out when the sheet gives one country for all) and
  ``email`` (optional);
- one signature per row after it; empty rows are skipped.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first signature row 2.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from petitions.paper.forms import PaperRowForm
from petitions.paper.services import PaperSigner

#: Largest CSV accepted, in bytes: a sheet of MAX_ROWS rows of long names fits many times over.
MAX_BYTES = 1024 * 1024
#: Most signature rows one sheet may have.
MAX_ROWS = 2000

#: The columns a file may have: the header's word → the row form's field.
COLUMNS = {"name": "full_name", "city": "city", "country": "country", "email": "email"}
REQUIRED = ("name", "city")


@dataclass
class Import:
    """What reading a file found: the signers, or what is wrong with it (row 0: the file)."""

    signers: list[PaperSigner] = field(default_factory=list)
    #: (row number, reason), in the file's order; empty when every row is good.
    problems: list[tuple[int, str]] = field(default_factory=list)


def _refused(reason: str) -> Import:
    return Import(problems=[(0, reason)])


def _delimiter(header_line: str) -> str:
    return max((",", ";", "\t"), key=header_line.count)


def read_sheet(raw: bytes, default_country: str) -> Import:
    """Check every row of a CSV sheet; return its signers, or every problem with its row.

    Never raises on what a person may upload: too big, empty, not UTF-8, not a CSV, wrong
    columns, bad rows; each is a problem in the organizer's words.
    """
    if len(raw) > MAX_BYTES:
        return _refused(
            _(
                "The file is larger than %(size)s KB. Please split the sheet into smaller files.",
                size=MAX_BYTES // 1024,
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _refused(
            _(
                "The file is not in UTF-8. Please save it from your spreadsheet as "
                "“CSV UTF-8” and import it again."
            )
        )
    if "\x00" in text:
        return _refused(_("The file is not a CSV text file."))
    if not text.strip():
        return _refused(_("The file is empty."))
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text.splitlines()[0])))
    except csv.Error:
        return _refused(_("The file could not be read as CSV. Please save it as CSV UTF-8."))
    header = [cell.strip().lower() for cell in rows[0]]
    problem = _header_problem(header)
    if problem:
        return _refused(problem)
    found = Import()
    body = [(number, row) for number, row in enumerate(rows[1:], 2) if any(c.strip() for c in row)]
    if not body:
        return _refused(_("The file has a header row but no signatures."))
    if len(body) > MAX_ROWS:
        return _refused(
            _("A sheet may have at most %(rows)s signatures. Please split it.", rows=MAX_ROWS)
        )
    for number, row in body:
        _check_row(found, number, header, row, default_country)
    if found.problems:
        found.signers = []
    return found


def _header_problem(header: Sequence[str]) -> str:
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        return str(
            _(
                "The header row has columns this import does not know: %(unknown)s. The columns "
                "are name, city, country and email.",
                unknown=", ".join(f"“{name}”" for name in unknown),
            )
        )
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return str(
            _(
                "The header row lacks the columns %(missing)s. The columns are name, city, "
                "country and email.",
                missing=", ".join(missing),
            )
        )
    if len(set(header)) != len(header):
        return str(_("The header row names a column twice."))
    return ""


def _check_row(
    found: Import, number: int, header: Sequence[str], row: Sequence[str], default_country: str
) -> None:
    if len(row) > len(header):
        found.problems.append((number, _("This row has more cells than the header row.")))
        return
    values = MultiDict({COLUMNS[name]: value for name, value in zip(header, row, strict=False)})
    form = PaperRowForm(formdata=values)
    valid = form.validate()
    signer = form.signer(default_country)
    if not valid or signer is None:
        found.problems.extend(
            (number, f"{each.label.text}: {each.errors[0]}") for each in form if each.errors
        )
        return
    found.signers.append(signer)
