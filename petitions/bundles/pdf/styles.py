"""The paragraph styles of the cover letter, in the bundle's own fonts."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from petitions.bundles.pdf.fonts import FontSet
from petitions.bundles.pdf.geometry import INK, MUTED


@dataclass(frozen=True)
class Styles:
    """One paragraph style per part of the cover letter."""

    body: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    recipient: ParagraphStyle
    date: ParagraphStyle
    label: ParagraphStyle


def _bold(
    name: str, fonts: FontSet, body: ParagraphStyle, *, size: float, leading: float, before: float
) -> ParagraphStyle:
    """A bold style for titles and headings, a little space above and below."""
    return ParagraphStyle(
        name,
        parent=body,
        fontName=fonts.bold.name,
        fontSize=size,
        leading=leading,
        spaceBefore=before,
        spaceAfter=4,
    )


def styles(fonts: FontSet) -> Styles:
    """The cover letter's styles; every one names an embedded font (PDF/A)."""
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
    return Styles(
        body=body,
        small=ParagraphStyle("bundle-small", parent=body, fontSize=8.5, leading=11.5),
        title=_bold("bundle-title", fonts, body, size=16, leading=20, before=4),
        heading=_bold("bundle-heading", fonts, body, size=11.5, leading=15, before=6),
        recipient=ParagraphStyle("bundle-recipient", parent=body, fontSize=11, leading=15),
        date=ParagraphStyle("bundle-date", parent=body, alignment=TA_RIGHT),
        label=ParagraphStyle(
            "bundle-label", parent=body, fontSize=8.5, leading=11.5, textColor=MUTED
        ),
    )
