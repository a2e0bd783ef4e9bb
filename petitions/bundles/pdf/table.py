"""The signature list: rows laid out into pages, and each page's table drawn.

Long cells wrap and are never cut off; a row is never split across pages unless it is taller
than a whole page (then it continues, marked "cont."). Layout holds at most one page of rows.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_babel import gettext
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from petitions.bundles.pdf import shaping
from petitions.bundles.pdf.contents import BundleMismatch, BundleRow
from petitions.bundles.pdf.drawing import draw_runs
from petitions.bundles.pdf.fonts import FontSet
from petitions.bundles.pdf.geometry import (
    BODY_TOP,
    CELL_PAD_X,
    CELL_PAD_Y,
    COLUMN_HEAD_HEIGHT,
    COLUMNS,
    CONTENT_WIDTH,
    HEAD_FILL,
    HEADING_HEIGHT,
    INK,
    LEFTS,
    MARGIN_X,
    NUMBER,
    NUMBER_GAP,
    RULE,
    STRIPE,
    TABLE_HEIGHT,
    TABLE_LEADING,
    TABLE_SIZE,
    TABLE_TOP,
    TEXT_WIDTHS,
)
from petitions.bundles.pdf.language import number
from petitions.bundles.pdf.lines import prepare, wrap

#: Rounding slack when comparing a page's used height with the table's.
_SLACK = 0.01


class RowLayout:
    """One row's wrapped lines, per column, in logical order; lives for one page at most."""

    __slots__ = ("cells", "directions", "height", "number")

    def __init__(self, number: int, cells: list[list[str]], directions: list[bool | None]):
        self.number = number
        self.cells = cells
        self.directions = directions
        self.height = max(len(lines) for lines in cells) * TABLE_LEADING + 2 * CELL_PAD_Y

    def split(self, height: float) -> tuple[RowLayout, RowLayout]:
        """Cut a row taller than a page: the lines that fit ``height``, and the rest."""
        fit = max(1, int((height - 2 * CELL_PAD_Y) // TABLE_LEADING))
        head = [lines[:fit] for lines in self.cells]
        rest = [lines[fit:] for lines in self.cells]
        # The row's number again, and that it continues from the page before.
        rest[NUMBER] = [str(self.number), gettext("cont.")]
        return (
            RowLayout(self.number, head, self.directions),
            RowLayout(self.number, rest, self.directions),
        )


def _comment_cell(row: BundleRow) -> str:
    """The comment column: a paper signature's sheet, then the comment, each on its line."""
    return "\n".join(part for part in (row.origin_note, row.comment) if part)


def _layout_row(fonts: FontSet, row: BundleRow) -> RowLayout:
    texts = (
        str(row.number),
        prepare(fonts, row.full_name),
        prepare(fonts, row.city),
        prepare(fonts, row.country),
        row.signed_on.isoformat(),
        prepare(fonts, _comment_cell(row), keep_newlines=True),
    )
    cells = [wrap(fonts, text, TEXT_WIDTHS[i], TABLE_SIZE) for i, text in enumerate(texts)]
    directions = [shaping.base_direction(text) for text in texts]
    return RowLayout(row.number, cells, directions)


def _numbered(rows: Iterator[BundleRow]) -> Iterator[BundleRow]:
    """The rows, checked to come as 1, 2, 3, … (the clerk counts on it)."""
    for expected, row in enumerate(rows, 1):
        if row.number != expected:
            raise BundleMismatch(f"row numbered {row.number} where {expected} was expected")
        yield row


def paginate(fonts: FontSet, rows: Iterator[BundleRow]) -> Iterator[list[RowLayout]]:
    """Lay rows out into pages, yielding one page of rows at a time.

    Also checks the numbering: rows must come as 1, 2, 3, … (the clerk counts on it).
    """
    page: list[RowLayout] = []
    used = 0.0
    for row in _numbered(rows):
        layout = _layout_row(fonts, row)
        if used + layout.height > TABLE_HEIGHT + _SLACK:
            if page:
                yield page
                page, used = [], 0.0
            while layout.height > TABLE_HEIGHT + _SLACK:
                head, layout = layout.split(TABLE_HEIGHT)
                yield [head]
        page.append(layout)
        used += layout.height
    if page:
        yield page


def _draw_background(canvas: Canvas, rows: list[RowLayout]) -> None:
    """The column heads' fill, every other row striped, a rule under the last row."""
    canvas.setFillColor(HEAD_FILL)
    canvas.rect(MARGIN_X, TABLE_TOP, CONTENT_WIDTH, COLUMN_HEAD_HEIGHT, stroke=0, fill=1)
    canvas.setFillColor(STRIPE)
    y = TABLE_TOP
    for index, row in enumerate(rows):
        if index % 2:
            canvas.rect(MARGIN_X, y - row.height, CONTENT_WIDTH, row.height, stroke=0, fill=1)
        y -= row.height
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN_X, y, MARGIN_X + CONTENT_WIDTH, y)


def _draw_heads(
    text: PDFTextObject, fonts: FontSet, heading: str, current: list[tuple[str, float]]
) -> None:
    """The heading above the table and the column titles."""
    draw_runs(text, fonts, MARGIN_X, BODY_TOP - HEADING_HEIGHT + 4, heading, 9.5, True, current)
    for column, left, width in zip(COLUMNS, LEFTS, TEXT_WIDTHS, strict=True):
        title = fonts.printable(gettext(column.title))
        x = left + CELL_PAD_X
        if column.right:
            x += width - fonts.width(title, TABLE_SIZE, True) - NUMBER_GAP
        draw_runs(text, fonts, x, TABLE_TOP + 4.2, title, TABLE_SIZE, True, current)


def _line_x(fonts: FontSet, column: int, line: str, direction: bool | None) -> float:
    """Where a cell's line starts: numbers and right-to-left paragraphs align right."""
    x = LEFTS[column] + CELL_PAD_X
    if COLUMNS[column].right:
        x += TEXT_WIDTHS[column] - fonts.width(line, TABLE_SIZE) - NUMBER_GAP
    elif direction:
        x += TEXT_WIDTHS[column] - fonts.width(line, TABLE_SIZE)
    return x


def _draw_cells(
    text: PDFTextObject, fonts: FontSet, rows: list[RowLayout], current: list[tuple[str, float]]
) -> None:
    y = TABLE_TOP
    for row in rows:
        for index, lines in enumerate(row.cells):
            direction = row.directions[index]
            baseline = y - CELL_PAD_Y - TABLE_SIZE * 0.8
            for line in lines:
                x = _line_x(fonts, index, line, direction)
                drawn = shaping.visual(line, direction)
                actual = shaping.actual_text(line)
                draw_runs(text, fonts, x, baseline, drawn, TABLE_SIZE, False, current, actual)
                baseline -= TABLE_LEADING
        y -= row.height


def draw_table_page(canvas: Canvas, fonts: FontSet, rows: list[RowLayout], total_rows: int) -> None:
    """One page of the signature list: its heading, column titles, striped rows."""
    first, last = rows[0].number, rows[-1].number
    heading = gettext(
        "Signatures %(first)s–%(last)s of %(total)s",
        first=number(first),
        last=number(last),
        total=number(total_rows),
    )
    heading = fonts.printable(heading)
    _draw_background(canvas, rows)
    text = canvas.beginText()
    text.setFillColor(INK)
    current = [("", 0.0)]
    _draw_heads(text, fonts, heading, current)
    _draw_cells(text, fonts, rows, current)
    canvas.drawText(text)
