"""Loading and registering the TrueType files bundles are printed with.

Which files those are is petitions/font_discovery.py's to say (DejaVu Sans and installed
fallbacks, or the ``PDF_FONTS`` entries): the preview images draw with the same ones. This
module loads each with reportlab, registers it, and puts the faces together as a FontSet.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError

from petitions.bundles.pdf.fonts import FontFace, FontSet
from petitions.bundles.pdf.shaping import ExtractableTTFont
from petitions.font_discovery import DEJAVU_DIR, FontsMissing, discover, missing_message

__all__ = ["DEJAVU_DIR", "FontsMissing", "load_fonts"]

# The page furniture (page numbers, fingerprint, dates) is ASCII: a primary face without it is
# no primary face.
_REQUIRED_CHARS = frozenset("0123456789abcdefABCDEFPageofSignatures:/.-")


def load_fonts(paths: Sequence[str] | None = None) -> FontSet:
    """Find, load and register the fonts bundles are printed with (see font_discovery).

    ``paths`` is ``None`` for default discovery, or the configured entries.

    :raises FontsMissing: naming the Debian package and the configuration variable, when the
        primary face cannot be found or loaded, or when a configured entry cannot be loaded.
    """
    found = discover(paths, _load_face)
    return _assemble(found.faces, list(found.fallbacks))


def _assemble(faces: dict[str, FontFace], fallbacks: list[FontFace]) -> FontSet:
    regular = faces["regular"]
    missing = sorted(_REQUIRED_CHARS - regular.chars)
    if missing:
        raise FontsMissing(
            missing_message([f"{regular.path} lacks basic Latin characters: {''.join(missing)}"])
        )
    bold = faces.get("bold", regular)
    italic = faces.get("italic", regular)
    bold_italic = faces.get("bold-italic", bold)
    # <b> and <i> in platypus paragraphs find the other faces through this mapping; a fallback
    # is its own family, so markup inside it never asks for a face that is not registered.
    addMapping(regular.name, 0, 0, regular.name)
    addMapping(regular.name, 1, 0, bold.name)
    addMapping(regular.name, 0, 1, italic.name)
    addMapping(regular.name, 1, 1, bold_italic.name)
    for face in fallbacks:
        addMapping(face.name, 0, 0, face.name)
        addMapping(face.name, 1, 0, face.name)
        addMapping(face.name, 0, 1, face.name)
        addMapping(face.name, 1, 1, face.name)
    everything = frozenset().union(
        regular.chars, bold.chars, italic.chars, bold_italic.chars, *(f.chars for f in fallbacks)
    )
    return FontSet(
        regular=regular,
        bold=bold,
        italic=italic,
        bold_italic=bold_italic,
        fallbacks=tuple(fallbacks),
        _all_chars=everything,
    )


_loaded: dict[tuple[str, int], FontFace] = {}


def _load_face(path: str, index: int) -> FontFace:
    """Load and register one TrueType face (once per process per file and subfont)."""
    key = (os.path.abspath(path), index)
    if key in _loaded:
        return _loaded[key]
    if not Path(path).is_file():
        raise FontsMissing(f"{path}: no such file")
    digest = hashlib.sha256(f"{key[0]}#{index}".encode()).hexdigest()[:8]
    name = f"Bundle-{Path(path).stem}-{index}-{digest}"
    try:
        font = ExtractableTTFont(name, path, subfontIndex=index)
    except (TTFError, OSError, ValueError, IndexError) as error:
        # TTFError covers PostScript (CFF) outlines, which reportlab cannot embed.
        raise FontsMissing(f"{path}#{index}: not a usable TrueType font ({error})") from error
    face_data = font.face
    char_to_glyph: dict[int, int] = face_data.charToGlyph
    char_widths: dict[int, float] = face_data.charWidths
    default_width = float(face_data.defaultWidth)
    chars = frozenset(chr(cp) for cp, glyph in char_to_glyph.items() if glyph)
    widths = {ch: float(char_widths.get(ord(ch), default_width)) for ch in chars}
    pdfmetrics.registerFont(font)
    face = FontFace(name=name, path=path, subfont_index=index, chars=chars, widths=widths)
    _loaded[key] = face
    return face
