"""Portraits of prisoners and photos of their timeline: uploaded by organizers, checked,
re-encoded, made smaller for phones, served by us.

A portrait on another host would tell that host the IP address of every visitor of the case
page; served from our origin, the CSP can say ``img-src 'self' data:``.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

#: What Pillow calls the formats we take, and the type each is served with.
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
#: File endings the form accepts (the bytes decide, these only spare a pointless upload).
EXTENSIONS = ("jpg", "jpeg", "png", "webp")
#: Largest upload taken.
MAX_BYTES = 5 * 1024 * 1024
#: Pixels an image may claim before it is decoded: a small file can claim a huge canvas
#: (a "decompression bomb") and take a worker's memory.
MAX_PIXELS = 40_000_000
#: Longest side of the stored portrait; a case page shows it a few hundred pixels wide.
MAX_SIDE = 1200
#: Widths of the smaller copies made for ``srcset`` (each only if the picture is wider): a
#: phone loads the 320 or 640 one, a wide screen with dense pixels the full one.
WIDTHS = (320, 640)


class PortraitRefused(Exception):
    """The upload is not a portrait we can use; the message says what to do."""


@dataclass(frozen=True)
class Variant:
    """A smaller copy of a prepared picture."""

    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class PreparedPortrait:
    """A picture as stored: its full size (at most MAX_SIDE a side) and its smaller copies."""

    data: bytes
    content_type: str
    digest: str
    width: int = 0
    height: int = 0
    variants: tuple[Variant, ...] = ()


def prepare(raw: bytes) -> PreparedPortrait:
    """Check that ``raw`` is a JPEG, PNG or WebP image and re-encode it without metadata.

    The bytes decide, not the file name or the browser's Content-Type: a script or an SVG
    renamed .jpg is refused. Re-encoding drops EXIF and XMP, which can hold the camera, the
    time and the GPS position where the photo was taken (for a prisoner's relatives, that can
    be their home).

    :raises PortraitRefused: for anything that is not such an image, or one too large.
    """
    if len(raw) > MAX_BYTES:
        raise PortraitRefused(str(_("Please choose an image of at most 5 MB.")))
    try:
        with warnings.catch_warnings():
            # Pillow only warns below its own bomb limit; ours is lower and checked below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as image:
                kind = image.format or ""
                if kind not in CONTENT_TYPES:
                    raise PortraitRefused(_not_an_image())
                if image.width * image.height > MAX_PIXELS:
                    raise PortraitRefused(_too_large())
                image.load()
                cleaned = _without_metadata(image, kind)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise PortraitRefused(_not_an_image()) from None
    data = _encoded(cleaned, kind)
    variants = []
    for width in WIDTHS:
        if cleaned.width > width:
            smaller = cleaned.resize(
                (width, max(1, round(cleaned.height * width / cleaned.width))),
                Image.Resampling.LANCZOS,
            )
            variants.append(Variant(width, smaller.height, _encoded(smaller, kind)))
    return PreparedPortrait(
        data=data,
        content_type=CONTENT_TYPES[kind],
        digest=hashlib.sha256(data).hexdigest(),
        width=cleaned.width,
        height=cleaned.height,
        variants=tuple(variants),
    )


def _encoded(image: Image.Image, kind: str) -> bytes:
    output = io.BytesIO()
    if kind == "JPEG":
        image.save(output, "JPEG", quality=85, optimize=True)
    elif kind == "PNG":
        image.save(output, "PNG", optimize=True)
    else:
        image.save(output, "WEBP", quality=85)
    return output.getvalue()


def _too_large() -> str:
    return str(_("This image is too large. Please choose one of at most 40 megapixels."))


def _not_an_image() -> str:
    return str(
        _("This file is not a JPEG, PNG or WebP image. Please choose a photo in one of these.")
    )


def _without_metadata(image: Image.Image, kind: str) -> Image.Image:
    # Turn the picture upright first, as the EXIF orientation said, since that tag goes too.
    upright = ImageOps.exif_transpose(image)
    transparent = "A" in upright.getbands() or "transparency" in upright.info
    wanted = "RGBA" if transparent and kind != "JPEG" else "RGB"
    clean = upright.convert(wanted)  # always a new image, never the upload itself
    clean.thumbnail((MAX_SIDE, MAX_SIDE))
    # A fresh info dict: no EXIF, XMP, ICC profile or comment can ride along to the encoder.
    clean.info = {}
    return clean
