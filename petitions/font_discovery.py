"""Which TrueType files the service draws text with: PDF bundles and link preview images alike.

One discovery for both, so that a bundle and a preview image of the same petition use the same
fonts, and one setting (``PDF_FONTS``) changes both. Each caller loads the files with its own
library (reportlab for PDFs, Pillow for images) through the ``load`` callable it passes to
:func:`discover`; a file that library cannot use counts as missing.

**Default discovery** (``discover(None, load)``), in this order:

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
Debian packages draw the same text.

**Configured paths** (``discover(paths, load)``; the app reads them from ``PDF_FONTS``, separated
by ``os.pathsep``): each entry is a TrueType file, ``.ttf`` or ``.ttc`` (a collection:
append ``#N`` to pick subfont N, default 0). The first untagged entry is the primary regular face,
later untagged entries are fallbacks in the order given; ``bold=``, ``italic=`` and
``bold-italic=`` prefixes give the primary's other faces (without them the regular face is used).
Every configured entry must load: a typo should fail at start-up, not draw worse text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu"
DEBIAN_PACKAGE = "fonts-dejavu-core"
CONFIG_VARIABLE = "PDF_FONTS"

ROLES = ("regular", "bold", "italic", "bold-italic")

#: Per role: (family and style as fontconfig names them, Debian path).
PRIMARY_FACES = {
    "regular": ("DejaVu Sans:style=Book", f"{DEJAVU_DIR}/DejaVuSans.ttf"),
    "bold": ("DejaVu Sans:style=Bold", f"{DEJAVU_DIR}/DejaVuSans-Bold.ttf"),
    "italic": ("DejaVu Sans:style=Oblique", f"{DEJAVU_DIR}/DejaVuSans-Oblique.ttf"),
    "bold-italic": ("DejaVu Sans:style=Bold Oblique", f"{DEJAVU_DIR}/DejaVuSans-BoldOblique.ttf"),
}
#: (family as fontconfig names it, Debian path, subfont index) in the order fallbacks are tried.
FALLBACKS = (
    ("FreeSans", "/usr/share/fonts/truetype/freefont/FreeSans.ttf", 0),
    ("FreeSerif", "/usr/share/fonts/truetype/freefont/FreeSerif.ttf", 0),
    ("WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)

#: What one caller's library made of a font file (a reportlab face, a Pillow face).
Face = TypeVar("Face")


class FontsMissing(RuntimeError):
    """No usable TrueType font was found; the message says what to install or configure."""


@dataclass(frozen=True)
class Discovered(Generic[Face]):
    """The faces found, loaded by the caller's library: the primary family's by role, and the
    fallbacks in order. Roles the primary family lacks (italic, bold italic) are absent."""

    faces: dict[str, Face]
    fallbacks: tuple[Face, ...]


def discover(paths: Sequence[str] | None, load: Callable[[str, int], Face]) -> Discovered[Face]:
    """Find the fonts (see the module docstring) and load each with ``load(path, index)``.

    :param paths: None for default discovery, or the configured entries.
    :param load: the caller's loader; it raises :class:`FontsMissing` for a file it cannot use.
    :raises FontsMissing: naming the Debian package and the configuration variable, when the
        primary regular or bold face cannot be found or loaded, or a configured entry cannot.
    """
    if paths is None:
        return _default(load)
    return _configured(list(paths), load)


def _default(load: Callable[[str, int], Face]) -> Discovered[Face]:
    faces: dict[str, Face] = {}
    problems: list[str] = []
    for role in ROLES:
        pattern, debian_path = PRIMARY_FACES[role]
        located = locate(pattern, debian_path, 0, family="DejaVu Sans")
        if located is None:
            problems.append(f"{role}: not at {debian_path}, and fontconfig does not know it")
            continue
        try:
            faces[role] = load(*located)
        except FontsMissing as error:
            problems.append(f"{role}: {error}")
    if "regular" not in faces or "bold" not in faces:
        raise FontsMissing(missing_message(problems))
    fallbacks = []
    for family, debian_path, index in FALLBACKS:
        located = locate(family, debian_path, index, family=family)
        if located is None:
            continue
        try:
            fallbacks.append(load(*located))
        except FontsMissing:
            continue  # an optional fallback that does not load is simply not used
    return Discovered(faces, tuple(fallbacks))


def parse_entry(entry: str) -> tuple[str, str, int]:
    """Split a configured entry into (role, path, subfont index); role "" for untagged.

    :raises ValueError: with the problem to report, for an unknown prefix or a bad index.
    """
    role, _, spec = entry.partition("=") if "=" in entry else ("", "", entry)
    role = role.strip().lower()
    if role and role not in ROLES[1:]:
        raise ValueError(f"{entry!r}: unknown prefix {role!r} (use bold=, italic=, bold-italic=)")
    path, _, index_text = spec.strip().partition("#")
    try:
        return role, path, int(index_text) if index_text else 0
    except ValueError:
        raise ValueError(f"{entry!r}: subfont index {index_text!r} is not a number") from None


def _configured(entries: list[str], load: Callable[[str, int], Face]) -> Discovered[Face]:
    faces: dict[str, Face] = {}
    fallbacks: list[Face] = []
    problems: list[str] = []
    for entry in entries:
        try:
            role, path, index = parse_entry(entry)
            face = load(path, index)
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
        raise FontsMissing(missing_message(problems, configured=entries))
    return Discovered(faces, tuple(fallbacks))


def locate(pattern: str, debian_path: str, index: int, family: str) -> tuple[str, int] | None:
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


def missing_message(problems: list[str], configured: list[str] | None = None) -> str:
    """The FontsMissing message: what went wrong, and the package or setting that fixes it."""
    where = (
        f"the configured {CONFIG_VARIABLE} entries {configured!r}"
        if configured is not None
        else "the default locations"
    )
    details = "; ".join(problems) if problems else "nothing found"
    return (
        f"No usable TrueType font for PDF bundles and preview images in {where}: {details}. "
        f"Install the Debian package {DEBIAN_PACKAGE} (apt-get install {DEBIAN_PACKAGE}), or set "
        f"{CONFIG_VARIABLE} to a {os.pathsep!r}-separated list of .ttf/.ttc files: the regular "
        "face first, then bold=PATH, italic=PATH, bold-italic=PATH and fallback fonts."
    )
