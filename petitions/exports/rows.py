"""CSV cells that a spreadsheet will not run as formulas.

A signer can type "=HYPERLINK(...)" as their name; opened in Excel or LibreOffice, the export
would execute it on the organizer's machine. Cells starting with a formula trigger get a
leading apostrophe, as OWASP recommends, so they show as the text that was typed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: object) -> str:
    """Return the value as text, neutralised if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_TRIGGERS) else text


def csv_lines(header: list[str], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Yield a CSV document line by line (UTF-8 BOM first, so spreadsheets read Cyrillic right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(cell) for cell in row])
        yield buffer.getvalue()
