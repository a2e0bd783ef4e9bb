"""Where things sit on an A4 page, the colours they are drawn in, and the table's columns."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from petitions.bundles.pdf.language import N_

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
class Column:
    """A column of the signature table."""

    title: str  # English; printed translated
    width: float
    right: bool = False  # numbers align right


NUMBER, NAME, CITY, COUNTRY, DATE, COMMENT = range(6)
COLUMNS = (
    Column(N_("No."), 40, right=True),
    Column(N_("Name"), 116),
    Column(N_("City"), 78),
    Column(N_("Country"), 74),
    Column(N_("Signed"), 52),
    Column(N_("Comment"), 0),  # the rest of the width
)
WIDTHS = [c.width for c in COLUMNS[:-1]] + [CONTENT_WIDTH - sum(c.width for c in COLUMNS)]
LEFTS = [MARGIN_X + sum(WIDTHS[:i]) for i in range(len(WIDTHS))]
TEXT_WIDTHS = [w - 2 * CELL_PAD_X for w in WIDTHS]
