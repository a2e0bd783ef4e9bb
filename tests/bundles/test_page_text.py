"""A fixed bundle reads back, page by page, exactly as it did: the renderer's refactoring guard.

The other bundle tests check properties (order, fonts, shaping, QR); this one pins the whole
text poppler's ``pdftotext`` extracts from one bundle that exercises them all: a cover letter
with Markdown, a table over several pages with wrapped comments, a row taller than a page,
right-to-left, Devanagari and CJK names, and the furniture of every page. The snapshot was
written with the fonts of ``fonts-dejavu-core``, ``fonts-freefont-ttf`` and ``fonts-wqy-zenhei``;
on a machine without them the layout differs, so the test is skipped there.

After an intended change to what a bundle prints, write the snapshot again with
``PETITIONS_UPDATE_SNAPSHOTS=1`` and read the diff.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import force_locale

from petitions.bundles.pdf import BundleRow, FontSet, load_fonts, render_bundle
from tests.bundles.test_pdf import FREESANS, MIXED_NAMES, WQY, make_header

SNAPSHOT = Path(__file__).with_name("expected") / "bundle_en.txt"

pytestmark = [
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing"),
    pytest.mark.skipif(
        not (FREESANS.exists() and WQY.exists()), reason="the snapshot's fallback fonts are missing"
    ),
]

NAMES = [*MIXED_NAMES, "דוד כהן", "محمد عبد الله", "अनिल दिल्ली", "王小明", "김민준"]


def fixed_rows() -> Iterator[BundleRow]:
    """Seventy rows: every script above, wrapped comments, one row taller than a page."""
    for number in range(1, 71):
        comment: str | None = None
        if number % 7 == 0:
            comment = " ".join(f"Свабоду{n:02d}" for n in range(number % 23 + 3))
        if number == 30:
            comment = "\n".join(f"line {n:03d} of a very long comment" for n in range(1, 90))
        yield BundleRow(
            number=number,
            full_name=NAMES[number % len(NAMES)],
            city="Мінск" if number % 2 else "Vilnius",
            country="Беларусь" if number % 2 else "Lithuania",
            signed_on=date(2026, 7, 1 + number % 28),
            comment=comment,
        )


def pdftotext(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_a_fixed_bundle_renders_to_the_same_page_text(tmp_path: Path) -> None:
    fonts: FontSet = load_fonts()
    out = io.BytesIO()
    header = make_header(70, countries=("Belarus", "Lithuania"), author="Free Them All e.V.")
    render_bundle(out, header, fixed_rows, fonts)
    text = pdftotext(out.getvalue(), tmp_path)
    if os.environ.get("PETITIONS_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert text == SNAPSHOT.read_text(encoding="utf-8")


# --- the bundle's language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "date_line"), [("be", "4 жніўня 2026 г."), ("ru", "4 августа 2026 г.")]
)
def test_the_cover_date_is_in_the_bundle_language(
    app: Flask, tmp_path: Path, language: str, date_line: str
) -> None:
    out = io.BytesIO()
    with force_locale(language):
        render_bundle(out, make_header(70), fixed_rows, load_fonts())
    text = pdftotext(out.getvalue(), tmp_path)
    # Month names come from Babel's CLDR data, in the genitive a date takes in both languages,
    # and the date as CLDR's long format writes it ("г." for "year").
    assert date_line in text.splitlines()
    assert "4 August 2026" not in text
    # A number over a thousand is grouped as the language groups it (a no-break space).
    out = io.BytesIO()
    with force_locale(language):
        render_bundle(out, make_header(1234), lambda: many_rows(1234), load_fonts(), progress=None)
    text = pdftotext(out.getvalue(), tmp_path)
    # (poppler extracts the no-break space as a space)
    assert re.search("\\b1[ \u00a0]234\\b", text)
    assert "1,234" not in text


def many_rows(count: int) -> Iterator[BundleRow]:
    for number in range(1, count + 1):
        yield BundleRow(
            number=number,
            full_name=f"Signer {number}",
            city="Vilnius",
            country="Lithuania",
            signed_on=date(2026, 7, 1),
            comment=None,
        )
