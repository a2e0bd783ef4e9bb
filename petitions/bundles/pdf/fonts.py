"""Which TrueType face draws which character of a bundle, and how wide text is in them.

reportlab's built-in PDF fonts cover Latin-1 only; a bundle of signatures from all over the world
needs TrueType fonts, which reportlab subsets and embeds. A :class:`FontSet` is loaded once per
process (:func:`~petitions.bundles.pdf.font_files.load_fonts`) and then shared by every rendering.

**Per-character fallback**: text is split into runs; each character is drawn with the first face
that has a glyph for it (in the font's ``cmap``): the requested primary face, the primary regular
face, then the fallbacks. Characters that no face has are never drawn as a box:
:meth:`FontSet.printable` replaces each stretch of them with :data:`UNPRINTABLE_MARKER`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from itertools import repeat
from xml.sax.saxutils import escape

from flask_babel import gettext

from petitions.bundles.pdf.language import N_
from petitions.bundles.pdf.shaping import advance, needs_shaping

#: What replaces a stretch of characters that no configured font can draw. Readable, visibly
#: not part of the name, and extractable as text, unlike the empty box a missing glyph prints.
#: Printed in the bundle's language; this is its English text.
UNPRINTABLE_MARKER = N_("[unprintable characters]")


@dataclass(frozen=True, eq=False)
class FontFace:
    """One registered TrueType face and the characters it has glyphs for."""

    name: str  # the name registered with reportlab's pdfmetrics
    path: str
    subfont_index: int
    chars: frozenset[str] = field(repr=False)
    # Advance widths in thousandths of an em, by character.
    widths: dict[str, float] = field(repr=False)

    def width(self, text: str, size: float) -> float:
        """Width in points of ``text`` drawn in this face at ``size`` (half an em if unknown).

        Complex scripts are measured as HarfBuzz shapes them, which is how they are drawn.
        """
        if needs_shaping(text):
            shaped_width = advance(self.name, text, size)
            if shaped_width is not None:
                return shaped_width
        return sum(map(self.widths.get, text, repeat(500.0))) * size / 1000.0


def _face_for(ch: str, current: FontFace | None, chain: tuple[FontFace, ...]) -> FontFace:
    """The face that draws ``ch``: the current run's for a space or mark it has, else the
    first in ``chain`` that has it, else the first of ``chain``."""
    if current is not None and ch in current.chars and (ch.isspace() or unicodedata.combining(ch)):
        return current
    return next((face for face in chain if ch in face.chars), chain[0])


@dataclass(frozen=True, eq=False)
class FontSet:
    """The faces a bundle is printed with: a primary family and fallbacks, registered."""

    regular: FontFace
    bold: FontFace
    italic: FontFace
    bold_italic: FontFace
    fallbacks: tuple[FontFace, ...]
    # Every character some face can draw.
    _all_chars: frozenset[str] = field(repr=False)

    @property
    def family(self) -> str:
        """The font name to give platypus styles; <b> and <i> map to the other faces."""
        return self.regular.name

    def printable(self, text: str) -> str:
        """Return ``text`` with every stretch of characters no face can draw replaced.

        Such a stretch, with the spaces inside it, becomes one :data:`UNPRINTABLE_MARKER`, so a
        name in a script no installed font covers prints as the marker, never as empty boxes.
        Whitespace is kept (spaces are in every face).
        """
        known = self._all_chars
        if known.issuperset(text):
            return text
        marker = gettext(UNPRINTABLE_MARKER)
        out: list[str] = []
        index = 0
        while index < len(text):
            ch = text[index]
            if ch in known:
                out.append(ch)
                index += 1
            elif unicodedata.combining(ch) and out:
                # A combining mark none of the fonts has, on a base that prints: dropping it
                # keeps the letter readable.
                index += 1
            else:
                out.append(marker)
                index = self._gap_end(text, index)
        return "".join(out)

    def _gap_end(self, text: str, index: int) -> int:
        """Where the stretch of unprintable characters starting at ``index`` ends.

        The spaces between two unprintable characters belong to the stretch; spaces after it
        do not.
        """
        known = self._all_chars
        end = index
        while True:
            while end < len(text) and text[end] not in known:
                end += 1
            after = end
            while after < len(text) and text[after] in known and text[after].isspace():
                after += 1
            if after == end or after == len(text) or text[after] in known:
                return end
            end = after

    def runs(self, text: str, bold: bool = False) -> list[tuple[FontFace, str]]:
        """Split ``text`` into (face, substring) runs, choosing a face per character.

        The first face with a glyph wins: the requested primary face, the regular primary face,
        then the fallbacks in order. Spaces and combining marks stay in the current run when its
        face has them, so a letter and its accent come from the same font. Characters no face has
        go to the primary face; call :meth:`printable` first to avoid them.
        """
        first = self.bold if bold else self.regular
        if first.chars.issuperset(text):
            return [(first, text)] if text else []
        chain = (first, self.regular, *self.fallbacks)
        result: list[tuple[FontFace, str]] = []
        current: FontFace | None = None
        start = 0
        for index, ch in enumerate(text):
            face = _face_for(ch, current, chain)
            if face is not current:
                if current is not None:
                    result.append((current, text[start:index]))
                current, start = face, index
        if current is not None:
            result.append((current, text[start:]))
        return result

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Width in points of printable ``text`` at ``size``, fallback faces included."""
        first = self.bold if bold else self.regular
        if first.chars.issuperset(text):
            return first.width(text, size)
        return sum(face.width(part, size) for face, part in self.runs(text, bold))

    def markup(self, text: str) -> str:
        """Escape ``text`` for a platypus Paragraph, wrapping fallback runs in <font> tags."""
        text = self.printable(text)
        if self.regular.chars.issuperset(text):
            return escape(text)
        parts = []
        for face, part in self.runs(text):
            if face is self.regular:
                parts.append(escape(part))
            else:
                parts.append(f'<font face="{face.name}">{escape(part)}</font>')
        return "".join(parts)
