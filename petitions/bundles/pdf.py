"""Printable signature bundles: the PDF organizers deliver to an embassy or an authority.

Pure rendering: no database, no Flask. The caller hands over a :class:`BundleHeader`, a callable
that streams :class:`BundleRow` objects, and a :class:`~petitions.bundles.fonts.FontSet` loaded
once per process; :func:`render_bundle` writes an A4 PDF:

- a **cover letter**: recipient and address, date, petition title and text (Markdown), the
  number of signatures, the prisoner's name, a summary (fingerprint, verify link, page count)
  and how to verify the bundle;
- the **signature list**: a numbered table (No., name, city, country, date signed, comment).
  Long cells wrap and are never cut off; a row is never split across pages unless it is taller
  than a whole page (then it continues, marked "cont.").

Every page carries a running header (petition title, recipient), and a footer with "Page X of
Y", the short and the full SHA-256 fingerprint, the verify link and its QR code, so a clerk can
check any single page.

Text keeps its characters: names are drawn as text (extractable, searchable), each character in
the first font that has it; characters no font has become
:data:`~petitions.bundles.fonts.UNPRINTABLE_MARKER`, never a box. Arabic is shaped with
arabic-reshaper and right-to-left text reordered with python-bidi, line by line after wrapping.

Memory stays flat in the number of rows: rows are streamed twice (a first pass lays out the
pages to learn the page count, the second draws them), at most one page of rows is held at a
time, each finished page's content stream is compressed at once, and the QR code is one form
XObject that every page references. What grows is the compressed PDF itself, which reportlab
assembles in memory before writing it to ``out``.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

import arabic_reshaper  # type: ignore[import-untyped]
from bidi import get_base_level, get_display  # type: ignore[import-untyped]
from markdown_it import MarkdownIt
from markdown_it.token import Token
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import (
    Flowable,
    Frame,
    HRFlowable,
    Indenter,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import LayoutError

from petitions.bundles import shaping
from petitions.bundles.archival import ArchivalCanvas, make_archival
from petitions.bundles.fonts import (
    UNPRINTABLE_MARKER,
    FontSet,
    FontsMissing,
    load_fonts,
)
from petitions.bundles.shaping import needs_shaping

__all__ = [
    "UNPRINTABLE_MARKER",
    "BundleHeader",
    "BundleMismatch",
    "BundleRow",
    "FontSet",
    "FontsMissing",
    "load_fonts",
    "render_bundle",
]


@dataclass(frozen=True)
class BundleHeader:
    """What the cover letter and every page's header and footer say."""

    petition_title: str
    petition_text: str  # Markdown (paragraphs, numbered/bulleted lists, **bold**, *italic*)
    prisoner_name: str
    recipient_name: str  # "Embassy of the Republic of Belarus, The Hague"
    recipient_address: str  # multi-line postal address, may be ""
    signature_count: int
    generated_at: datetime  # naive UTC
    fingerprint: str  # 64 hex chars (SHA-256), computed by the caller
    verify_url: str  # absolute, e.g. "https://petitions.example.org/verify/<fingerprint>"
    countries: tuple[str, ...]  # names of the signer countries this bundle is limited to; () = all
    author: str = "petitions"  # the organization printing it: PDF Author, "Printed by"


@dataclass(frozen=True)
class BundleRow:
    """One signature as printed: never an email address, never a hidden comment."""

    number: int  # 1-based position
    full_name: str
    city: str
    country: str  # country name, already localised
    signed_on: date
    comment: str | None  # already filtered (hidden comments are None)


class BundleMismatch(ValueError):
    """The rows contradict the header or each other; nothing has been written to ``out``.

    Raised when the rows are not numbered 1, 2, 3, …, when their number differs from
    ``header.signature_count`` (the cover would state a count the list does not show), or when
    the second pass over ``rows()`` does not see the rows the first pass laid out (read the rows
    from one snapshot, e.g. one REPEATABLE READ transaction).
    """


# --- geometry -------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 15 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

HEADER_BASELINE = PAGE_HEIGHT - 13 * mm
HEADER_RULE_Y = PAGE_HEIGHT - 20 * mm
BODY_TOP = PAGE_HEIGHT - 24 * mm

QR_SIZE = 20 * mm  # 0.4 mm modules for a ~100-character URL: fine for office printers
FOOTER_BOTTOM = 9 * mm
FOOTER_RULE_Y = FOOTER_BOTTOM + QR_SIZE + 2 * mm
BODY_BOTTOM = FOOTER_RULE_Y + 4 * mm

TABLE_SIZE = 8.0
TABLE_LEADING = 9.8
CELL_PAD_X = 2.5
CELL_PAD_Y = 2.6
NUMBER_GAP = 4.0  # right-aligned numbers keep clear of the names beside them
HEADING_HEIGHT = 14.0  # "Signatures 41–80 of 1,000" above the table
COLUMN_HEAD_HEIGHT = 13.0
TABLE_TOP = BODY_TOP - HEADING_HEIGHT - COLUMN_HEAD_HEIGHT
TABLE_HEIGHT = TABLE_TOP - BODY_BOTTOM

INK = colors.Color(0.1, 0.1, 0.12)
MUTED = colors.Color(0.38, 0.38, 0.42)
RULE = colors.Color(0.55, 0.55, 0.6)
STRIPE = colors.Color(0.94, 0.945, 0.955)
HEAD_FILL = colors.Color(0.86, 0.87, 0.89)


@dataclass(frozen=True)
class _Column:
    title: str
    width: float
    right: bool = False  # numbers align right


_NUMBER, _NAME, _CITY, _COUNTRY, _DATE, _COMMENT = range(6)
_COLUMNS = (
    _Column("No.", 40, right=True),
    _Column("Name", 116),
    _Column("City", 78),
    _Column("Country", 74),
    _Column("Signed", 52),
    _Column("Comment", 0),  # the rest of the width
)
_WIDTHS = [c.width for c in _COLUMNS[:-1]] + [CONTENT_WIDTH - sum(c.width for c in _COLUMNS)]
_LEFTS = [MARGIN_X + sum(_WIDTHS[:i]) for i in range(len(_WIDTHS))]
_TEXT_WIDTHS = [w - 2 * CELL_PAD_X for w in _WIDTHS]

_QR_FORM = "bundleVerifyQR"
_QR_UNITS = 100.0  # the form is drawn in a 100 x 100 box and scaled where it is used
_CONT = "cont."


# --- text: clean, shape, wrap, reorder -------------------------------------------------------

_RTL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_JOINERS = str.maketrans("", "", "\u200c\u200d")

# Mandatory lam-alef ligatures only: the "Allah" ligature is in few fonts and prints tiny.
_reshaper = arabic_reshaper.ArabicReshaper(configuration={"ARABIC LIGATURE ALLAH": False})


# A word with Arabic letters in it: letters join only within a word, so words shape alone.
_ARABIC_WORD = re.compile("\\S*[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]\\S*")


@functools.lru_cache(maxsize=8192)
def _reshape_word(word: str) -> str:
    return str(_reshaper.reshape(word)).translate(_JOINERS)


def _reshape(text: str) -> str:
    """Arabic letters in their joined presentation forms.

    Word by word, each cached: the reshaper costs a third of a millisecond a call, and names,
    cities and words repeat across thousands of rows.
    """
    return _ARABIC_WORD.sub(lambda match: _reshape_word(match.group()), text)


def _clean(text: str, keep_newlines: bool = False) -> str:
    """NFC-normalise; drop control and format characters; other whitespace becomes a space.

    Format characters (bidi controls, zero-width joiners, soft hyphens) print nothing and are in
    few fonts; dropping them keeps them from turning into the unprintable marker. Joiners stay
    until Arabic shaping has used them.
    """
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch.isspace():
            out.append(" ")
        elif ch in "\u200c\u200d":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def _prepare(fonts: FontSet, text: str, keep_newlines: bool = False) -> str:
    """Cleaned, Arabic-shaped, printable text, still in logical order."""
    text = _clean(text, keep_newlines)
    if _ARABIC.search(text):
        shaped = _reshape(text)
        text = text.translate(_JOINERS)
        # Presentation forms a font lacks would become markers while the plain letters print:
        # then the plain letters, unjoined, are the more readable choice.
        if fonts.printable(shaped) == shaped or fonts.printable(text) != text:
            text = shaped
    elif "\u200c" in text or "\u200d" in text:
        text = text.translate(_JOINERS)
    return fonts.printable(text)


def _visual(line: str, rtl_base: bool | None) -> str:
    """The line in visual order (python-bidi); untouched when it has no right-to-left text."""
    if rtl_base is None or not _RTL.search(line):
        return line
    return str(get_display(line, base_dir="R" if rtl_base else "L"))


def _base_direction(text: str) -> bool | None:
    """None for text without right-to-left characters, else whether its paragraph is RTL."""
    if not _RTL.search(text):
        return None
    return bool(get_base_level(text) == 1)


def _wrap(fonts: FontSet, text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Break logical ``text`` into lines no wider than ``width``; nothing is dropped.

    Lines break at spaces; a word wider than the line (a URL, a run of CJK) breaks between
    characters, never between a letter and its combining marks. Newlines start a new line.
    """
    if not text:
        return []
    if "\n" not in text and fonts.width(text, size, bold) <= width:
        return [text]
    lines: list[str] = []
    space = fonts.width(" ", size, bold)
    for paragraph in text.split("\n"):
        line = ""
        line_width = 0.0
        for word in paragraph.split():
            word_width = fonts.width(word, size, bold)
            if line and line_width + space + word_width <= width:
                line += " " + word
                line_width += space + word_width
                continue
            if line:
                lines.append(line)
            if word_width <= width:
                line, line_width = word, word_width
                continue
            pieces = _break_word(fonts, word, width, size, bold)
            lines.extend(pieces[:-1])
            line = pieces[-1]
            line_width = fonts.width(line, size, bold)
        if line:
            lines.append(line)
    return lines


def _break_word(fonts: FontSet, word: str, width: float, size: float, bold: bool) -> list[str]:
    pieces: list[str] = []
    current = ""
    for ch in word:
        if (
            current
            and not unicodedata.combining(ch)
            and fonts.width(current + ch, size, bold) > width
        ):
            pieces.append(current)
            current = ""
        current += ch
    pieces.append(current)
    return pieces


def _ellipsize(fonts: FontSet, text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` shortened with "…" to fit one line (for running headers only)."""
    if fonts.width(text, size, bold) <= width:
        return text
    while text and fonts.width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --- the signature table: layout ------------------------------------------------------------


class _RowLayout:
    """One row's wrapped lines, per column, in logical order; lives for one page at most."""

    __slots__ = ("cells", "directions", "height", "number")

    def __init__(self, number: int, cells: list[list[str]], directions: list[bool | None]):
        self.number = number
        self.cells = cells
        self.directions = directions
        self.height = max(len(lines) for lines in cells) * TABLE_LEADING + 2 * CELL_PAD_Y

    def split(self, height: float) -> tuple[_RowLayout, _RowLayout]:
        """Cut a row taller than a page: the lines that fit ``height``, and the rest."""
        fit = max(1, int((height - 2 * CELL_PAD_Y) // TABLE_LEADING))
        head = [lines[:fit] for lines in self.cells]
        rest = [lines[fit:] for lines in self.cells]
        rest[_NUMBER] = [str(self.number), _CONT]
        return (
            _RowLayout(self.number, head, self.directions),
            _RowLayout(self.number, rest, self.directions),
        )


def _layout_row(fonts: FontSet, row: BundleRow) -> _RowLayout:
    texts = (
        str(row.number),
        _prepare(fonts, row.full_name),
        _prepare(fonts, row.city),
        _prepare(fonts, row.country),
        row.signed_on.isoformat(),
        _prepare(fonts, row.comment, keep_newlines=True) if row.comment else "",
    )
    cells = [_wrap(fonts, text, _TEXT_WIDTHS[i], TABLE_SIZE) for i, text in enumerate(texts)]
    directions = [_base_direction(text) for text in texts]
    return _RowLayout(row.number, cells, directions)


def _paginate(fonts: FontSet, rows: Iterator[BundleRow]) -> Iterator[list[_RowLayout]]:
    """Lay rows out into pages, yielding one page of rows at a time.

    Also checks the numbering: rows must come as 1, 2, 3, … (the clerk counts on it).
    """
    page: list[_RowLayout] = []
    used = 0.0
    expected = 1
    for row in rows:
        if row.number != expected:
            raise BundleMismatch(f"row numbered {row.number} where {expected} was expected")
        expected += 1
        layout = _layout_row(fonts, row)
        if used + layout.height > TABLE_HEIGHT + 0.01:
            if page:
                yield page
                page, used = [], 0.0
            while layout.height > TABLE_HEIGHT + 0.01:
                head, layout = layout.split(TABLE_HEIGHT)
                yield [head]
        page.append(layout)
        used += layout.height
    if page:
        yield page


# --- drawing helpers ------------------------------------------------------------------------


def _draw_runs(
    text_object: PDFTextObject,
    fonts: FontSet,
    x: float,
    y: float,
    text: str,
    size: float,
    bold: bool = False,
    current: list[tuple[str, float]] | None = None,
    actual: str | None = None,
) -> None:
    """Draw printable ``text`` (visual order) at (x, y), switching fonts per character run.

    ``current`` holds the (font, size) set last in this text object, so consecutive runs in
    the same face and size emit no extra font changes. Complex-script runs are drawn as
    HarfBuzz shapes them; ``actual`` (see :func:`shaping.actual_text`) is what the drawn glyphs
    extract as, when that differs from them.
    """
    text_object.setTextOrigin(x, y)
    code: list[str] = text_object._code  # type: ignore[attr-defined]  # no marked-content API
    if actual is not None:
        code.append(shaping.begin_actual_text(actual))
    for face, part in fonts.runs(text, bold):
        if current is None or current[0] != (face.name, size):
            text_object.setFont(face.name, size, size * 1.2)
            if current is not None:
                current[0] = (face.name, size)
        text_object.textOut(shaping.shaped(face.name, part) if needs_shaping(part) else part)
    if actual is not None:
        code.append(shaping.END_ACTUAL_TEXT)


def _seal_page(canvas: Canvas) -> None:
    """Compress the page just finished, now, instead of keeping its text until ``save``.

    reportlab keeps every page's uncompressed content stream in memory and compresses all of
    them at the end; for 100,000 rows that is the bulk of the memory. Replacing the page's
    stream with an already deflated one keeps only the compressed bytes. Relies on reportlab
    internals (``PDFPage.stream`` / ``Contents``); if they change, the page is left as it was,
    which costs memory, not correctness.
    """
    document: Any = getattr(canvas, "_doc", None)
    try:
        page = document.Pages.pages[-1]
        content = page.stream
    except (AttributeError, IndexError):
        return
    if not isinstance(content, str) or page.Contents:
        return
    stream = PDFStream(
        PDFDictionary({"Filter": PDFName("FlateDecode")}),
        zlib.compress(content.encode("utf-8"), 6),  # as reportlab's own Flate filter does
    )
    stream.__Comment__ = "page stream"  # type: ignore[attr-defined]
    page.Contents = stream
    page.stream = None


def _define_qr_form(canvas: Canvas, url: str, font_name: str) -> None:
    """Draw the verify link's QR code once, as a form XObject every page references."""
    widget = QrCodeWidget(url, barLevel="M", barBorder=2)
    widget.barWidth = _QR_UNITS
    widget.barHeight = _QR_UNITS
    drawing = Drawing(_QR_UNITS, _QR_UNITS)
    # The renderer sets a font before drawing anything; its default, Helvetica, is not embedded.
    drawing.initialFontName = font_name  # type: ignore[attr-defined]
    drawing.add(widget)
    canvas.beginForm(_QR_FORM, lowerx=0, lowery=0, upperx=_QR_UNITS, uppery=_QR_UNITS)
    renderPDF.draw(drawing, canvas, 0, 0)
    canvas.endForm()


def _place_qr(canvas: Canvas, x: float, y: float, size: float) -> None:
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / _QR_UNITS, size / _QR_UNITS)
    canvas.doForm(_QR_FORM)
    canvas.restoreState()


class _QrFlowable(Flowable):
    """The verify QR code inside the cover letter's flow."""

    def __init__(self, size: float) -> None:
        super().__init__()
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.size, self.size

    def draw(self) -> None:
        _place_qr(self.canv, 0, 0, self.size)


@dataclass(frozen=True)
class _Page:
    """What the running header and footer of every page need, prepared once.

    ``title``, ``recipient`` and ``prisoner`` are final: fitted to one line each (shortened
    with "…" if need be; the cover prints them whole) and in visual order.
    """

    fonts: FontSet
    title: str
    recipient: str
    prisoner: str
    fingerprint: str
    short_fingerprint: str
    verify_url: str
    total: int


def _short_fingerprint(fingerprint: str) -> str:
    return " ".join(fingerprint[i : i + 4] for i in range(0, 16, 4))


def _draw_furniture(canvas: Canvas, page: _Page, number: int) -> None:
    """Running header and footer: title, recipient, page X of Y, fingerprint, QR, link."""
    fonts = page.fonts
    right = PAGE_WIDTH - MARGIN_X
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, HEADER_RULE_Y, right, HEADER_RULE_Y)
    canvas.line(MARGIN_X, FOOTER_RULE_Y, right, FOOTER_RULE_Y)
    _place_qr(canvas, MARGIN_X - 2, FOOTER_BOTTOM - 2, QR_SIZE)

    text = canvas.beginText()
    text.setFillColor(INK)
    actual = shaping.actual_text  # these lines are in visual order only if right to left
    _draw_runs(
        text, fonts, MARGIN_X, HEADER_BASELINE, page.title, 9.5, True, actual=actual(page.title)
    )
    text.setFillColor(MUTED)
    _draw_runs(
        text,
        fonts,
        MARGIN_X,
        HEADER_BASELINE - 9.5,
        page.recipient,
        7.5,
        actual=actual(page.recipient),
    )
    prisoner_x = right - fonts.width(page.prisoner, 8)
    _draw_runs(
        text, fonts, prisoner_x, HEADER_BASELINE, page.prisoner, 8, actual=actual(page.prisoner)
    )

    x = MARGIN_X + QR_SIZE + 2 * mm
    y = FOOTER_RULE_Y - 11
    label = f"Page {number} of {page.total}"
    text.setFillColor(INK)
    _draw_runs(text, fonts, right - fonts.width(label, 10, True), y, label, 10, bold=True)
    _draw_runs(text, fonts, x, y, "Fingerprint " + page.short_fingerprint, 9, bold=True)
    text.setFillColor(MUTED)
    available = right - x
    for line, size in (
        ("SHA-256 " + page.fingerprint, 7.0),
        ("Verify: " + page.verify_url, 7.0),
    ):
        y -= 10
        # A very long verify link is set smaller rather than cut: it has to stay typeable.
        size = min(size, size * available / max(fonts.width(line, size), 1))
        _draw_runs(text, fonts, x, y, line, size)
    # The printed link, and the QR code beside it, open the verify page when clicked.
    width = fonts.width("Verify: " + page.verify_url, size)
    canvas.linkURL(page.verify_url, (x, y - 2, x + width, y + size), thickness=0)
    canvas.linkURL(
        page.verify_url,
        (MARGIN_X - 2, FOOTER_BOTTOM - 2, MARGIN_X - 2 + QR_SIZE, FOOTER_BOTTOM - 2 + QR_SIZE),
        thickness=0,
    )
    y -= 9
    _draw_runs(
        text,
        fonts,
        x,
        y,
        "Scan the code or open the link to check this page against the bundle's record.",
        6.5,
    )
    canvas.drawText(text)


def _draw_table_page(
    canvas: Canvas, fonts: FontSet, rows: list[_RowLayout], total_rows: int
) -> None:
    """One page of the signature list: its heading, column titles, striped rows."""
    first, last = rows[0].number, rows[-1].number
    heading = f"Signatures {first:,}–{last:,} of {total_rows:,}"
    head_top = BODY_TOP - HEADING_HEIGHT
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

    text = canvas.beginText()
    text.setFillColor(INK)
    current = [("", 0.0)]
    _draw_runs(text, fonts, MARGIN_X, head_top + 4, heading, 9.5, True, current)
    for column, left, width in zip(_COLUMNS, _LEFTS, _TEXT_WIDTHS, strict=True):
        x = left + CELL_PAD_X
        if column.right:
            x += width - fonts.width(column.title, TABLE_SIZE, True) - NUMBER_GAP
        _draw_runs(text, fonts, x, TABLE_TOP + 4.2, column.title, TABLE_SIZE, True, current)
    y = TABLE_TOP
    for row in rows:
        for index, lines in enumerate(row.cells):
            direction = row.directions[index]
            baseline = y - CELL_PAD_Y - TABLE_SIZE * 0.8
            for line in lines:
                x = _LEFTS[index] + CELL_PAD_X
                if _COLUMNS[index].right:
                    x += _TEXT_WIDTHS[index] - fonts.width(line, TABLE_SIZE) - NUMBER_GAP
                elif direction:
                    # a cell whose paragraph runs right to left aligns right
                    x += _TEXT_WIDTHS[index] - fonts.width(line, TABLE_SIZE)
                _draw_runs(
                    text,
                    fonts,
                    x,
                    baseline,
                    _visual(line, direction),
                    TABLE_SIZE,
                    False,
                    current,
                    actual=shaping.actual_text(line),
                )
                baseline -= TABLE_LEADING
        y -= row.height
    canvas.drawText(text)


# --- the cover letter -----------------------------------------------------------------------

_markdown = MarkdownIt("js-default", {"typographer": True}).enable(["replacements", "smartquotes"])

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class _Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    recipient: ParagraphStyle
    date: ParagraphStyle
    label: ParagraphStyle


def _styles(fonts: FontSet) -> _Styles:
    family = fonts.family
    body = ParagraphStyle(
        "bundle-body",
        fontName=family,
        fontSize=10.5,
        leading=14.5,
        spaceAfter=6,
        textColor=INK,
        bulletFontName=family,
    )
    return _Styles(
        body=body,
        small=ParagraphStyle("bundle-small", parent=body, fontSize=8.5, leading=11.5),
        title=ParagraphStyle(
            "bundle-title",
            parent=body,
            fontName=fonts.bold.name,
            fontSize=16,
            leading=20,
            spaceBefore=4,
            spaceAfter=4,
        ),
        heading=ParagraphStyle(
            "bundle-heading",
            parent=body,
            fontName=fonts.bold.name,
            fontSize=11.5,
            leading=15,
            spaceBefore=6,
            spaceAfter=4,
        ),
        recipient=ParagraphStyle("bundle-recipient", parent=body, fontSize=11, leading=15),
        date=ParagraphStyle("bundle-date", parent=body, alignment=TA_RIGHT),
        label=ParagraphStyle(
            "bundle-label", parent=body, fontSize=8.5, leading=11.5, textColor=MUTED
        ),
    )


def _markup(fonts: FontSet, text: str) -> str:
    """Plain text as paragraph markup: shaped, reordered if right-to-left, fallback fonts."""
    text = _prepare(fonts, text)
    return fonts.markup(_visual(text, _base_direction(text)))


def _link(fonts: FontSet, url: str) -> str:
    """A URL as paragraph markup that is also a clickable link."""
    return f'<a href="{escape(url, {chr(34): "&quot;"})}">{_markup(fonts, url)}</a>'


def _inline_markup(fonts: FontSet, token: Token) -> str:
    """A Markdown inline token's children as paragraph markup (bold, italic, links, breaks)."""
    parts: list[str] = []
    link: str | None = None
    link_text = ""
    for child in token.children or []:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(_markup(fonts, child.content))
            link_text += child.content
        elif kind == "softbreak":
            parts.append(" ")
        elif kind == "hardbreak":
            parts.append("<br/>")
        elif kind == "strong_open":
            parts.append("<b>")
        elif kind == "strong_close":
            parts.append("</b>")
        elif kind == "em_open":
            parts.append("<i>")
        elif kind == "em_close":
            parts.append("</i>")
        elif kind == "s_open":
            parts.append("<strike>")
        elif kind == "s_close":
            parts.append("</strike>")
        elif kind == "link_open":
            href = child.attrGet("href")
            link = str(href) if href else None
            link_text = ""
        elif kind == "link_close":
            # On paper a link is its address: print it after the text unless they are the same.
            if link and not link.startswith("mailto:") and link != link_text.strip():
                parts.append(" (" + _markup(fonts, link) + ")")
            link = None
        elif kind == "image":
            parts.append(_markup(fonts, child.content))
    return "".join(parts)


def _markdown_flowables(fonts: FontSet, styles: _Styles, text: str) -> list[Flowable]:
    """The petition text as flowables: paragraphs, headings, lists, quotes, rules, code."""
    tokens = _markdown.parse(text)
    flowables, _ = _blocks(fonts, styles, tokens, 0, len(tokens))
    return flowables


def _closing(tokens: list[Token], start: int) -> int:
    """Index of the token that closes the block opened at ``start``."""
    depth = 0
    for index in range(start, len(tokens)):
        depth += tokens[index].nesting
        if depth == 0:
            return index
    return len(tokens) - 1


def _blocks(
    fonts: FontSet, styles: _Styles, tokens: list[Token], start: int, stop: int
) -> tuple[list[Flowable], int]:
    out: list[Flowable] = []
    index = start
    while index < stop:
        token = tokens[index]
        kind = token.type
        if kind in ("paragraph_open", "heading_open"):
            inline = tokens[index + 1]
            style = styles.body if kind == "paragraph_open" else styles.heading
            out.append(Paragraph(_inline_markup(fonts, inline), style))
            index = _closing(tokens, index) + 1
        elif kind in ("bullet_list_open", "ordered_list_open"):
            end = _closing(tokens, index)
            items: list[Any] = []  # ListItem is no Flowable in the type stubs
            cursor = index + 1
            while cursor < end:
                if tokens[cursor].type == "list_item_open":
                    item_end = _closing(tokens, cursor)
                    content, _ = _blocks(fonts, styles, tokens, cursor + 1, item_end)
                    items.append(ListItem(content or [Spacer(1, 0)]))
                    cursor = item_end + 1
                else:
                    cursor += 1
            if kind == "ordered_list_open":
                first = int(str(token.attrGet("start") or 1))
                out.append(
                    ListFlowable(
                        items,
                        bulletType="1",
                        start=first,
                        bulletFormat="%s.",
                        bulletFontName=fonts.family,
                        bulletFontSize=styles.body.fontSize,
                        leftIndent=18,
                    )
                )
            else:
                out.append(
                    ListFlowable(
                        items,
                        bulletType="bullet",
                        start="•",
                        bulletFontName=fonts.family,
                        bulletFontSize=styles.body.fontSize,
                        leftIndent=18,
                    )
                )
            index = end + 1
        elif kind == "blockquote_open":
            end = _closing(tokens, index)
            content, _ = _blocks(fonts, styles, tokens, index + 1, end)
            out.extend([Indenter(left=18), *content, Indenter(left=-18)])
            index = end + 1
        elif kind == "hr":
            out.append(HRFlowable(width="100%", thickness=0.5, color=RULE, spaceAfter=6))
            index += 1
        elif kind in ("fence", "code_block"):
            lines = [_markup(fonts, line) for line in token.content.rstrip("\n").split("\n")]
            out.append(Paragraph("<br/>".join(lines), styles.small))
            index += 1
        elif kind == "inline":
            out.append(Paragraph(_inline_markup(fonts, token), styles.body))
            index += 1
        else:
            index += 1  # closing tokens and anything unknown print nothing
    return out, index


def _long_date(moment: datetime) -> str:
    """4 August 2026: day before month, month in words, unambiguous in every country."""
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def _cover_story(
    fonts: FontSet, header: BundleHeader, total_pages: int, cover_pages: int
) -> list[Flowable]:
    styles = _styles(fonts)
    count = header.signature_count
    signatures = f"{count:,} signature" + ("" if count == 1 else "s")
    prisoner = _markup(fonts, header.prisoner_name)
    scope = (
        "signers from " + ", ".join(_markup(fonts, c) for c in header.countries)
        if header.countries
        else "signers from all countries"
    )

    address = "<br/>".join(
        _markup(fonts, line) for line in header.recipient_address.splitlines() if line.strip()
    )
    story: list[Flowable] = [
        Paragraph(f"<b>{_markup(fonts, header.recipient_name)}</b>", styles.recipient),
    ]
    if address:
        story.append(Paragraph(address, styles.recipient))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(_long_date(header.generated_at), styles.date),
        Spacer(1, 6 * mm),
        Paragraph(_markup(fonts, header.petition_title), styles.title),
        Paragraph(f"Concerning <b>{prisoner}</b>", styles.recipient),
        Spacer(1, 3 * mm),
        Paragraph(
            f"This bundle delivers the petition below with <b>{signatures}</b> ({scope}). "
            f"The signatures are listed after this letter, numbered from 1 to {count:,}.",
            styles.body,
        ),
        HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=2, spaceAfter=8),
        *_markdown_flowables(fonts, styles, header.petition_text),
        HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=2, spaceAfter=8),
    ]

    generated = header.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    pages = (
        f"{total_pages:,}: this letter ({cover_pages}), "
        f"the signature list ({total_pages - cover_pages:,})"
    )
    facts = [
        ("Signatures", signatures),
        ("Signers", scope[0].upper() + scope[1:]),
        ("Prisoner", prisoner),
        ("Pages", pages),
        ("Generated", generated),
        ("Fingerprint (SHA-256)", header.fingerprint),
        ("Verify online", _link(fonts, header.verify_url)),
        ("Printed by", _markup(fonts, header.author)),
    ]
    summary = Table(
        [
            [Paragraph(label, styles.label), Paragraph(value, styles.small)]
            for label, value in facts
        ],
        colWidths=[38 * mm, CONTENT_WIDTH - 38 * mm],
        hAlign="LEFT",
    )
    summary.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                # Tables set their font before each cell, Helvetica unless told: not embedded.
                ("FONTNAME", (0, 0), (-1, -1), fonts.family),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    explanation = Paragraph(
        "<b>How to check this bundle.</b> Scan the code or open the link above: it shows the "
        "petition, the number of signatures and the fingerprint recorded when this bundle was "
        "generated. Every page carries the same fingerprint at its foot and is numbered "
        f'"Page X of {total_pages}", so a single page can be checked on its own. Dates are the '
        "days the signatures were given (UTC). Characters that the installed fonts cannot "
        f"print appear as {UNPRINTABLE_MARKER}. Signers' contact details are never printed.",
        styles.small,
    )
    verify = Table(
        [[_QrFlowable(32 * mm), explanation]],
        colWidths=[38 * mm, CONTENT_WIDTH - 38 * mm],
        hAlign="LEFT",
    )
    verify.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONTNAME", (0, 0), (-1, -1), fonts.family),
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("LEFTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    story += [summary, Spacer(1, 5 * mm), verify]
    return story


def _flow_cover(
    canvas: Canvas,
    story: list[Flowable],
    on_page: Callable[[int], None],
) -> int:
    """Flow the cover letter onto pages of ``canvas``; return how many pages it took.

    Our own loop instead of a DocTemplate, so the cover and the table pages share one canvas:
    each flowable is added, or split across the page end, or moved to a fresh page.
    """
    pages = 0
    story = list(story)
    while story:
        pages += 1
        frame = Frame(
            MARGIN_X,
            BODY_BOTTOM,
            CONTENT_WIDTH,
            BODY_TOP - BODY_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        placed = False
        while story:
            flowable = story[0]
            if frame.add(flowable, canvas, trySplit=1):
                story.pop(0)
                placed = True
                continue
            parts = frame.split(flowable, canvas)
            if parts and frame.add(parts[0], canvas, trySplit=1):
                story[0:1] = parts[1:]
                placed = True
                continue
            if not placed:
                raise LayoutError(f"{type(flowable).__name__} does not fit on an empty page")
            break
        on_page(pages)
        canvas.showPage()
        _seal_page(canvas)
    return pages


def _count_cover_pages(fonts: FontSet, header: BundleHeader, table_pages: int) -> int:
    """Lay the cover out on a scratch canvas until its page count is stable.

    The cover states the total page count, and the digits it takes could, in theory, push a
    line onto another page; two or three rounds settle it.
    """
    cover_pages = 1
    for _ in range(4):
        scratch = Canvas(io.BytesIO(), pagesize=A4)
        story = _cover_story(fonts, header, table_pages + cover_pages, cover_pages)
        counted = _flow_cover(scratch, story, lambda _page: None)
        if counted == cover_pages:
            return counted
        cover_pages = counted
    return cover_pages


# --- entry point ----------------------------------------------------------------------------

_HEX64 = re.compile("[0-9a-fA-F]{64}")


def render_bundle(
    out: BinaryIO,
    header: BundleHeader,
    rows: Callable[[], Iterator[BundleRow]],
    fonts: FontSet,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the bundle's PDF to ``out``; return its number of pages.

    ``rows()`` is called twice, each call returning a fresh iterator over the same rows in
    order, numbered 1, 2, 3, …: the first pass lays the pages out to learn the total for "Page X
    of Y", the second draws them. At most one page of rows is held at a time. ``progress(n)``,
    if given, is called after each page of the signature list with the number of rows drawn so
    far (and once with 0 before the first).

    Raises :class:`BundleMismatch` (before anything is written) when the rows do not match
    ``header.signature_count`` or change between the passes, and ``ValueError`` for a
    fingerprint that is not 64 hex digits or a verify URL that is not absolute http(s).
    """
    if not _HEX64.fullmatch(header.fingerprint):
        raise ValueError("fingerprint must be 64 hexadecimal digits (a SHA-256)")
    if not header.verify_url.startswith(("https://", "http://")):
        raise ValueError("verify_url must be an absolute http(s) URL")

    # Pass 1: only the number of rows on each page survives it.
    page_sizes: list[int] = []
    row_count = 0
    for laid_out in _paginate(fonts, rows()):
        page_sizes.append(len(laid_out))
        row_count = laid_out[-1].number
    if row_count != header.signature_count:
        raise BundleMismatch(
            f"the header says {header.signature_count} signatures, the rows are {row_count}"
        )
    table_pages = len(page_sizes)
    cover_pages = _count_cover_pages(fonts, header, table_pages)
    total = cover_pages + table_pages

    prisoner = _one_line(fonts, header.prisoner_name)
    prisoner = _ellipsize(fonts, prisoner, CONTENT_WIDTH * 0.35, 8)
    title = _one_line(fonts, header.petition_title)
    title = _ellipsize(fonts, title, CONTENT_WIDTH - fonts.width(prisoner, 8) - 12, 9.5, True)
    recipient = _ellipsize(
        fonts, "To: " + _one_line(fonts, header.recipient_name), CONTENT_WIDTH, 7.5
    )
    page = _Page(
        fonts=fonts,
        title=_visual(title, _base_direction(title)),
        recipient=_visual(recipient, _base_direction(recipient)),
        prisoner=_visual(prisoner, _base_direction(prisoner)),
        fingerprint=header.fingerprint,
        short_fingerprint=_short_fingerprint(header.fingerprint),
        verify_url=header.verify_url,
        total=total,
    )
    canvas = ArchivalCanvas(out, initial_font=fonts.regular.name, pagesize=A4, pageCompression=1)
    make_archival(
        canvas,
        title=f"{_clean(header.petition_title)}: signatures",
        author=_clean(header.author),
        subject=f"{header.signature_count} signatures, fingerprint {header.fingerprint}",
        created=header.generated_at,
    )
    _define_qr_form(canvas, header.verify_url, fonts.regular.name)

    story = _cover_story(fonts, header, total, cover_pages)
    drawn_cover = _flow_cover(canvas, story, lambda number: _draw_furniture(canvas, page, number))
    if drawn_cover != cover_pages:
        raise LayoutError("the cover letter did not lay out the same way twice")

    if progress is not None:
        progress(0)
    drawn = 0
    number = cover_pages
    for index, table_page in enumerate(_paginate(fonts, rows())):
        if index >= table_pages or len(table_page) != page_sizes[index]:
            raise BundleMismatch("the rows changed between the two passes over rows()")
        number += 1
        _draw_table_page(canvas, fonts, table_page, row_count)
        _draw_furniture(canvas, page, number)
        canvas.showPage()
        _seal_page(canvas)
        drawn = table_page[-1].number
        if progress is not None:
            progress(drawn)
    if number != total or drawn != row_count:
        raise BundleMismatch("the rows changed between the two passes over rows()")
    canvas.save()
    return total


def _one_line(fonts: FontSet, text: str) -> str:
    """A text prepared for a single line of a running header, still in logical order."""
    return " ".join(_prepare(fonts, text).split())
