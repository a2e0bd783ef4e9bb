"""Text runs drawn on the low-level canvas, and pages compressed as soon as they are done."""

from __future__ import annotations

import zlib
from typing import Any

from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from petitions.bundles.pdf import shaping
from petitions.bundles.pdf.fonts import FontSet


def draw_runs(
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
        drawn = shaping.shaped(face.name, part) if shaping.needs_shaping(part) else part
        text_object.textOut(drawn)
    if actual is not None:
        code.append(shaping.END_ACTUAL_TEXT)


def seal_page(canvas: Canvas) -> None:
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


def end_page(canvas: Canvas) -> None:
    """Finish the current page and compress it."""
    canvas.showPage()
    seal_page(canvas)
