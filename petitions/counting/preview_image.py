"""The link preview image of a petition: a 1200×630 PNG with the portrait, the title and the count.

Pure drawing (Pillow): no database and no Flask. The caller (counting/previews.py) says what to
draw in a :class:`PreviewContent` and keeps the result; drawing one takes tens of milliseconds.

The layout is computed first (:func:`layout`) as boxes in pixels, then drawn (:func:`render`),
so the boxes a test checks are the ones drawn. The title is wrapped at word boundaries and
shrunk until it fits its area; at the smallest size a title that still does not fit is cut
after the last line that does, with an ellipsis.

Fonts are those of petitions/font_discovery.py (DejaVu Sans and fallbacks, or PDF_FONTS), the
same bundles print with. A text is drawn in the first face that has every one of its characters
(DejaVu Sans for Latin and Cyrillic, FreeSans for Devanagari, WenQuanYi for Chinese, …).
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError
from reportlab.pdfbase.ttfonts import TTFError, TTFontFile

from petitions.font_discovery import FontsMissing, discover

WIDTH, HEIGHT = 1200, 630

#: Colours, chosen for contrast on the dark background (WCAG ratios: white 15.9:1, the count's
#: yellow 11.5:1, the site name's grey 11.1:1): a preview is often seen small, on a phone.
BACKGROUND = (20, 33, 61)
TITLE_COLOUR = (255, 255, 255)
COUNT_COLOUR = (255, 209, 102)
SITE_COLOUR = (208, 214, 226)
ACCENT = COUNT_COLOUR

MARGIN = 60
#: The portrait's strip at the right-hand side, full height.
PORTRAIT_WIDTH = 450
SITE_SIZE = 30
#: Count sizes tried, largest first, until the count fits on one line.
COUNT_SIZES = tuple(range(46, 29, -2))
#: Title sizes tried, largest first, until the wrapped title fits its area.
TITLE_SIZES = tuple(range(76, 31, -4))
LINE_SPACING = 1.18
ELLIPSIS = "…"


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left and top inclusive, right and bottom exclusive."""

    left: int
    top: int
    right: int
    bottom: int

    def contains(self, other: Box) -> bool:
        """Tell whether ``other`` lies wholly inside this box."""
        return (
            self.left <= other.left
            and self.top <= other.top
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


@dataclass(frozen=True)
class PreviewContent:
    """What a preview image shows, each text already in the image's language."""

    title: str
    #: "12,345 signatures", as the reader's language says it.
    count: str
    #: The organization or site, named at the top.
    site: str
    #: The portrait as uploaded (re-encoded JPEG, PNG or WebP), or None for the plain design.
    portrait: bytes | None = None


@dataclass(frozen=True, eq=False)
class PreviewFace:
    """A font file found by font_discovery, drawn with Pillow."""

    path: str
    index: int

    @functools.cached_property
    def chars(self) -> frozenset[str]:
        """The characters the face has glyphs for (read once, when first needed).

        Pillow does not expose a font's character map; reportlab's TrueType parser (there for
        the bundles) reads it. A face it cannot parse (CFF outlines) claims no character, so it
        is used only as the primary face.
        """
        try:
            parsed = TTFontFile(self.path, subfontIndex=self.index)
        except (TTFError, OSError, ValueError, IndexError):
            return frozenset()
        return frozenset(chr(code) for code, glyph in parsed.charToGlyph.items() if glyph)

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        """The face at ``size`` pixels (kept per process: loading a face costs a file read)."""
        return _font(self.path, self.index, size)


@functools.lru_cache(maxsize=64)
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


@dataclass(frozen=True, eq=False)
class PreviewFonts:
    """The primary family's regular and bold faces, and the fallbacks in order."""

    regular: PreviewFace
    bold: PreviewFace
    fallbacks: tuple[PreviewFace, ...] = field(default=())

    def face_for(self, text: str, bold: bool = False) -> PreviewFace:
        """The first face with every character of ``text``; the primary one if none has."""
        first = self.bold if bold else self.regular
        needed = set(text) - {" "}
        for face in (first, self.regular, *self.fallbacks):
            if needed <= face.chars:
                return face
        return first


def _load(path: str, index: int) -> PreviewFace:
    if not Path(path).is_file():
        raise FontsMissing(f"{path}: no such file")
    try:
        _font(path, index, 20)
    except OSError as error:
        raise FontsMissing(f"{path}#{index}: not a usable font ({error})") from error
    return PreviewFace(path, index)


@functools.cache
def load_preview_fonts(paths: tuple[str, ...] = ()) -> PreviewFonts:
    """Find the fonts (font_discovery; ``paths`` empty: default discovery), once per process.

    :raises FontsMissing: naming the package to install when no usable font is found.
    """
    found = discover(list(paths) or None, _load)
    regular = found.faces["regular"]
    return PreviewFonts(regular, found.faces.get("bold", regular), found.fallbacks)


@dataclass(frozen=True)
class Line:
    """One line of text, where it is drawn (its origin, the top-left of its ascender) and the
    box its ink covers."""

    text: str
    face: PreviewFace
    size: int
    origin: tuple[int, int]
    box: Box


@dataclass(frozen=True)
class Layout:
    """Where everything goes: the area text must stay in, and each line's box."""

    text_area: Box
    portrait: Box | None
    site: Line
    title: tuple[Line, ...]
    count: Line
    #: The title's size in pixels, after shrinking.
    title_size: int
    #: True when even the smallest size could not hold the whole title (it ends in "…").
    cut: bool


def _line(text: str, face: PreviewFace, size: int, x: int, y: int) -> Line:
    left, top, right, bottom = (round(edge) for edge in face.font(size).getbbox(text, anchor="la"))
    return Line(text, face, size, (x, y), Box(x + left, y + top, x + right, y + bottom))


def _width(text: str, face: PreviewFace, size: int) -> float:
    return face.font(size).getlength(text)


def _break_word(word: str, face: PreviewFace, size: int, width: int) -> list[str]:
    """Split a word wider than the line into pieces that fit (a long URL, a German compound)."""
    pieces: list[str] = []
    current = ""
    for ch in word:
        if current and _width(current + ch, face, size) > width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return [*pieces, current] if current else pieces


def wrap(text: str, face: PreviewFace, size: int, width: int) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels, at spaces where possible.

    Hand-written: textwrap counts characters, not pixels, and Pillow has no line breaking.
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _width(candidate, face, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        if _width(word, face, size) <= width:
            current = word
        else:
            *whole, current = _break_word(word, face, size, width)
            lines.extend(whole)
    if current:
        lines.append(current)
    return lines


def _cut(lines: list[str], keep: int, face: PreviewFace, size: int, width: int) -> list[str]:
    """The first ``keep`` lines, the last ending in an ellipsis that fits the width."""
    kept = lines[:keep]
    last = kept[-1]
    while last and _width(last + ELLIPSIS, face, size) > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + ELLIPSIS
    return kept


def layout(content: PreviewContent, fonts: PreviewFonts) -> Layout:
    """Place the site name, the title (wrapped, shrunk to fit) and the count."""
    portrait = Box(WIDTH - PORTRAIT_WIDTH, 0, WIDTH, HEIGHT) if content.portrait else None
    right = (portrait.left if portrait else WIDTH) - MARGIN
    area = Box(MARGIN, MARGIN, right, HEIGHT - MARGIN)
    width = area.right - area.left

    site_face = fonts.face_for(content.site)
    site_text = content.site
    if _width(site_text, site_face, SITE_SIZE) > width:
        site_text = _cut([site_text], 1, site_face, SITE_SIZE, width)[0]
    site = _line(site_text, site_face, SITE_SIZE, area.left, area.top)

    count_face = fonts.face_for(content.count, bold=True)
    count_size = next(
        (size for size in COUNT_SIZES if _width(content.count, count_face, size) <= width),
        COUNT_SIZES[-1],
    )
    count_text = content.count
    if _width(count_text, count_face, count_size) > width:
        count_text = _cut([count_text], 1, count_face, count_size, width)[0]
    ascent, descent = count_face.font(count_size).getmetrics()
    count_y = area.bottom - ascent - descent
    count = _line(count_text, count_face, count_size, area.left, count_y)

    # The title's area: below the site name, above the count, with a gap of a line each side.
    top = site.box.bottom + 44
    bottom = count_y - 36
    title_face = fonts.face_for(content.title, bold=True)
    for size in TITLE_SIZES:
        lines = wrap(content.title, title_face, size, width)
        step = round(size * LINE_SPACING)
        if len(lines) * step <= bottom - top:
            break
    fitting = max(1, (bottom - top) // step)
    cut = len(lines) > fitting
    if cut:
        lines = _cut(lines, fitting, title_face, size, width)
    title = tuple(
        _line(text, title_face, size, area.left, top + index * step)
        for index, text in enumerate(lines)
    )
    return Layout(area, portrait, site, title, count, size, cut)


def _portrait(data: bytes, box: Box) -> Image.Image | None:
    """The portrait cropped to fill ``box`` (faces sit high in a portrait: crop from there)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            return ImageOps.fit(
                image.convert("RGB"),
                (box.right - box.left, box.bottom - box.top),
                method=Image.Resampling.LANCZOS,
                centering=(0.5, 0.3),
            )
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None


def render(content: PreviewContent, fonts: PreviewFonts) -> bytes:
    """Draw the preview image and return it as PNG bytes."""
    placed = layout(content, fonts)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    if placed.portrait is not None and content.portrait is not None:
        photo = _portrait(content.portrait, placed.portrait)
        if photo is not None:
            image.paste(photo, (placed.portrait.left, placed.portrait.top))
    # A bar in the count's colour along the left edge: the design without a portrait is not a
    # bare rectangle, and with one it ties the text to the picture.
    draw.rectangle((0, 0, 11, HEIGHT), fill=ACCENT)
    _draw(draw, placed.site, SITE_COLOUR)
    for line in placed.title:
        _draw(draw, line, TITLE_COLOUR)
    _draw(draw, placed.count, COUNT_COLOUR)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _draw(draw: ImageDraw.ImageDraw, line: Line, colour: tuple[int, int, int]) -> None:
    draw.text(line.origin, line.text, font=line.face.font(line.size), fill=colour, anchor="la")
