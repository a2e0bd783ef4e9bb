"""The organizer exports as .xlsx, where a cell carries its type and a name stays a name.

A CSV cell has no type: LibreOffice and Excel guess, and turn a comment "1/2" into a date, a
city "0042" into 42, a name "TRUE" into a boolean. In an .xlsx file every free-text cell is
written as a string cell (typed, so nothing is guessed, and text that starts with "=" is text,
never a formula), numbers as numbers and times as dates.

openpyxl's write-only mode streams rows into a temporary file, and the finished workbook is
assembled in another temporary file (a SpooledTemporaryFile: small exports stay in memory), so
memory stays flat however many rows; unlike the CSV, the download starts once the file is done.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

#: Exports up to this size are assembled in memory, larger ones in a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def xlsx_file(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> IO[bytes]:
    """Write the rows as a one-sheet workbook; return it, positioned at its start.

    ``str`` values become string cells, ``int`` numbers and ``datetime`` dates (shown as
    YYYY-MM-DD HH:MM:SS); ``None`` an empty cell.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([_cell(sheet, name) for name in header])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the caller closes it
    workbook.save(out)
    out.seek(0)
    return out


def _cell(sheet: WriteOnlyWorksheet, value: object) -> Cell | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        # Characters XML cannot carry (other control characters) are dropped, not an error;
        # the sign form refuses them, so only old or imported rows can have them.
        cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # openpyxl would take "=…" for a formula
        return cell
    assert isinstance(value, int | float | dt.datetime), type(value)
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    return cell
