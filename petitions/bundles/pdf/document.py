"""The bundle's PDF put together: two passes over the rows, the cover, the list, PDF/A.

Memory stays flat in the number of rows: rows are streamed twice (a first pass lays out the
pages to learn the page count, the second draws them), at most one page of rows is held at a
time, each finished page's content stream is compressed at once, and the QR code is one form
XObject that every page references. What grows is the compressed PDF itself, which reportlab
assembles in memory before writing it to ``out``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import BinaryIO

from flask_babel import gettext, ngettext
from reportlab.lib.pagesizes import A4
from reportlab.platypus.doctemplate import LayoutError

from petitions.bundles.archival import ArchivalCanvas, make_archival
from petitions.bundles.pdf.contents import BundleHeader, BundleMismatch, BundleRow
from petitions.bundles.pdf.cover import count_cover_pages, cover_story, flow_cover
from petitions.bundles.pdf.drawing import end_page
from petitions.bundles.pdf.fonts import FontSet
from petitions.bundles.pdf.furniture import (
    Furniture,
    define_qr_form,
    draw_furniture,
    furniture_for,
)
from petitions.bundles.pdf.language import languages_of
from petitions.bundles.pdf.shaping import clean
from petitions.bundles.pdf.table import draw_table_page, paginate

_HEX64 = re.compile("[0-9a-fA-F]{64}")

_CHANGED = "the rows changed between the two passes over rows()"


def _check_header(header: BundleHeader) -> None:
    if not _HEX64.fullmatch(header.fingerprint):
        raise ValueError("fingerprint must be 64 hexadecimal digits (a SHA-256)")
    if not header.verify_url.startswith(("https://", "http://")):
        raise ValueError("verify_url must be an absolute http(s) URL")


def _lay_out(
    fonts: FontSet, header: BundleHeader, rows: Callable[[], Iterator[BundleRow]]
) -> list[int]:
    """Pass 1: the number of rows on each page of the list; only that survives it."""
    page_sizes: list[int] = []
    row_count = 0
    for laid_out in paginate(fonts, rows()):
        page_sizes.append(len(laid_out))
        row_count = laid_out[-1].number
    if row_count != header.signature_count:
        raise BundleMismatch(
            f"the header says {header.signature_count} signatures, the rows are {row_count}"
        )
    return page_sizes


def _archival_canvas(out: BinaryIO, fonts: FontSet, header: BundleHeader) -> ArchivalCanvas:
    """A canvas for PDF/A-2b, with the bundle's metadata and its QR code defined."""
    language, petition_language = languages_of(header)
    # /Lang is the language of the bundle's words; the petition's, when it was not translated
    # into it, is the second in the XMP's dc:language (an untagged PDF marks no passage).
    canvas = ArchivalCanvas(
        out, initial_font=fonts.regular.name, pagesize=A4, pageCompression=1, lang=language
    )
    make_archival(
        canvas,
        title=gettext("%(title)s: signatures", title=clean(header.petition_title)),
        author=clean(header.author),
        subject=ngettext(
            "%(num)s signature, fingerprint %(fingerprint)s",
            "%(num)s signatures, fingerprint %(fingerprint)s",
            header.signature_count,
            fingerprint=header.fingerprint,
        ),
        created=header.generated_at,
        languages=tuple(dict.fromkeys((language, petition_language))),
    )
    define_qr_form(canvas, header.verify_url, fonts.regular.name)
    return canvas


def _draw_list(
    canvas: ArchivalCanvas,
    furniture: Furniture,
    rows: Iterator[BundleRow],
    page_sizes: list[int],
    row_count: int,
    progress: Callable[[int], None] | None,
) -> None:
    """Pass 2: draw the signature list, checking it against pass 1 page by page."""
    if progress is not None:
        progress(0)
    drawn = 0
    number = furniture.total - len(page_sizes)  # the cover's last page
    for index, table_page in enumerate(paginate(furniture.fonts, rows)):
        if index >= len(page_sizes) or len(table_page) != page_sizes[index]:
            raise BundleMismatch(_CHANGED)
        number += 1
        draw_table_page(canvas, furniture.fonts, table_page, row_count)
        draw_furniture(canvas, furniture, number)
        end_page(canvas)
        drawn = table_page[-1].number
        if progress is not None:
            progress(drawn)
    if number != furniture.total or drawn != row_count:
        raise BundleMismatch(_CHANGED)


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
    _check_header(header)
    page_sizes = _lay_out(fonts, header, rows)
    cover_pages = count_cover_pages(fonts, header, len(page_sizes))
    furniture = furniture_for(fonts, header, cover_pages + len(page_sizes))
    canvas = _archival_canvas(out, fonts, header)

    story = cover_story(fonts, header, furniture.total, cover_pages)
    drawn_cover = flow_cover(canvas, story, lambda page: draw_furniture(canvas, furniture, page))
    if drawn_cover != cover_pages:
        raise LayoutError("the cover letter did not lay out the same way twice")
    _draw_list(canvas, furniture, rows(), page_sizes, header.signature_count, progress)
    canvas.save()
    return furniture.total
