"""Text shaping and direction: what turns typed text into glyphs that print and extract right.

Text keeps its characters: :func:`clean` drops only what prints nothing, Arabic is shaped with
arabic-reshaper (:func:`reshape`) and right-to-left lines are reordered with python-bidi
(:func:`visual`), line by line after wrapping.

The table is drawn on reportlab's low-level canvas, which places one glyph per character. That
is right for Latin, Cyrillic or CJK and wrong for Indic and other complex scripts: in अनिल the
vowel sign ि is typed after न but printed before it, and conjuncts such as ल्ल in दिल्ली are
one glyph. :func:`shaped` runs HarfBuzz (uharfbuzz, through reportlab's ``shapeStr``) over such a
string once per font and string (cached: names and cities repeat across thousands of rows), and
the canvas draws the glyph run HarfBuzz chose, with its advances and mark offsets.

Shaped glyphs copy out of the PDF as something other than what the signer typed: the vowel
sign before its consonant, conjuncts as glyphs without a character. :func:`actual_text` gives
such a line as typed; the drawing wraps its glyphs in a marked-content span whose
``/ActualText`` is that text, which PDF readers (poppler, Acrobat, pdf.js) return on copy,
search and extraction instead of the glyphs.

Right-to-left lines are different: every reader expects their glyphs in visual order and puts
the characters back into logical order itself, by position (an ActualText in logical order
would come out reversed). What goes wrong there is the Arabic presentation forms the reshaper
draws: :class:`ExtractableTTFont` writes a ToUnicode map that sends each presentation form
back to the letters it stands for, so a clerk searching for محمد finds it.

Arabic keeps its own shaping (arabic-reshaper, :func:`reshape`) and is not passed to HarfBuzz:
its lines arrive already in visual order, which HarfBuzz would reverse a second time.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import arabic_reshaper  # type: ignore[import-untyped]
from bidi import get_base_level, get_display  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, shapeStr

#: Scripts whose glyphs are reordered, stacked or joined by the font's shaping rules: Indic
#: (Devanagari … Malayalam, Sinhala), Thai, Lao, Tibetan, Myanmar, Khmer, Mongolian, Balinese,
#: and others in the same blocks. Hebrew points and Latin accents are positioned well enough by
#: the precomposed characters NFC gives them.
_COMPLEX = re.compile(
    "[\u0900-\u0dff\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u18af\u1a00-\u1aff"
    "\u1b00-\u1bff\ua800-\ua82f\ua8e0-\ua8ff\ua980-\ua9df\uaa00-\uaa7f\U00011000-\U000111ff]"
)

#: Right-to-left letters: readers reorder their glyphs themselves (see the module docstring).
_RTL = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]"
)
_PRESENTATION_FORMS = range(0xFB1D, 0xFF00)

#: Arabic letters, which join to their neighbours (arabic-reshaper picks the joined forms).
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
#: Zero-width (non-)joiners: kept until Arabic shaping has used them, then dropped.
JOINERS = str.maketrans("", "", "\u200c\u200d")

# Mandatory lam-alef ligatures only: the "Allah" ligature is in few fonts and prints tiny.
_reshaper = arabic_reshaper.ArabicReshaper(configuration={"ARABIC LIGATURE ALLAH": False})

# A word with Arabic letters in it: letters join only within a word, so words shape alone.
_ARABIC_WORD = re.compile("\\S*[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]\\S*")


@functools.lru_cache(maxsize=8192)
def _reshape_word(word: str) -> str:
    return str(_reshaper.reshape(word)).translate(JOINERS)


def reshape(text: str) -> str:
    """Arabic letters in their joined presentation forms.

    Word by word, each cached: the reshaper costs a third of a millisecond a call, and names,
    cities and words repeat across thousands of rows.
    """
    return _ARABIC_WORD.sub(lambda match: _reshape_word(match.group()), text)


def _cleaned_char(ch: str, keep_newlines: bool) -> str:
    if ch == "\n" and keep_newlines:
        return ch
    if ch.isspace():
        return " "
    if ch in "\u200c\u200d":
        return ch
    if unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
        return ""
    return ch


def clean(text: str, keep_newlines: bool = False) -> str:
    """NFC-normalise; drop control and format characters; other whitespace becomes a space.

    Format characters (bidi controls, zero-width joiners, soft hyphens) print nothing and are in
    few fonts; dropping them keeps them from turning into the unprintable marker. Joiners stay
    until Arabic shaping has used them.
    """
    text = unicodedata.normalize("NFC", text)
    if text.isprintable():
        return text
    return "".join(_cleaned_char(ch, keep_newlines) for ch in text)


def visual(line: str, rtl_base: bool | None) -> str:
    """The line in visual order (python-bidi); untouched when it has no right-to-left text."""
    if rtl_base is None or not _RTL.search(line):
        return line
    return str(get_display(line, base_dir="R" if rtl_base else "L"))


def base_direction(text: str) -> bool | None:
    """None for text without right-to-left characters, else whether its paragraph is RTL."""
    if not _RTL.search(text):
        return None
    return bool(get_base_level(text) == 1)


def needs_shaping(text: str) -> bool:
    """Whether ``text`` has characters whose glyphs only HarfBuzz places right."""
    # Called for every word measured and every run drawn: most are ASCII, decided at C speed.
    return not text.isascii() and _COMPLEX.search(text) is not None


@functools.lru_cache(maxsize=16384)
def shaped(font_name: str, text: str) -> str:
    """``text`` as the glyph run HarfBuzz shapes it in a registered TrueType font.

    Returns a reportlab ``ShapedStr`` (a ``str`` carrying glyph positions, which
    ``PDFTextObject.textOut`` draws glyph by glyph), or ``text`` itself when shaping changes
    nothing. The positions are in thousandths of an em, so one result serves every size.
    """
    result: str = shapeStr(text, font_name, 10.0)
    return result


def advance(font_name: str, text: str, size: float) -> float | None:
    """Width in points of the shaped ``text`` at ``size``; None when shaping changed nothing."""
    run = shaped(font_name, text)
    data: list[Any] | None = getattr(run, "__shapeData__", None)
    if data is None:
        return None
    return float(sum(glyph.x_advance for glyph in data)) * size / 1000.0


def actual_text(line: str) -> str | None:
    """What a line (logical order) should extract as, if its glyphs would not; else None."""
    if not needs_shaping(line) or _RTL.search(line) is not None:
        return None
    return line


def begin_actual_text(text: str) -> str:
    """The content-stream operator opening a span that extracts as ``text`` (close: EMC)."""
    return f"/Span <</ActualText <FEFF{text.encode('utf-16-be').hex().upper()}>>> BDC"


END_ACTUAL_TEXT = "EMC"


def _unicode_hex(codepoint: int) -> str:
    """A character's ToUnicode target: presentation forms as the letters they stand for."""
    char = chr(codepoint)
    if codepoint in _PRESENTATION_FORMS:
        # A ligature (lam-alef) stands for two letters. Readers reverse a right-to-left run's
        # characters into logical order, these two with them, so they are listed in visual
        # order, as if they were two glyphs.
        clusters: list[str] = []
        for letter in unicodedata.normalize("NFKC", char):
            if clusters and unicodedata.combining(letter):
                clusters[-1] += letter  # a mark stays after its letter
            else:
                clusters.append(letter)
        char = "".join(reversed(clusters))
    return char.encode("utf-16-be").hex().upper()


def to_unicode_cmap(font_name: str, subset: list[int]) -> str:
    """A ToUnicode CMap for one 256-code subset of a font, as reportlab's but with
    presentation forms mapped to their letters and characters beyond the BMP as UTF-16."""
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            f"/CIDSystemInfo << /Registry ({font_name}) /Ordering ({font_name})",
            "/Supplement 0 >> def",
            f"/CMapName /{font_name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *(f"<{code:02X}> <{_unicode_hex(cp)}>" for code, cp in enumerate(subset)),
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


class ExtractableTTFont(TTFont):
    """A TrueType font whose subsets extract presentation forms as the letters typed."""

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - reportlab's name
        # reportlab builds the subsets' ToUnicode streams and then forgets the subsets: note
        # them first, then rewrite each stream (registered under its subset's font name).
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        super().addObjects(doc)
        for number, subset in enumerate(subsets):
            base = b"".join((SUBSETN(number), b"+", self.face.name, self.face.subfontNameX))
            base_name = base.decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base_name)
            if stream is not None:
                stream.content = to_unicode_cmap(base_name, subset)
