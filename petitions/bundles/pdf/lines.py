"""Text made printable in the bundle's fonts, and broken into lines that fit.

Every string a bundle prints passes :func:`prepare` (cleaned, Arabic-shaped, with characters no
font has replaced by the unprintable marker) while still in logical order; lines are broken
then (:func:`wrap`), and each line put in visual order only when it is drawn.
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

from petitions.bundles.pdf import shaping
from petitions.bundles.pdf.fonts import FontSet


def prepare(fonts: FontSet, text: str, keep_newlines: bool = False) -> str:
    """Cleaned, Arabic-shaped, printable text, still in logical order."""
    text = shaping.clean(text, keep_newlines)
    if shaping.ARABIC.search(text):
        shaped = shaping.reshape(text)
        text = text.translate(shaping.JOINERS)
        # Presentation forms a font lacks would become markers while the plain letters print:
        # then the plain letters, unjoined, are the more readable choice.
        if fonts.printable(shaped) == shaped or fonts.printable(text) != text:
            text = shaped
    elif "\u200c" in text or "\u200d" in text:
        text = text.translate(shaping.JOINERS)
    return fonts.printable(text)


def one_line(fonts: FontSet, text: str) -> str:
    """A text prepared for a single line of a running header, still in logical order."""
    return " ".join(prepare(fonts, text).split())


def wrap(fonts: FontSet, text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Break logical ``text`` into lines no wider than ``width``; nothing is dropped.

    Lines break at spaces; a word wider than the line (a URL, a run of CJK) breaks between
    characters, never between a letter and its combining marks. Newlines start a new line.
    """
    if not text:
        return []
    if "\n" not in text and fonts.width(text, size, bold) <= width:
        return [text]
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(fonts, paragraph, width, size, bold))
    return lines


def _wrap_paragraph(
    fonts: FontSet, paragraph: str, width: float, size: float, bold: bool
) -> list[str]:
    lines: list[str] = []
    space = fonts.width(" ", size, bold)
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


def ellipsize(fonts: FontSet, text: str, width: float, size: float, bold: bool = False) -> str:
    """``text`` shortened with "…" to fit one line (for running headers only)."""
    if fonts.width(text, size, bold) <= width:
        return text
    while text and fonts.width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def markup(fonts: FontSet, text: str) -> str:
    """Plain text as paragraph markup: shaped, reordered if right-to-left, fallback fonts."""
    text = prepare(fonts, text)
    return fonts.markup(shaping.visual(text, shaping.base_direction(text)))


def sentence(fonts: FontSet, template: str, **values: str) -> str:
    """A translated ``template`` as paragraph markup, with ``values`` (markup already) put in.

    The template's own characters are escaped and set in the bundle's fonts first, and its
    ``%(name)s`` placeholders filled afterwards, so the markup in ``values`` (bold, links)
    stays markup. Pass the template untranslated-and-unformatted from ``gettext(msgid)``.
    """
    return fonts.markup(template) % values


def link(fonts: FontSet, url: str) -> str:
    """A URL as paragraph markup that is also a clickable link."""
    return f'<a href="{escape(url, {chr(34): "&quot;"})}">{markup(fonts, url)}</a>'
