"""The cover letter: recipient, date, the petition from Markdown, a summary and how to verify.

The letter names the recipient and their address, the date, the petition's title and text, the
number of signatures and whose they are, the prisoner, a summary (fingerprint, verify link,
page count) and how a clerk checks the bundle. It is flowed by our own loop, not a DocTemplate,
so that it shares one canvas with the signature list.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from flask_babel import gettext, ngettext
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, HRFlowable, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from petitions.bundles.pdf.contents import BundleHeader
from petitions.bundles.pdf.drawing import end_page
from petitions.bundles.pdf.fonts import UNPRINTABLE_MARKER, FontSet
from petitions.bundles.pdf.furniture import QrFlowable
from petitions.bundles.pdf.geometry import BODY_BOTTOM, BODY_TOP, CONTENT_WIDTH, MARGIN_X, RULE
from petitions.bundles.pdf.language import language_name, languages_of, long_date, number
from petitions.bundles.pdf.lines import link, markup, sentence
from petitions.bundles.pdf.markdown import markdown_flowables
from petitions.bundles.pdf.styles import styles

#: The summary's and the verify box's first column.
_LABEL_WIDTH = 38 * mm


def _rule() -> HRFlowable:
    return HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=2, spaceAfter=8)


def _two_columns(
    fonts: FontSet,
    rows: Sequence[list[Flowable]],
    *,
    valign: str,
    left: float,
    padding: float,
    box: bool = False,
) -> Table:
    """A table of a narrow first column (labels, the QR code) and a wide one, left-aligned."""
    table = Table(rows, colWidths=[_LABEL_WIDTH, CONTENT_WIDTH - _LABEL_WIDTH], hAlign="LEFT")
    everywhere = ((0, 0), (-1, -1))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", *everywhere, valign),
                # Tables set their font before each cell, Helvetica unless told: not embedded.
                ("FONTNAME", *everywhere, fonts.family),
                *([("BOX", *everywhere, 0.5, RULE)] if box else []),
                ("LEFTPADDING", *everywhere, left),
                ("TOPPADDING", *everywhere, padding),
                ("BOTTOMPADDING", *everywhere, padding),
            ]
        )
    )
    return table


class _Cover:
    """The cover letter's parts for one bundle, as markup in its fonts and its language."""

    def __init__(self, fonts: FontSet, header: BundleHeader) -> None:
        self.fonts = fonts
        self.header = header
        self.style = styles(fonts)
        count = header.signature_count
        self.count = count
        self.signatures = fonts.markup(
            ngettext("%(count)s signature", "%(count)s signatures", count, count=number(count))
        )
        self.prisoner = markup(fonts, header.prisoner_name)
        self.countries = ", ".join(markup(fonts, c) for c in header.countries)

    def signers(self) -> str:
        """Whose signatures these are, within a sentence: "signers from Belarus, Lithuania"."""
        if not self.countries:
            return sentence(self.fonts, gettext("signers from all countries"))
        return sentence(self.fonts, gettext("signers from %(countries)s"), countries=self.countries)

    def signers_fact(self) -> str:
        """The same as a fact of its own in the summary: "Signers from Belarus, Lithuania"."""
        if not self.countries:
            return sentence(self.fonts, gettext("Signers from all countries"))
        return sentence(self.fonts, gettext("Signers from %(countries)s"), countries=self.countries)

    def letter(self) -> list[Flowable]:
        """The letter itself: to whom, when, about whom, and the petition's text."""
        fonts, header, style = self.fonts, self.header, self.style
        address = "<br/>".join(
            markup(fonts, line) for line in header.recipient_address.splitlines() if line.strip()
        )
        story: list[Flowable] = [
            Paragraph(f"<b>{markup(fonts, header.recipient_name)}</b>", style.recipient),
        ]
        if address:
            story.append(Paragraph(address, style.recipient))
        concerning = gettext("Concerning %(prisoner)s")
        delivers = gettext(
            "This bundle delivers the petition below with %(signatures)s (%(signers)s). "
            "The signatures are listed after this letter, numbered from 1 to %(last)s."
        )
        return [
            *story,
            Spacer(1, 6 * mm),
            Paragraph(fonts.markup(long_date(header.generated_at)), style.date),
            Spacer(1, 6 * mm),
            Paragraph(markup(fonts, header.petition_title), style.title),
            Paragraph(
                sentence(fonts, concerning, prisoner=f"<b>{self.prisoner}</b>"), style.recipient
            ),
            Spacer(1, 3 * mm),
            Paragraph(
                sentence(
                    fonts,
                    delivers,
                    signatures=f"<b>{self.signatures}</b>",
                    signers=self.signers(),
                    last=fonts.markup(number(self.count)),
                ),
                style.body,
            ),
            _rule(),
            *self.untranslated(),
            *markdown_flowables(fonts, style, header.petition_text),
            _rule(),
        ]

    def untranslated(self) -> list[Flowable]:
        """Say, before the petition's text, that it is printed as written, if not translated.

        A cover in one language over a petition in another must not pass the text off as
        written for this recipient; the sentence names the text's language (in the letter's)
        so a clerk knows what they hold.
        """
        language, petition_language = languages_of(self.header)
        if petition_language == language:
            return []
        said = gettext(
            "Language of the petition below: %(language)s, as it was written. It has not been "
            "translated into the language of this letter."
        )
        name = language_name(petition_language)
        return [
            Paragraph(
                sentence(self.fonts, said, language=markup(self.fonts, name)), self.style.small
            )
        ]

    def summary(self, total_pages: int, cover_pages: int) -> Table:
        """The facts a clerk files: count, signers, prisoner, pages, fingerprint, link."""
        fonts, header, style = self.fonts, self.header, self.style
        generated = header.generated_at.strftime("%Y-%m-%d %H:%M UTC")
        pages = gettext(
            "%(total)s: this letter (%(letter)s), the signature list (%(list)s)",
            total=number(total_pages),
            letter=number(cover_pages),
            list=number(total_pages - cover_pages),
        )
        counted = self.signatures
        if header.origins:
            counted = f"{counted} ({markup(fonts, header.origins)})"
        facts = [
            (gettext("Signatures"), counted),
            (gettext("Signers"), self.signers_fact()),
            (gettext("Prisoner"), self.prisoner),
            (gettext("Pages"), fonts.markup(pages)),
            (gettext("Printed in"), markup(fonts, language_name(languages_of(header)[0]))),
            (gettext("Generated"), generated),
            (gettext("Fingerprint (SHA-256)"), header.fingerprint),
            (gettext("Verify online"), link(fonts, header.verify_url)),
            (gettext("Printed by"), markup(fonts, header.author)),
        ]
        if header.set_aside:
            facts.insert(1, (gettext("Set aside, not printed"), markup(fonts, header.set_aside)))
        rows: list[list[Flowable]] = [
            [Paragraph(sentence(fonts, label), style.label), Paragraph(value, style.small)]
            for label, value in facts
        ]
        return _two_columns(fonts, rows, valign="TOP", left=0, padding=1.5)

    def how_to_verify(self, total_pages: int) -> Table:
        """The QR code beside how to check the bundle, one page or all of it."""
        fonts = self.fonts
        heading = sentence(fonts, gettext("How to check this bundle."))
        how = gettext(
            "Scan the code or open the link above: it shows the petition, the number of "
            "signatures and the fingerprint recorded when this bundle was generated. Every "
            'page carries the same fingerprint at its foot and is numbered "%(page)s", so a '
            "single page can be checked on its own. Dates are the days the signatures were "
            "given (UTC). Characters that the installed fonts cannot print appear as "
            "%(marker)s. Signers' contact details are never printed."
        )
        page = gettext("Page %(number)s of %(total)s", number="X", total=number(total_pages))
        explanation = Paragraph(
            f"<b>{heading}</b> "
            + sentence(
                fonts,
                how,
                page=fonts.markup(page),
                marker=fonts.markup(gettext(UNPRINTABLE_MARKER)),
            ),
            self.style.small,
        )
        rows = [[QrFlowable(32 * mm), explanation]]
        return _two_columns(fonts, rows, valign="MIDDLE", left=6, padding=6, box=True)


def cover_story(
    fonts: FontSet, header: BundleHeader, total_pages: int, cover_pages: int
) -> list[Flowable]:
    """The cover letter's flowables, for a bundle of ``total_pages`` pages in all."""
    cover = _Cover(fonts, header)
    return [
        *cover.letter(),
        cover.summary(total_pages, cover_pages),
        Spacer(1, 5 * mm),
        cover.how_to_verify(total_pages),
    ]


def _fill_page(frame: Frame, canvas: Canvas, story: list[Flowable]) -> None:
    """Add flowables from the head of ``story`` to ``frame`` until it is full (story shrinks).

    Each flowable is added whole, or split across the page end, or left for the next page.
    """
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
        return


def flow_cover(canvas: Canvas, story: list[Flowable], on_page: Callable[[int], None]) -> int:
    """Flow the cover letter onto pages of ``canvas``; return how many pages it took.

    Our own loop instead of a DocTemplate, so the cover and the table pages share one canvas.
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
        _fill_page(frame, canvas, story)
        on_page(pages)
        end_page(canvas)
    return pages


def count_cover_pages(fonts: FontSet, header: BundleHeader, table_pages: int) -> int:
    """Lay the cover out on a scratch canvas until its page count is stable.

    The cover states the total page count, and the digits it takes could, in theory, push a
    line onto another page; two or three rounds settle it.
    """
    cover_pages = 1
    for _ in range(4):
        scratch = Canvas(io.BytesIO(), pagesize=A4)
        story = cover_story(fonts, header, table_pages + cover_pages, cover_pages)
        counted = flow_cover(scratch, story, lambda _page: None)
        if counted == cover_pages:
            return counted
        cover_pages = counted
    return cover_pages
