"""The printed signature bundle, read back as an embassy clerk's PDF reader would.

Every test renders with the real fonts of the machine (DejaVu Sans from ``fonts-dejavu-core``;
FreeSans/FreeSerif and WenQuanYi Zen Hei where installed) and reads the result back with pypdf:
text must come out as text, in order, with "Page X of Y", the fingerprint and the verify link on
every page. Large sizes live in ``bench/bundle_pdf.py``; these stay small and fast.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.pdfbase import pdfmetrics

from petitions.bundles.pdf import (
    UNPRINTABLE_MARKER,
    BundleHeader,
    BundleMismatch,
    BundleRow,
    FontSet,
    FontsMissing,
    load_fonts,
    render_bundle,
)
from petitions.bundles.pdf.font_files import DEJAVU_DIR

FINGERPRINT = hashlib.sha256(b"the signatures of this bundle").hexdigest()
VERIFY_URL = f"https://petitions.example.org/verify/{FINGERPRINT}"
WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
FREESANS = Path("/usr/share/fonts/truetype/freefont/FreeSans.ttf")

PETITION_TEXT = """\
Your Excellency,

We, the undersigned, call on the authorities of the **Republic of Belarus** to:

1. release *Ales Bialiatski* and all political prisoners;
2. drop every charge brought against them;
3. allow their families and lawyers to visit them.

- Ales Bialiatski was arrested on 4 August 2011.
- He received the Nobel Peace Prize in 2022.

Respectfully yours.
"""


@pytest.fixture(scope="module")
def fonts() -> FontSet:
    return load_fonts()


def make_header(count: int, **changes: Any) -> BundleHeader:
    header = BundleHeader(
        petition_title="Free Ales Bialiatski and all political prisoners",
        petition_text=PETITION_TEXT,
        prisoner_name="Алесь Бяляцкі (Ales Bialiatski)",
        recipient_name="Embassy of the Republic of Belarus, The Hague",
        recipient_address="Anna Paulownastraat 34\n2518 BE Den Haag\nThe Netherlands",
        signature_count=count,
        generated_at=datetime(2026, 8, 4, 12, 30),
        fingerprint=FINGERPRINT,
        verify_url=VERIFY_URL,
        countries=(),
    )
    return replace(header, **changes)


def rows_of(
    names: list[str], comments: dict[int, str] | None = None
) -> Callable[[], Iterator[BundleRow]]:
    """A rows() callable over the names, numbered from 1, as the service would stream them."""
    comments = comments or {}

    def rows() -> Iterator[BundleRow]:
        for number, name in enumerate(names, 1):
            yield BundleRow(
                number=number,
                full_name=name,
                city="Мінск" if number % 2 else "Vilnius",
                country="Беларусь" if number % 2 else "Lithuania",
                signed_on=date(2026, 7, 1 + number % 28),
                comment=comments.get(number),
            )

    return rows


def render(
    fonts: FontSet,
    rows: Callable[[], Iterator[BundleRow]],
    count: int,
    **changes: Any,
) -> tuple[PdfReader, int]:
    out = io.BytesIO()
    pages = render_bundle(out, make_header(count, **changes), rows, fonts)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    return reader, pages


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    """Whitespace-insensitive form: line breaks from wrapping do not matter."""
    return re.sub(r"\s+", "", text)


# --- text comes out as text, in order, in every script --------------------------------------

MIXED_NAMES = [
    "Алесь Бяляцкі",
    "Ўладзімір Лабковіч",
    "Σωκράτης Παπαδόπουλος",
    "Marie-Thérèse Dupont",
    "Łukasz Żółkiewski",
    "Nguyễn Văn An",
    "Jürgen Groß",
    "ქეთევან ბერიძე",
    "Արամ Պետրոսյան",
]


def test_names_in_every_script_are_text_in_order(fonts: FontSet) -> None:
    names = MIXED_NAMES * 3
    reader, pages = render(fonts, rows_of(names), len(names))
    text = "\n".join(page_texts(reader))
    assert pages == len(reader.pages)
    position = 0
    for name in names:
        found = text.find(name, position)
        assert found >= 0, f"{name!r} missing or out of order"
        position = found + len(name)
    for word in ("Алесь Бяляцкі", "Ўладзімір", "Σωκράτης", "Мінск", "Беларусь"):
        assert word in text


def test_cover_letter_says_who_what_and_how_many(fonts: FontSet) -> None:
    reader, _ = render(fonts, rows_of(MIXED_NAMES), len(MIXED_NAMES))
    cover = reader.pages[0].extract_text()
    assert "Embassy of the Republic of Belarus, The Hague" in cover
    assert "Anna Paulownastraat 34" in cover
    assert "2518 BE Den Haag" in cover
    assert "4 August 2026" in cover
    assert "Free Ales Bialiatski and all political prisoners" in cover
    assert "Алесь Бяляцкі (Ales Bialiatski)" in cover
    assert f"{len(MIXED_NAMES)} signatures" in cover
    # The Markdown: paragraphs, a numbered list, a bulleted list.
    assert "We, the undersigned, call on the authorities of the Republic of Belarus to:" in cover
    for marker, item in (("1.", "release"), ("2.", "drop every"), ("3.", "allow their")):
        assert re.search(re.escape(marker) + r"\s*" + item, cover), item
    assert re.search(r"•\s*He received the Nobel Peace Prize in 2022\.", cover)
    assert FINGERPRINT in cover
    assert VERIFY_URL in flat(cover)


def test_markdown_bold_and_italic_use_the_bold_and_oblique_faces(fonts: FontSet) -> None:
    reader, _ = render(fonts, rows_of(["Anna"]), 1)
    by_font = drawn_by_font(reader.pages[0])
    assert "Republic of Belarus" in by_font.get(postscript_name(fonts.bold.name), "")
    assert "Ales Bialiatski" in by_font.get(postscript_name(fonts.italic.name), "")


def test_a_long_petition_text_flows_over_several_cover_pages(fonts: FontSet) -> None:
    text = "\n\n".join(f"Paragraph {n:02d}. " + "Release them now. " * 30 for n in range(1, 31))
    names = [f"Signer {n}" for n in range(1, 61)]
    reader, pages = render(fonts, rows_of(names), len(names), petition_text=text)
    texts = page_texts(reader)
    covers = [t for t in texts if "No. Name City Country Signed Comment" not in t]
    assert texts[: len(covers)] == covers  # the letter comes first, then the list
    assert len(covers) >= 3
    cover = "\n".join(covers)
    assert [int(n) for n in re.findall(r"Paragraph (\d\d)\.", cover)] == list(range(1, 31))
    summary = f"{pages}: this letter ({len(covers)}), the signature list ({pages - len(covers)})"
    assert flat(summary) in flat(cover)
    for number, page_text in enumerate(texts, 1):
        assert re.findall(r"Page (\d+) of (\d+)", page_text) == [(str(number), str(pages))]


def test_markup_characters_print_as_themselves(fonts: FontSet) -> None:
    title = 'Free A & B <now> "at once"'
    names = ["<b>Not bold</b> & Co", "O'Brien & Sons"]
    reader, _ = render(fonts, rows_of(names), 2, petition_title=title, petition_text="<i>x</i> & y")
    text = "\n".join(page_texts(reader))
    assert title in text
    assert "<i>x</i> & y" in text
    for name in names:
        assert name in text


def test_countries_of_a_limited_bundle_are_named(fonts: FontSet) -> None:
    reader, _ = render(fonts, rows_of(["Anna"]), 1, countries=("Belarus", "Lithuania"))
    cover = reader.pages[0].extract_text()
    assert "Belarus, Lithuania" in cover
    assert "1 signature " in cover or "1 signature\n" in cover


# --- every page can be checked on its own ---------------------------------------------------


def test_page_x_of_y_fingerprint_and_link_on_every_page(fonts: FontSet) -> None:
    names = [f"Signer {n:03d} Ўладзімір" for n in range(1, 151)]
    reader, pages = render(fonts, rows_of(names), len(names))
    texts = page_texts(reader)
    assert pages == len(texts) >= 4
    for number, text in enumerate(texts, 1):
        assert re.findall(r"Page (\d+) of (\d+)", text) == [(str(number), str(pages))]
        assert FINGERPRINT in text
        assert VERIFY_URL in text
        assert "Free Ales Bialiatski" in text  # the running header
        assert "@" not in text
    # Every row is on exactly one page, and the pages follow the numbering.
    seen = [int(n) for text in texts[1:] for n in re.findall(r"Signer (\d{3})", text)]
    assert seen == list(range(1, 151))


def test_qr_code_on_every_page_encodes_the_verify_url(fonts: FontSet) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    names = [f"Signer {n}" for n in range(1, 120)]
    reader, pages = render(fonts, rows_of(names), len(names))
    assert pages >= 3
    for page in reader.pages:
        forms = qr_forms(page)
        assert forms, "no QR code on the page"
        image = rasterize_form(reader, forms[0])
        assert [code.text for code in zxingcpp.read_barcodes(image)] == [VERIFY_URL]


def test_long_comment_wraps_and_is_all_there(fonts: FontSet) -> None:
    comment = " ".join(f"word{n:03d}" for n in range(1, 181))  # ~1,400 characters
    url = "https://example.org/" + "a" * 150  # a "word" wider than the column
    reader, _ = render(fonts, rows_of(["Anna", "Boris"], {1: comment, 2: url}), 2)
    text = "\n".join(page_texts(reader)[1:])
    lines = [line for line in text.splitlines() if "word" in line]
    assert len(lines) > 10, "the comment should take many lines"
    assert flat(comment) in flat(text)
    assert flat(url) in flat(text)


def test_row_taller_than_a_page_continues_on_the_next(fonts: FontSet) -> None:
    comment = "\n".join(f"line {n:03d} of a very long comment" for n in range(1, 151))
    reader, pages = render(fonts, rows_of(["Anna", "Boris"], {1: comment}), 2)
    texts = page_texts(reader)
    assert pages >= 4
    body = "\n".join(texts[1:])
    assert [int(n) for n in re.findall(r"line (\d{3}) of", body)] == list(range(1, 151))
    assert "cont." in texts[2]
    assert "Boris" in texts[-1]


def test_rows_are_never_split_across_pages_when_they_fit(fonts: FontSet) -> None:
    comment = " ".join(["Свабоду палітвязням!"] * 12)  # several lines
    names = [f"Name{n:03d}" for n in range(1, 91)]
    comments = {n: f"start{n:03d} {comment} end{n:03d}" for n in range(1, 91)}
    reader, _ = render(fonts, rows_of(names, comments), len(names))
    for text in page_texts(reader)[1:]:
        starts = re.findall(r"start(\d{3})", text)
        ends = re.findall(r"end(\d{3})", text)
        assert starts == ends


# --- scripts, fallbacks, and what cannot be printed -----------------------------------------


def test_every_character_is_drawn_with_a_font_that_has_it(fonts: FontSet) -> None:
    names = [*MIXED_NAMES, "דוד כהן", "محمد عبد الله", "देवनागरी", "王小明", "김민준", "ꦧꦸꦢꦶ"]
    reader, _ = render(fonts, rows_of(names), len(names))
    faces = {postscript_name(f.name): f for f in (fonts.regular, fonts.bold, *fonts.fallbacks)}
    faces.update({postscript_name(f.name): f for f in (fonts.italic, fonts.bold_italic)})
    for page in reader.pages:
        for font_name, text in drawn_by_font(page).items():
            # A face from a .ttc collection is named with its subfont index: "Name-0".
            base, _, index = font_name.rpartition("-")
            face = faces.get(font_name) or (faces.get(base) if index.isdigit() else None)
            if face is None:
                # reportlab's initial Helvetica is set up on every page but draws nothing
                assert font_name == "Helvetica"
                assert not text.strip()
                continue
            missing = {ch for ch in text if not ch.isspace() and ch not in face.chars}
            assert not missing, f"{font_name} drew characters it has no glyph for: {missing}"


def test_a_script_no_font_has_prints_the_marker_not_boxes() -> None:
    only_dejavu = load_fonts(
        [f"{DEJAVU_DIR}/DejaVuSans.ttf", f"bold={DEJAVU_DIR}/DejaVuSans-Bold.ttf"]
    )
    assert only_dejavu.fallbacks == ()
    names = ["王小明", "Anna 金 Berg", "ꦧꦸꦢꦶ ꦱꦤ꧀ꦠꦺꦴꦱ"]
    reader, _ = render(only_dejavu, rows_of(names), len(names))
    text = "\n".join(page_texts(reader)[1:])
    assert "王" not in text
    assert "ꦧ" not in text
    # (the marker is long: in the name column it may wrap)
    assert flat(f"1 {UNPRINTABLE_MARKER}") in flat(text)
    assert flat(f"Anna {UNPRINTABLE_MARKER} Berg") in flat(text)
    # Two unprintable words with a space between become one marker, not two.
    assert flat(f"3 {UNPRINTABLE_MARKER}") in flat(text)
    assert flat(UNPRINTABLE_MARKER) * 2 not in flat(text)
    # The cover explains the marker to the clerk.
    assert flat(UNPRINTABLE_MARKER) in flat(reader.pages[0].extract_text())


@pytest.mark.skipif(not WQY.exists(), reason="fonts-wqy-zenhei is not installed")
def test_cjk_names_use_the_wenquanyi_fallback(fonts: FontSet) -> None:
    names = ["王小明", "김민준", "山田 花子"]
    reader, _ = render(fonts, rows_of(names), len(names))
    text = "\n".join(page_texts(reader)[1:])
    for name in names:
        assert name in text
    assert UNPRINTABLE_MARKER not in text


@pytest.mark.skipif(not FREESANS.exists(), reason="fonts-freefont-ttf is not installed")
def test_devanagari_uses_the_freefont_fallback(fonts: FontSet) -> None:
    reader, _ = render(fonts, rows_of(["Anna देवनागरी"]), 1)
    by_font = drawn_by_font(reader.pages[1])
    assert "देवनागरी" in by_font.get("FreeSans", "")


def test_right_to_left_names_come_out_in_reading_order(fonts: FontSet) -> None:
    hebrew, arabic = "דוד כהן", "محمد عبد الله"
    reader, _ = render(fonts, rows_of(["Anna", hebrew, arabic]), 3)
    text = reader.pages[1].extract_text()
    # The PDF holds them in visual order (as printed, right to left); a reader that applies the
    # bidi algorithm, as pypdf does, gets the logical order back. Text drawn in logical order
    # would come back reversed.
    assert hebrew in text
    assert hebrew[::-1] not in text
    # Printed joined (presentation forms); extracted as the letters typed, through the fonts'
    # ToUnicode maps (tests/bundles/test_shaping.py checks the same with poppler).
    assert arabic in text


def test_control_and_format_characters_do_not_print(fonts: FontSet) -> None:
    reader, _ = render(fonts, rows_of(["Ann\u200ba\u00ad Bell\x07e"]), 1)
    text = reader.pages[1].extract_text()
    assert "Anna Belle" in text
    assert UNPRINTABLE_MARKER not in text


# --- the contract with the caller -----------------------------------------------------------


def test_rows_are_read_twice_and_progress_is_reported(fonts: FontSet) -> None:
    calls = 0
    names = [f"Signer {n}" for n in range(1, 101)]
    inner = rows_of(names)

    def rows() -> Iterator[BundleRow]:
        nonlocal calls
        calls += 1
        return inner()

    seen: list[int] = []
    out = io.BytesIO()
    pages = render_bundle(out, make_header(100), rows, load_fonts(), progress=seen.append)
    assert calls == 2
    # 0 before the first signature page, then once per page, always moving forward
    assert seen[0] == 0
    assert seen[-1] == 100
    assert seen == sorted(set(seen))
    assert len(seen) >= 3
    assert pages >= 3


def test_empty_bundle_is_just_the_cover(fonts: FontSet) -> None:
    reader, pages = render(fonts, rows_of([]), 0)
    assert pages == len(reader.pages) == 1
    assert "0 signatures" in reader.pages[0].extract_text()


def test_count_that_differs_from_the_rows_is_refused(fonts: FontSet) -> None:
    out = io.BytesIO()
    with pytest.raises(BundleMismatch, match="says 5 signatures, the rows are 3"):
        render_bundle(out, make_header(5), rows_of(["A", "B", "C"]), fonts)
    assert out.getvalue() == b""


def test_rows_out_of_numbering_are_refused(fonts: FontSet) -> None:
    def rows() -> Iterator[BundleRow]:
        for number in (1, 2, 4):
            yield BundleRow(number, "Name", "City", "Country", date(2026, 1, 1), None)

    with pytest.raises(BundleMismatch, match="numbered 4 where 3 was expected"):
        render_bundle(io.BytesIO(), make_header(3), rows, fonts)


def test_rows_that_change_between_the_passes_are_refused(fonts: FontSet) -> None:
    passes = 0

    def rows() -> Iterator[BundleRow]:
        nonlocal passes
        passes += 1
        comment = "short" if passes == 1 else " ".join(["much longer now"] * 400)
        for number in range(1, 40):
            yield BundleRow(number, "Name", "City", "Country", date(2026, 1, 1), comment)

    out = io.BytesIO()
    with pytest.raises(BundleMismatch, match="changed between the two passes"):
        render_bundle(out, make_header(39), rows, fonts)
    assert out.getvalue() == b""


def test_bad_fingerprint_or_relative_verify_url_is_refused(fonts: FontSet) -> None:
    with pytest.raises(ValueError, match="64 hexadecimal"):
        render_bundle(io.BytesIO(), make_header(0, fingerprint="abc"), rows_of([]), fonts)
    with pytest.raises(ValueError, match="absolute"):
        render_bundle(io.BytesIO(), make_header(0, verify_url="/verify/x"), rows_of([]), fonts)


# --- fonts ----------------------------------------------------------------------------------


def test_default_fonts_are_dejavu_sans(fonts: FontSet) -> None:
    assert fonts.regular.path.endswith("DejaVuSans.ttf")
    assert fonts.bold.path.endswith("DejaVuSans-Bold.ttf")
    assert {"ў", "і", "Σ", "ж"} <= fonts.regular.chars


def test_bogus_font_paths_raise_fonts_missing_naming_the_package() -> None:
    with pytest.raises(FontsMissing) as raised:
        load_fonts(["/nonexistent/NoSuchFont.ttf", "/nonexistent/Other.ttf"])
    message = str(raised.value)
    assert "fonts-dejavu-core" in message
    assert "PDF_FONTS" in message
    assert "/nonexistent/NoSuchFont.ttf" in message


def test_without_dejavu_default_discovery_names_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from petitions import font_discovery

    monkeypatch.setattr(
        font_discovery,
        "PRIMARY_FACES",
        {role: ("DejaVu Sans", f"/nonexistent/{role}.ttf") for role in font_discovery.ROLES},
    )
    monkeypatch.setattr(shutil, "which", lambda _name: None)  # no fontconfig
    with pytest.raises(FontsMissing) as raised:
        load_fonts()
    assert "apt-get install fonts-dejavu-core" in str(raised.value)
    assert "PDF_FONTS" in str(raised.value)


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig is not installed")
def test_fontconfig_finds_dejavu_elsewhere_but_never_offers_a_substitute(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from petitions import font_discovery

    faces = dict(font_discovery.PRIMARY_FACES)
    faces["regular"] = ("DejaVu Sans:style=Book", "/nonexistent/DejaVuSans.ttf")
    monkeypatch.setattr(font_discovery, "PRIMARY_FACES", faces)
    assert load_fonts().regular.path.endswith("DejaVuSans.ttf")
    assert (
        font_discovery.locate("No Such Family", "/nonexistent/x.ttf", 0, "No Such Family") is None
    )
    # A style the family lacks is not answered with another style of it.
    pattern = "DejaVu Sans:style=Ultra Condensed Black"
    assert font_discovery.locate(pattern, "/nonexistent/x.ttf", 0, "DejaVu Sans") is None


def test_decomposed_letters_print_composed(fonts: FontSet) -> None:
    decomposed = "У\u0306ладзімір"  # Ў written as У + combining breve
    reader, _ = render(fonts, rows_of([decomposed]), 1)
    assert "Ўладзімір" in reader.pages[1].extract_text()


def test_a_file_that_is_no_truetype_font_raises_fonts_missing(tmp_path: Path) -> None:
    bogus = tmp_path / "font.ttf"
    bogus.write_bytes(b"not a font at all" * 10)
    with pytest.raises(FontsMissing, match="not a usable TrueType font"):
        load_fonts([str(bogus)])


def test_one_bad_entry_in_a_configured_list_is_not_skipped_silently() -> None:
    with pytest.raises(FontsMissing, match="no such file"):
        load_fonts([f"{DEJAVU_DIR}/DejaVuSans.ttf", "/nonexistent/Fallback.ttf"])


@pytest.mark.skipif(not WQY.exists(), reason="fonts-wqy-zenhei is not installed")
def test_a_ttc_subfont_can_be_configured_as_fallback() -> None:
    configured = load_fonts([f"{DEJAVU_DIR}/DejaVuSans.ttf", f"{WQY}#0"])
    assert configured.fallbacks[0].subfont_index == 0
    assert "王" in configured.fallbacks[0].chars
    # no bold configured: bold text uses the regular face
    assert configured.bold is configured.regular


# --- reading the PDF back -------------------------------------------------------------------


def postscript_name(registered: str) -> str:
    """The PostScript name a registered TrueType font carries in the PDF (after the subset tag)."""
    font: Any = pdfmetrics.getFont(registered)  # a TTFont: the stubs know only Font
    face_name = font.face.name
    return face_name.decode() if isinstance(face_name, bytes) else str(face_name)


def drawn_by_font(page: Any) -> dict[str, str]:
    """The text of a page grouped by the font it is drawn in (subset tags stripped)."""
    drawn: dict[str, str] = {}

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if font and text:
            name = str(font.get("/BaseFont", "")).lstrip("/")
            name = name.split("+", 1)[-1]
            drawn[name] = drawn.get(name, "") + text

    page.extract_text(visitor_text=visit)
    return drawn


def qr_forms(page: Any) -> list[Any]:
    resources = page["/Resources"]
    xobjects = resources.get("/XObject", {})
    return [
        ref.get_object()
        for name, ref in xobjects.items()
        if "QR" in str(name) and ref.get_object().get("/Subtype") == "/Form"
    ]


def rasterize_form(reader: PdfReader, form: Any, scale: float = 8.0) -> Any:
    """Paint a form XObject's filled rectangles into an image (enough for a QR code)."""
    from PIL import Image, ImageDraw

    x0, y0, x1, y1 = (float(v) for v in form["/BBox"])
    margin = 40
    width, height = int((x1 - x0) * scale), int((y1 - y0) * scale)
    image = Image.new("L", (width + 2 * margin, height + 2 * margin), 255)
    draw = ImageDraw.Draw(image)
    ctm: tuple[float, ...] = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple[float, ...]] = []
    fill = 0
    pending: list[float] | None = None
    for operands, operator in ContentStream(form, reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm  # noqa: N806
            ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E,
                   e * B + f * D + F)  # fmt: skip
        elif operator == b"rg":
            fill = int(255 * sum(float(v) for v in operands) / 3)
        elif operator == b"re":
            pending = [float(v) for v in operands]
        elif operator == b"n":
            pending = None
        elif operator in (b"f", b"f*", b"F") and pending is not None:
            x, y, w, h = pending
            corners = [(x, y), (x + w, y + h)]
            points = [(ctm[0] * px + ctm[2] * py + ctm[4], ctm[1] * px + ctm[3] * py + ctm[5])
                      for px, py in corners]  # fmt: skip
            xs = sorted(p[0] for p in points)
            ys = sorted(p[1] for p in points)
            draw.rectangle(
                (
                    margin + (xs[0] - x0) * scale,
                    margin + (y1 - ys[1]) * scale,
                    margin + (xs[1] - x0) * scale - 1,
                    margin + (y1 - ys[0]) * scale - 1,
                ),
                fill=fill,
            )
            pending = None
    return image
