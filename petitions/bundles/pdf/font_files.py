"""Finding, loading and registering the TrueType files bundles are printed with.

**Default discovery** (``load_fonts()`` without paths), in this order:

1. the primary family, *DejaVu Sans* (Debian ``fonts-dejavu-core``): regular and bold are
   required, oblique and bold oblique are used when present. Each face is looked for at its
   Debian path under ``/usr/share/fonts/truetype/dejavu/`` and, failing that, asked of fontconfig
   (``fc-match``), accepted only if fontconfig answers with DejaVu Sans itself rather than a
   substitute;
2. optional fallbacks, each used only when installed, found the same way (Debian path first,
   then ``fc-match`` by exact family name): *FreeSans* and *FreeSerif* (``fonts-freefont-ttf``:
   Devanagari, Bengali, Gurmukhi, Thai, Ethiopic, Tamil, Sinhala, Syriac, …) and *WenQuanYi Zen
   Hei* (``fonts-wqy-zenhei``: Chinese, Japanese kana, Korean Hangul).

The list is fixed rather than "whatever fonts the machine has" so that two machines with the same
Debian packages print the same bundle.

**Configured paths** (``load_fonts(paths)``; the app reads them from ``PDF_FONTS``, separated
by ``os.pathsep``): each entry is a TrueType file, ``.ttf`` or ``.ttc`` (a collection:
append ``#N`` to pick subfont N, default 0). The first untagged entry is the primary regular face,
later untagged entries are fallbacks in the order given; ``bold=``, ``italic=`` and
``bold-italic=`` prefixes give the primary's other faces (without them the regular face is used).
Every configured entry must load: a typo should fail at start-up, not print a worse bundle.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError

from petitions.bundles.pdf.fonts import FontFace, FontSet
from petitions.bundles.pdf.shaping import ExtractableTTFont

DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu"
DEBIAN_PACKAGE = "fonts-dejavu-core"
CONFIG_VARIABLE = "PDF_FONTS"

_ROLES = ("regular", "bold", "italic", "bold-italic")

# (family as fontconfig names it, Debian path, subfont index) in the order fallbacks are tried.
_PRIMARY_FACES = {
    "regular": ("DejaVu Sans:style=Book", f"{DEJAVU_DIR}/DejaVuSans.ttf"),
    "bold": ("DejaVu Sans:style=Bold", f"{DEJAVU_DIR}/DejaVuSans-Bold.ttf"),
    "italic": ("DejaVu Sans:style=Oblique", f"{DEJAVU_DIR}/DejaVuSans-Oblique.ttf"),
    "bold-italic": ("DejaVu Sans:style=Bold Oblique", f"{DEJAVU_DIR}/DejaVuSans-BoldOblique.ttf"),
}
_FALLBACKS = (
    ("FreeSans", "/usr/share/fonts/truetype/freefont/FreeSans.ttf", 0),
    ("FreeSerif", "/usr/share/fonts/truetype/freefont/FreeSerif.ttf", 0),
    ("WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)

# The page furniture (page numbers, fingerprint, dates) is ASCII: a primary face without it is
# no primary face.
_REQUIRED_CHARS = frozenset("0123456789abcdefABCDEFPageofSignatures:/.-")


class FontsMissing(RuntimeError):
    """No usable TrueType font was found; the message says what to install or configure."""


def load_fonts(paths: Sequence[str] | None = None) -> FontSet:
    """Find, load and register the fonts bundles are printed with; see the module docstring.

    ``paths`` is ``None`` for default discovery, or the configured entries. Raises
    :class:`FontsMissing`, naming the Debian package and the configuration variable, when the
    primary face cannot be found or loaded, or when a configured entry cannot be loaded.
    """
    if paths is None:
        return _load_default()
    return _load_configured(list(paths))


def _load_default() -> FontSet:
    faces: dict[str, FontFace] = {}
    problems: list[str] = []
    for role in _ROLES:
        pattern, debian_path = _PRIMARY_FACES[role]
        located = _locate(pattern, debian_path, 0, family="DejaVu Sans")
        if located is None:
            problems.append(f"{role}: not at {debian_path}, and fontconfig does not know it")
            continue
        try:
            faces[role] = _load_face(*located)
        except FontsMissing as error:
            problems.append(f"{role}: {error}")
    if "regular" not in faces or "bold" not in faces:
        raise FontsMissing(_missing_message(problems))
    fallbacks = []
    for family, debian_path, index in _FALLBACKS:
        located = _locate(family, debian_path, index, family=family)
        if located is None:
            continue
        try:
            fallbacks.append(_load_face(*located))
        except FontsMissing:
            continue  # an optional fallback that does not load is simply not used
    return _assemble(faces, fallbacks)


def _parse_entry(entry: str) -> tuple[str, str, int]:
    """Split a configured entry into (role, path, subfont index); role "" for untagged.

    :raises ValueError: with the problem to report, for an unknown prefix or a bad index.
    """
    role, _, spec = entry.partition("=") if "=" in entry else ("", "", entry)
    role = role.strip().lower()
    if role and role not in _ROLES[1:]:
        raise ValueError(f"{entry!r}: unknown prefix {role!r} (use bold=, italic=, bold-italic=)")
    path, _, index_text = spec.strip().partition("#")
    try:
        return role, path, int(index_text) if index_text else 0
    except ValueError:
        raise ValueError(f"{entry!r}: subfont index {index_text!r} is not a number") from None


def _load_configured(entries: list[str]) -> FontSet:
    faces: dict[str, FontFace] = {}
    fallbacks: list[FontFace] = []
    problems: list[str] = []
    for entry in entries:
        try:
            role, path, index = _parse_entry(entry)
            face = _load_face(path, index)
        except (ValueError, FontsMissing) as error:
            problems.append(str(error))
            continue
        if not role and "regular" in faces:
            fallbacks.append(face)
        else:
            faces[role or "regular"] = face
    if "regular" not in faces and not problems:
        problems.append("no regular font among the configured entries")
    if problems:
        raise FontsMissing(_missing_message(problems, configured=entries))
    return _assemble(faces, fallbacks)


def _assemble(faces: dict[str, FontFace], fallbacks: list[FontFace]) -> FontSet:
    regular = faces["regular"]
    missing = sorted(_REQUIRED_CHARS - regular.chars)
    if missing:
        raise FontsMissing(
            _missing_message([f"{regular.path} lacks basic Latin characters: {''.join(missing)}"])
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


def _locate(pattern: str, debian_path: str, index: int, family: str) -> tuple[str, int] | None:
    """Return (path, subfont index) of a face: its Debian path, else fontconfig's exact match."""
    if Path(debian_path).is_file():
        return debian_path, index
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:
        answer = subprocess.run(  # noqa: S603 - fixed program, pattern from this module
            [fc_match, "--format=%{family}\n%{file}\n%{index}\n%{style}", pattern],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = answer.split("\n")
    if len(lines) < 4 or family not in lines[0].split(","):
        return None  # fontconfig offered a substitute, not the family asked for
    _, _, style = pattern.partition(":style=")
    if style and style not in lines[3].split(","):
        return None  # e.g. the regular face offered for a missing bold one
    try:
        return lines[1], int(lines[2] or 0)
    except ValueError:
        return None


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


def _missing_message(problems: list[str], configured: list[str] | None = None) -> str:
    where = (
        f"the configured {CONFIG_VARIABLE} entries {configured!r}"
        if configured is not None
        else "the default locations"
    )
    details = "; ".join(problems) if problems else "nothing found"
    return (
        f"No usable TrueType font for PDF bundles in {where}: {details}. "
        f"Install the Debian package {DEBIAN_PACKAGE} (apt-get install {DEBIAN_PACKAGE}), or set "
        f"{CONFIG_VARIABLE} to a {os.pathsep!r}-separated list of .ttf/.ttc files: the regular "
        "face first, then bold=PATH, italic=PATH, bold-italic=PATH and fallback fonts."
    )
