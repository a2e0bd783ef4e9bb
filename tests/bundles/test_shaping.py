"""Names in complex and right-to-left scripts print shaped and copy out as they were typed.

What a clerk sees is checked on pixels (pdftoppm) against a reference that reportlab's platypus
shapes with HarfBuzz; what a clerk copies or searches is checked with poppler's pdftotext.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from petitions.bundles.pdf import BundleRow, FontSet, geometry, load_fonts, render_bundle
from tests.bundles.test_pdf import drawn_by_font, make_header

FREESANS = Path("/usr/share/fonts/truetype/freefont/FreeSans.ttf")
pytestmark = [
    pytest.mark.skipif(not FREESANS.exists(), reason="fonts-freefont-ttf is not installed"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing"),
]
DPI = 300


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return load_fonts()


def bundle_of(fonts: FontSet, *names: str) -> bytes:
    def rows() -> Iterator[BundleRow]:
        for number, name in enumerate(names, 1):
            yield BundleRow(number, name, "", "", date(2026, 7, 1), None)

    out = io.BytesIO()
    render_bundle(out, make_header(len(names)), rows, fonts)
    return out.getvalue()


def pdftotext(data: bytes, page: int, tmp_path: Path) -> str:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def rasterize(data: bytes, page: int, tmp_path: Path) -> Image.Image:
    path = tmp_path / "render.pdf"
    path.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(DPI), "-gray", "-png",  # noqa: S607
         str(path), str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    png.unlink()
    return image


def ink(image: Image.Image) -> Image.Image:
    """The image cropped to its ink (anything darker than light grey)."""
    mask = image.point(lambda value: 255 if value < 200 else 0)
    box = mask.getbbox()
    assert box is not None, "nothing printed"
    return image.crop(box)


def name_cell(image: Image.Image) -> Image.Image:
    """The first row's name cell on a signature-list page."""
    scale = DPI / 72
    left = geometry.LEFTS[geometry.NAME] * scale
    right = geometry.LEFTS[geometry.NAME + 1] * scale
    top = (geometry.PAGE_HEIGHT - geometry.TABLE_TOP) * scale
    bottom = top + (geometry.TABLE_LEADING + 2 * geometry.CELL_PAD_Y) * scale
    return image.crop((int(left) + 2, int(top) + 2, int(right) - 2, int(bottom) - 2))


def reference(name: str, fonts: FontSet, *, shaping: int, tmp_path: Path) -> Image.Image:
    """The name set by platypus in the same font and size, shaped by HarfBuzz (or not)."""
    face = fonts.runs(name)[0][0]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    style = ParagraphStyle("ref", fontName=face.name, fontSize=geometry.TABLE_SIZE, shaping=shaping)
    paragraph = Paragraph(name, style)
    paragraph.wrapOn(canvas, 400, 100)
    paragraph.drawOn(canvas, 100, 600)
    canvas.save()
    return ink(rasterize(out.getvalue(), 1, tmp_path))


def difference(a: Image.Image, b: Image.Image) -> float:
    """Share of ink in one image with no ink within a pixel of it in the other (0: same shapes).

    A pixel of slack either way absorbs anti-aliasing and sub-pixel placement; a vowel sign on
    the wrong side of its consonant, or two glyphs where a conjunct should be, is far more.
    """
    width, height = max(a.width, b.width), max(a.height, b.height)
    padded = []
    for image in (a, b):
        canvas = Image.new("L", (width, height), 255)
        canvas.paste(image, (0, 0))
        padded.append(canvas)

    def stray(one: Image.Image, other: Image.Image) -> float:
        inked = one.point(lambda value: 255 if value < 128 else 0)
        near = other.filter(ImageFilter.MinFilter(5)).point(lambda value: 255 if value < 200 else 0)
        strays = ImageChops.subtract(inked, near)
        return sum(strays.tobytes()) / max(sum(inked.tobytes()), 1)

    return max(stray(*padded), stray(*reversed(padded)))


@pytest.mark.parametrize("name", ["अनिल", "दिल्ली", "தமிழ்செல்வன்"])
def test_indic_names_print_as_harfbuzz_shapes_them(
    fonts: FontSet, name: str, tmp_path: Path
) -> None:
    printed = ink(name_cell(rasterize(bundle_of(fonts, name), 2, tmp_path)))

    shaped = reference(name, fonts, shaping=1, tmp_path=tmp_path)
    unshaped = reference(name, fonts, shaping=0, tmp_path=tmp_path)
    assert difference(shaped, unshaped) > 0.04, "the reference must tell shaping apart"
    assert abs(printed.width - shaped.width) <= 2
    assert difference(printed, shaped) < 0.01
    assert difference(printed, unshaped) > 0.04


def test_the_vowel_sign_is_drawn_before_its_consonant(fonts: FontSet) -> None:
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(bundle_of(fonts, "अनिल"))).pages[1]
    # The glyphs in drawing order (ActualText aside): ि sits left of न, as it is printed.
    assert "अिनल" in drawn_by_font(page).get("FreeSans", "")


@pytest.mark.parametrize(
    "name", ["अनिल कुमार", "दिल्ली", "தமிழ் செல்வன்", "דוד כהן", "محمد عبد الله", "لا إله"]
)
def test_complex_and_right_to_left_names_copy_out_as_typed(
    fonts: FontSet, name: str, tmp_path: Path
) -> None:
    text = pdftotext(bundle_of(fonts, "Anna Schmidt", name), 2, tmp_path)

    lines = [line.strip("\u202a\u202b\u202c\u202d\u202e ") for line in text.splitlines()]
    assert name in lines
