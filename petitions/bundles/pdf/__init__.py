"""Printable signature bundles: the PDF organizers deliver to an embassy or an authority.

Pure rendering: no database, and no Flask beyond Flask-Babel's translations (which speak
English outside an application). The caller hands over a :class:`BundleHeader`, a callable that
streams :class:`BundleRow` objects, and a :class:`FontSet` loaded once per process;
:func:`render_bundle` writes an A4 PDF/A-2b file: a cover letter, then the numbered signature
list, every page with a running header and a footer by which it can be checked on its own.

The modules, one job each:

- ``contents``: what is printed (:class:`BundleHeader`, :class:`BundleRow`) and
  :class:`BundleMismatch`;
- ``font_files``: loading the TrueType files petitions/font_discovery.py finds; ``fonts``:
  which face draws which character;
- ``shaping``: text shaping and direction (Arabic joining, HarfBuzz, bidi, extractable text);
- ``lines``: text made printable and broken into lines; ``drawing``: text runs on the canvas;
- ``table``: the signature table and its pagination;
- ``markdown``, ``styles``, ``cover``: the cover letter from the petition's Markdown;
- ``furniture``: running header and footer, with the fingerprint and the QR code;
- ``geometry``: where things sit on the page;
- ``document``: the two passes that put the PDF together (:func:`render_bundle`).

The names below are the package's public face, imported by the bundle service, the CLI and the
benchmark; everything else is internal to the renderer.
"""

from petitions.bundles.pdf.contents import BundleHeader, BundleMismatch, BundleRow
from petitions.bundles.pdf.document import render_bundle
from petitions.bundles.pdf.font_files import FontsMissing, load_fonts
from petitions.bundles.pdf.fonts import UNPRINTABLE_MARKER, FontSet

__all__ = [
    "UNPRINTABLE_MARKER",
    "BundleHeader",
    "BundleMismatch",
    "BundleRow",
    "FontSet",
    "FontsMissing",
    "load_fonts",
    "render_bundle",
]
