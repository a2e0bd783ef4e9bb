"""A letter batch's PDF: one letter per page, then the address sheet, the envelope labels and
the manifest; every page with the batch fingerprint and its verify link and QR code.

Pure rendering, like the bundles' renderer (petitions/bundles/pdf/) whose fonts, shaping, line
breaking, text runs, QR code and PDF/A canvas it uses: no database. The caller
(letters/batches.py) hands over a :class:`BatchSheet`. Writers' email addresses are not in it,
so they cannot be printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from flask_babel import gettext, ngettext
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from petitions.bundles.archival import ArchivalCanvas, make_archival
from petitions.bundles.pdf import FontSet, shaping
from petitions.bundles.pdf.drawing import draw_runs, end_page
from petitions.bundles.pdf.furniture import define_qr_form, place_qr, short_fingerprint
from petitions.bundles.pdf.geometry import INK, MUTED, RULE
from petitions.bundles.pdf.language import long_date
from petitions.bundles.pdf.lines import ellipsize, prepare, wrap

SIZES = {"A4": A4, "A5": A5}

#: The largest and smallest text size of a letter: a long letter is set smaller so that it
#: stays on its one page (at most 10,000 characters, the longest a case allows).
_BODY_SIZES = {"A4": (11.5, 5.0), "A5": (9.5, 4.0)}
_QR = 16 * mm
#: Envelope labels on the label sheet: two columns of this height.
_LABEL_HEIGHT = 38 * mm


@dataclass(frozen=True)
class PrintedLetter:
    """One letter as printed: its number, its words and how the writer signed it."""

    number: int
    language: str  # the language's name, already in the batch's language
    occasion: str  # already translated
    body: str
    signature: str  # the name or pseudonym the writer signs with
    place: str  # "Warsaw, Poland" or ""


@dataclass(frozen=True)
class BatchSheet:
    """What the whole batch prints."""

    prisoner_name: str
    fingerprint: str  # 64 hex digits
    verify_url: str
    size: str  # "A4" or "A5"
    created_at: datetime
    channel: str  # already translated: "By post", "Through the family", …
    #: The addressee and the address, one line each, as they go on the envelope.
    address_lines: tuple[str, ...]
    letters: tuple[PrintedLetter, ...]
    author: str = "petitions"


class _Page:
    """Where things sit on a page of the chosen size."""

    def __init__(self, size: str) -> None:
        self.width, self.height = SIZES[size]
        self.margin = 15 * mm if size == "A4" else 11 * mm
        self.right = self.width - self.margin
        self.content = self.width - 2 * self.margin
        self.top = self.height - self.margin - 8
        self.footer_rule = self.margin + _QR + 2 * mm
        self.bottom = self.footer_rule + 5 * mm


def _text(fonts: FontSet, text: str) -> str:
    """One line, prepared and in visual order."""
    line = " ".join(prepare(fonts, text).split())
    return shaping.visual(line, shaping.base_direction(line))


def _line(
    canvas: Canvas, fonts: FontSet, x: float, y: float, text: str, size: float, bold: bool = False
) -> None:
    """Draw one prepared logical line at (x, y)."""
    visual = shaping.visual(text, shaping.base_direction(text))
    runs = canvas.beginText()
    runs.setFillColor(INK)
    draw_runs(runs, fonts, x, y, visual, size, bold, actual=shaping.actual_text(visual))
    canvas.drawText(runs)


def _footer(canvas: Canvas, fonts: FontSet, page: _Page, sheet: BatchSheet, label: str) -> None:
    """The batch's fingerprint, the verify link and its QR code, and what this page is."""
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(page.margin, page.footer_rule, page.right, page.footer_rule)
    place_qr(canvas, page.margin - 2, page.margin - 2, _QR)
    x = page.margin + _QR + 2 * mm
    y = page.footer_rule - 10
    available = page.right - x
    fingerprint = gettext(
        "Batch fingerprint %(fingerprint)s", fingerprint=short_fingerprint(sheet.fingerprint)
    )
    lines = [
        (fonts.printable(label), 8.5, True),
        (fonts.printable(fingerprint), 7.5, True),
        ("SHA-256 " + sheet.fingerprint, 6.0, False),
        (fonts.printable(gettext("Verify: %(link)s", link=sheet.verify_url)), 6.0, False),
    ]
    for text, size, bold in lines:
        # Long lines are set smaller rather than cut: the fingerprint and link stay typeable.
        fitted = min(size, size * available / max(fonts.width(text, size, bold), 1))
        runs = canvas.beginText()
        runs.setFillColor(INK if bold else MUTED)
        draw_runs(runs, fonts, x, y, text, fitted, bold)
        canvas.drawText(runs)
        y -= size + 3
    canvas.linkURL(
        sheet.verify_url, (page.margin, page.margin, page.margin + _QR, page.margin + _QR)
    )


def _fit_body(
    fonts: FontSet, page: _Page, size_name: str, body: str, room: float
) -> tuple[list[str], float]:
    """The letter's lines and text size: the largest size at which it fits its page."""
    largest, smallest = _BODY_SIZES[size_name]
    size = largest
    while True:
        lines = wrap(fonts, body, page.content, size)
        if len(lines) * size * 1.4 <= room or size <= smallest:
            return lines, size
        size = max(smallest, size - 0.5)


def _letter_page(
    canvas: Canvas, fonts: FontSet, page: _Page, sheet: BatchSheet, letter: PrintedLetter
) -> None:
    title = gettext("Letter No. %(number)s", number=letter.number)
    _line(canvas, fonts, page.margin, page.top, prepare(fonts, title), 13, True)
    prisoner = ellipsize(fonts, _text(fonts, sheet.prisoner_name), page.content * 0.45, 9)
    runs = canvas.beginText()
    runs.setFillColor(MUTED)
    draw_runs(runs, fonts, page.right - fonts.width(prisoner, 9), page.top, prisoner, 9)
    about = f"{letter.occasion} · {letter.language}"
    _line(canvas, fonts, page.margin, page.top - 15, prepare(fonts, about), 8)
    canvas.drawText(runs)
    top = page.top - 34
    signature = [prepare(fonts, "— " + letter.signature)]
    if letter.place:
        signature.append(prepare(fonts, letter.place))
    room = top - page.bottom - 14 * len(signature) - 6
    body = prepare(fonts, letter.body, keep_newlines=True)
    lines, size = _fit_body(fonts, page, sheet.size, body, room)
    y = top
    for line in lines:
        _line(canvas, fonts, page.margin, y, line, size)
        y -= size * 1.4
    y -= 6
    for line in signature:
        _line(canvas, fonts, page.margin, y, line, 10, True)
        y -= 14
    _footer(canvas, fonts, page, sheet, gettext("Letter No. %(number)s", number=letter.number))
    end_page(canvas)


def _address_sheet(canvas: Canvas, fonts: FontSet, page: _Page, sheet: BatchSheet) -> None:
    y = page.top
    _line(canvas, fonts, page.margin, y, prepare(fonts, gettext("Address sheet")), 13, True)
    y -= 20
    _line(canvas, fonts, page.margin, y, prepare(fonts, sheet.channel), 10)
    y -= 26
    for text in sheet.address_lines:
        for line in wrap(fonts, prepare(fonts, text), page.content, 14):
            _line(canvas, fonts, page.margin, y, line, 14, True)
            y -= 19
    y -= 12
    count = ngettext(
        "%(num)s letter in this batch.", "%(num)s letters in this batch.", len(sheet.letters)
    )
    _line(canvas, fonts, page.margin, y, prepare(fonts, count), 10)
    _footer(canvas, fonts, page, sheet, gettext("Address sheet"))
    end_page(canvas)


def _labels(canvas: Canvas, fonts: FontSet, page: _Page, sheet: BatchSheet) -> None:
    """A sheet of envelope labels to cut out: two columns, as many rows as fit."""
    _line(
        canvas, fonts, page.margin, page.top, prepare(fonts, gettext("Envelope labels")), 13, True
    )
    width = page.content / 2
    y = page.top - 16
    canvas.setStrokeColor(RULE)
    canvas.setDash(2, 2)
    while y - _LABEL_HEIGHT >= page.bottom:
        for column in (0, 1):
            x = page.margin + column * width
            canvas.rect(x, y - _LABEL_HEIGHT, width, _LABEL_HEIGHT)
            line_y = y - 14
            for text in sheet.address_lines:
                for line in wrap(fonts, prepare(fonts, text), width - 10, 9):
                    if line_y > y - _LABEL_HEIGHT + 4:
                        _line(canvas, fonts, x + 5, line_y, line, 9, True)
                    line_y -= 11
        y -= _LABEL_HEIGHT
    canvas.setDash()
    _footer(canvas, fonts, page, sheet, gettext("Envelope labels"))
    end_page(canvas)


def _manifest(canvas: Canvas, fonts: FontSet, page: _Page, sheet: BatchSheet) -> None:
    """The letters of the batch: number, language, occasion, the writer's name or pseudonym."""
    heading = prepare(fonts, gettext("Manifest"))
    when = gettext(
        "Printed on %(date)s: %(count)s",
        date=long_date(sheet.created_at.date()),
        count=ngettext("%(num)s letter", "%(num)s letters", len(sheet.letters)),
    )
    columns = (0.0, 0.14, 0.36, 0.6)
    head = (gettext("No."), gettext("Language"), gettext("Occasion"), gettext("Signed"))
    rows = iter(sheet.letters)
    pending = next(rows, None)
    while pending is not None:
        _line(canvas, fonts, page.margin, page.top, heading, 13, True)
        _line(canvas, fonts, page.margin, page.top - 16, prepare(fonts, when), 8.5)
        y = page.top - 36
        for share, text in zip(columns, head, strict=True):
            _line(
                canvas,
                fonts,
                page.margin + share * page.content,
                y,
                prepare(fonts, text),
                8.5,
                True,
            )
        y -= 14
        while pending is not None and y >= page.bottom:
            cells = (str(pending.number), pending.language, pending.occasion, pending.signature)
            for index, (share, text) in enumerate(zip(columns, cells, strict=True)):
                end = columns[index + 1] if index + 1 < len(columns) else 1.0
                cell = ellipsize(fonts, prepare(fonts, text), (end - share) * page.content - 4, 8.5)
                _line(canvas, fonts, page.margin + share * page.content, y, cell, 8.5)
            y -= 12
            pending = next(rows, None)
        _footer(canvas, fonts, page, sheet, gettext("Manifest"))
        end_page(canvas)


def render_batch(out: BinaryIO, sheet: BatchSheet, fonts: FontSet) -> None:
    """Write the batch's PDF to ``out``: the letters, the address sheet, labels, manifest."""
    if len(sheet.fingerprint) != 64 or not sheet.letters:
        raise ValueError("a batch needs a SHA-256 fingerprint and at least one letter")
    page = _Page(sheet.size)
    canvas = ArchivalCanvas(
        out, initial_font=fonts.regular.name, pagesize=SIZES[sheet.size], pageCompression=1
    )
    make_archival(
        canvas,
        title=gettext("Letters to %(name)s", name=shaping.clean(sheet.prisoner_name)),
        author=sheet.author,
        subject=gettext("Batch fingerprint %(fingerprint)s", fingerprint=sheet.fingerprint),
        created=sheet.created_at,
        languages=("en",),
    )
    define_qr_form(canvas, sheet.verify_url, fonts.regular.name)
    for letter in sheet.letters:
        _letter_page(canvas, fonts, page, sheet, letter)
    _address_sheet(canvas, fonts, page, sheet)
    _labels(canvas, fonts, page, sheet)
    _manifest(canvas, fonts, page, sheet)
    canvas.save()
