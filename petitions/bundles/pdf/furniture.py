"""Page furniture: the running header, and the footer by which a clerk checks a single page.

Every page carries the petition title, the prisoner and the recipient at its head, and at its
foot "Page X of Y", the short and the full SHA-256 fingerprint, the verify link and its QR code.
The QR code is drawn once, as a form XObject that every page references.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable

from petitions.bundles.pdf import language, shaping
from petitions.bundles.pdf.contents import BundleHeader
from petitions.bundles.pdf.drawing import draw_runs
from petitions.bundles.pdf.fonts import FontSet
from petitions.bundles.pdf.geometry import (
    CONTENT_WIDTH,
    FOOTER_BOTTOM,
    FOOTER_RULE_Y,
    HEADER_BASELINE,
    HEADER_RULE_Y,
    INK,
    MARGIN_X,
    MUTED,
    PAGE_WIDTH,
    QR_SIZE,
    RULE,
)
from petitions.bundles.pdf.lines import ellipsize, one_line

_QR_FORM = "bundleVerifyQR"
_QR_UNITS = 100.0  # the form is drawn in a 100 x 100 box and scaled where it is used
_RIGHT = PAGE_WIDTH - MARGIN_X


def define_qr_form(canvas: Canvas, url: str, font_name: str) -> None:
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


def place_qr(canvas: Canvas, x: float, y: float, size: float) -> None:
    """Draw the QR code defined by :func:`define_qr_form` at (x, y), ``size`` wide (also used
    by the letter batches, letters/printing.py)."""
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / _QR_UNITS, size / _QR_UNITS)
    canvas.doForm(_QR_FORM)
    canvas.restoreState()


class QrFlowable(Flowable):
    """The verify QR code inside the cover letter's flow."""

    def __init__(self, size: float) -> None:
        super().__init__()
        self.size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        return self.size, self.size

    def draw(self) -> None:
        place_qr(self.canv, 0, 0, self.size)


@dataclass(frozen=True)
class Furniture:
    """What the running header and footer of every page need, prepared once.

    ``title``, ``recipient`` and ``prisoner`` are final: fitted to one line each (shortened
    with "…" if need be; the cover prints them whole) and in visual order. The footer's lines
    are in the bundle's language.
    """

    fonts: FontSet
    title: str
    recipient: str
    prisoner: str
    verify_url: str
    total: int
    fingerprint_line: str  # "Fingerprint 2ade e5a9 3b2a 9c5d"
    hash_line: str  # "SHA-256 " and the whole fingerprint
    verify_line: str  # "Verify: " and the link
    scan_line: str  # how to check the page

    def page_label(self, number: int) -> str:
        """The "Page X of Y" label of page ``number``."""
        label = gettext(
            "Page %(number)s of %(total)s",
            number=language.number(number),
            total=language.number(self.total),
        )
        return self.fonts.printable(label)


def short_fingerprint(fingerprint: str) -> str:
    """The first 16 hex digits of a fingerprint, in groups of four."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, 16, 4))


def _in_visual_order(text: str) -> str:
    return shaping.visual(text, shaping.base_direction(text))


def furniture_for(fonts: FontSet, header: BundleHeader, total: int) -> Furniture:
    """Fit the running header's title, prisoner and recipient to one line each."""
    prisoner = one_line(fonts, header.prisoner_name)
    prisoner = ellipsize(fonts, prisoner, CONTENT_WIDTH * 0.35, 8)
    title = one_line(fonts, header.petition_title)
    title = ellipsize(fonts, title, CONTENT_WIDTH - fonts.width(prisoner, 8) - 12, 9.5, True)
    recipient = gettext("To: %(recipient)s", recipient=one_line(fonts, header.recipient_name))
    recipient = ellipsize(fonts, fonts.printable(recipient), CONTENT_WIDTH, 7.5)
    fingerprint_line = gettext(
        "Fingerprint %(fingerprint)s", fingerprint=short_fingerprint(header.fingerprint)
    )
    verify_line = gettext("Verify: %(link)s", link=header.verify_url)
    scan = gettext("Scan the code or open the link to check this page against the bundle's record.")
    return Furniture(
        fonts=fonts,
        title=_in_visual_order(title),
        recipient=_in_visual_order(recipient),
        prisoner=_in_visual_order(prisoner),
        verify_url=header.verify_url,
        total=total,
        fingerprint_line=fonts.printable(fingerprint_line),
        hash_line="SHA-256 " + header.fingerprint,
        verify_line=fonts.printable(verify_line),
        scan_line=fonts.printable(scan),
    )


def _draw_header(text: PDFTextObject, page: Furniture) -> None:
    fonts = page.fonts
    actual = shaping.actual_text  # these lines are in visual order only if right to left
    text.setFillColor(INK)
    draw_runs(
        text, fonts, MARGIN_X, HEADER_BASELINE, page.title, 9.5, True, actual=actual(page.title)
    )
    text.setFillColor(MUTED)
    recipient_y = HEADER_BASELINE - 9.5
    draw_runs(
        text, fonts, MARGIN_X, recipient_y, page.recipient, 7.5, actual=actual(page.recipient)
    )
    prisoner_x = _RIGHT - fonts.width(page.prisoner, 8)
    draw_runs(
        text, fonts, prisoner_x, HEADER_BASELINE, page.prisoner, 8, actual=actual(page.prisoner)
    )


def _draw_footer(canvas: Canvas, text: PDFTextObject, page: Furniture, number: int) -> None:
    fonts = page.fonts
    x = MARGIN_X + QR_SIZE + 2 * mm
    y = FOOTER_RULE_Y - 11
    label = page.page_label(number)
    text.setFillColor(INK)
    draw_runs(text, fonts, _RIGHT - fonts.width(label, 10, True), y, label, 10, bold=True)
    draw_runs(text, fonts, x, y, page.fingerprint_line, 9, bold=True)
    text.setFillColor(MUTED)
    available = _RIGHT - x
    size = 7.0
    for line in (page.hash_line, page.verify_line):
        y -= 10
        # A very long verify link is set smaller rather than cut: it has to stay typeable.
        size = min(7.0, 7.0 * available / max(fonts.width(line, 7.0), 1))
        draw_runs(text, fonts, x, y, line, size)
    # The printed link, and the QR code beside it, open the verify page when clicked.
    width = fonts.width(page.verify_line, size)
    canvas.linkURL(page.verify_url, (x, y - 2, x + width, y + size), thickness=0)
    canvas.linkURL(
        page.verify_url,
        (MARGIN_X - 2, FOOTER_BOTTOM - 2, MARGIN_X - 2 + QR_SIZE, FOOTER_BOTTOM - 2 + QR_SIZE),
        thickness=0,
    )
    draw_runs(text, fonts, x, y - 9, page.scan_line, 6.5)


def draw_furniture(canvas: Canvas, page: Furniture, number: int) -> None:
    """Running header and footer: title, recipient, page X of Y, fingerprint, QR, link."""
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN_X, HEADER_RULE_Y, _RIGHT, HEADER_RULE_Y)
    canvas.line(MARGIN_X, FOOTER_RULE_Y, _RIGHT, FOOTER_RULE_Y)
    place_qr(canvas, MARGIN_X - 2, FOOTER_BOTTOM - 2, QR_SIZE)
    text = canvas.beginText()
    _draw_header(text, page)
    _draw_footer(canvas, text, page, number)
    canvas.drawText(text)
