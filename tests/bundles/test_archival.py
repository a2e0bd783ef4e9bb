"""A printed bundle is PDF/A-2b: fonts embedded, sRGB output intent, XMP matching its Info,
named author; and the verify link under every QR code can be clicked."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from petitions.bundles.archival import SRGB_PROFILE
from petitions.bundles.pdf import FontSet, load_fonts, render_bundle
from tests.bundles.test_pdf import MIXED_NAMES, VERIFY_URL, make_header, rows_of

pytestmark = pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils missing")


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return load_fonts()


@pytest.fixture(scope="module")
def bundle(fonts: FontSet) -> bytes:
    names = [*MIXED_NAMES, "अनिल कुमार", "محمد عبد الله", "王小明"]
    out = io.BytesIO()
    header = make_header(len(names), author="Libereco – Partnership")
    render_bundle(out, header, rows_of(names), fonts)
    return out.getvalue()


def test_every_font_is_embedded(bundle: bytes, tmp_path: Path) -> None:
    path = tmp_path / "bundle.pdf"
    path.write_bytes(bundle)
    listing = subprocess.run(
        ["pdffonts", str(path)],
        capture_output=True,
        text=True,
        check=True,  # noqa: S607
    ).stdout.splitlines()[2:]

    assert listing, "pdffonts lists the fonts"
    for line in listing:
        columns = line.split()
        assert "Helvetica" not in line
        assert columns[-5] == "yes", line  # the "emb" column


def test_the_file_declares_pdfa_2b_with_matching_metadata(bundle: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(bundle))
    info = pdf.docinfo
    metadata = pdf.open_metadata()

    assert metadata["pdfaid:part"] == "2"
    assert metadata["pdfaid:conformance"] == "B"
    assert str(info["/Author"]) == "Libereco – Partnership"
    assert metadata["dc:creator"] == ["Libereco – Partnership"]
    assert metadata["dc:title"] == str(info["/Title"])
    assert metadata["dc:description"] == str(info["/Subject"])
    assert metadata["pdf:Producer"] == str(info["/Producer"])
    assert metadata["xmp:CreatorTool"] == str(info["/Creator"])
    assert str(info["/CreationDate"]) == "D:20260804123000+00'00'"
    assert metadata["xmp:CreateDate"] == "2026-08-04T12:30:00Z"
    assert "/Filter" not in pdf.Root.Metadata  # PDF/A: the XMP stays readable as is
    assert len(pdf.trailer.ID) == 2


def test_the_output_intent_is_srgb(bundle: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(bundle))
    (intent,) = pdf.Root.OutputIntents

    assert intent.S == "/GTS_PDFA1"
    assert intent.DestOutputProfile.N == 3
    assert intent.DestOutputProfile.read_bytes() == SRGB_PROFILE.read_bytes()
    assert SRGB_PROFILE.read_bytes()[36:40] == b"acsp"  # an ICC profile
    assert SRGB_PROFILE.read_bytes()[16:20] == b"RGB "


def test_nothing_pdfa_forbids(bundle: bytes) -> None:
    pdf = pikepdf.open(io.BytesIO(bundle))

    assert not pdf.is_encrypted
    assert "/JavaScript" not in pdf.Root.get("/Names", {})
    assert "/OpenAction" not in pdf.Root
    assert "/AA" not in pdf.Root
    for page in pdf.pages:
        for state in page.Resources.get("/ExtGState", {}).values():
            assert state.get("/CA", 1) == 1
            assert state.get("/ca", 1) == 1
            assert state.get("/SMask", "/None") == "/None"
        for annotation in page.get("/Annots", []):
            assert int(annotation.F) & 4, "every annotation prints"
            assert "/AA" not in annotation


def test_the_verify_link_under_every_qr_code_is_clickable(bundle: bytes) -> None:
    reader = PdfReader(io.BytesIO(bundle))

    assert len(reader.pages) >= 2
    for page in reader.pages:
        links = [
            annotation.get_object()
            for annotation in page.get("/Annots", [])
            if annotation.get_object()["/Subtype"] == "/Link"
        ]
        targets = {link["/A"]["/URI"] for link in links}
        assert targets == {VERIFY_URL}
        # One over the printed "Verify: …" line, which sits right of the QR code at the foot.
        footer = [link for link in links if float(link["/Rect"][1]) < 100]
        assert any(float(link["/Rect"][0]) > 100 for link in footer)
