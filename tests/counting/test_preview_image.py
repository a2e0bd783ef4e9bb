"""A petition's link preview image as a messenger shows it: found from the page, in its language,
with the count rounded so it changes as the petition grows, and the title inside the picture."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image

from petitions.cases import translations
from petitions.cases.models import Petition, Portrait
from petitions.counting import preview_image, previews
from petitions.counting.preview_image import HEIGHT, WIDTH, PreviewContent
from petitions.extensions import cache, db
from tests.factories import draft_petition, open_petition
from tests.helpers import parse

BE_TITLE = "Вызваліце Алеся Бяляцкага і ўсіх палітвязняў"
#: A solid colour no part of the design uses, to find the portrait in the image.
PORTRAIT_RED = (200, 30, 40)


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 800), PORTRAIT_RED).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def petition(app: Any) -> Petition:
    found = open_petition(title="Free Ales Bialiatski and all political prisoners")
    translations.save(found, "be", {"title": BE_TITLE}, by="test")
    data = _photo()
    found.case.portrait = Portrait(
        digest=hashlib.sha256(data).hexdigest(), content_type="image/png", data=data
    )
    found.count_base = 12345
    db.session.commit()
    return found


def image(client: FlaskClient, path: str) -> tuple[Image.Image, bytes, Any]:
    answer = client.get(path)
    assert answer.status_code == 200, path
    assert answer.mimetype == "image/png"
    data = answer.get_data()
    with Image.open(io.BytesIO(data)) as read:
        assert read.format == "PNG"
        read.load()
        return read.copy(), data, answer


def test_the_image_is_a_1200_by_630_png_any_cache_may_keep(
    client: FlaskClient, petition: Petition
) -> None:
    picture, _, answer = image(client, f"/p/{petition.slug}/preview/en.png")

    assert picture.size == (WIDTH, HEIGHT) == (1200, 630)
    assert answer.headers["Cache-Control"] == "public, max-age=3600"
    assert answer.headers["ETag"]
    assert "Set-Cookie" not in answer.headers
    assert "Cookie" not in answer.headers.get("Vary", "")
    # The portrait fills the right-hand strip.
    assert picture.convert("RGB").getpixel((1000, 315)) == PORTRAIT_RED


def test_a_client_holding_the_image_gets_a_304(client: FlaskClient, petition: Petition) -> None:
    first = client.get(f"/p/{petition.slug}/preview/en.png")
    again = client.get(
        f"/p/{petition.slug}/preview/en.png", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.get_data() == b""


def test_each_language_has_its_own_image(client: FlaskClient, petition: Petition) -> None:
    _, english, _ = image(client, f"/p/{petition.slug}/preview/en.png")
    _, belarusian, _ = image(client, f"/p/{petition.slug}/preview/be.png")
    _, russian, _ = image(client, f"/p/{petition.slug}/preview/ru.png")

    assert belarusian != english
    assert russian not in (english, belarusian)


def test_the_image_shows_the_title_and_count_in_the_language(app: Any, petition: Petition) -> None:
    belarusian = previews.preview_of(petition.slug, "be")
    russian = previews.preview_of(petition.slug, "ru")
    english = previews.preview_of(petition.slug, "en")
    assert belarusian is not None
    assert russian is not None
    assert english is not None

    assert belarusian.title == BE_TITLE
    assert russian.title == petition.title, "no Russian translation: the original"
    assert english.count == "More than 12,000 signatures"
    assert "12\u00a0000" in belarusian.count, "Belarusian groups digits with a space"
    lines = preview_image.layout(
        PreviewContent(belarusian.title, belarusian.count, belarusian.site, _photo()),
        previews.fonts(),
    )
    assert " ".join(line.text for line in lines.title) == BE_TITLE


def _count(petition: Petition, count: int) -> None:
    petition.count_base = count
    db.session.commit()
    cache.clear()  # what COUNT_CACHE_SECONDS does, without waiting for it


def test_the_count_step_changes_the_image_but_one_more_signature_does_not(
    client: FlaskClient, petition: Petition
) -> None:
    path = f"/p/{petition.slug}/preview/en.png"
    _, at_12345, first = image(client, path)

    _count(petition, 12346)
    _, at_12346, second = image(client, path)
    _count(petition, 13002)
    _, at_13002, third = image(client, path)

    assert at_12346 == at_12345
    assert second.headers["ETag"] == first.headers["ETag"]
    assert at_13002 != at_12345
    assert third.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize(
    ("count", "shown", "words"),
    [
        (0, 0, "0 signatures"),
        (1, 1, "1 signature"),
        (99, 99, "99 signatures"),
        (987, 980, "More than 980 signatures"),
        (1000, 1000, "1,000 signatures"),
        (12345, 12000, "More than 12,000 signatures"),
        (1234567, 1200000, "More than 1,200,000 signatures"),
    ],
)
def test_the_count_is_rounded_down_to_two_leading_digits(
    app: Any, count: int, shown: int, words: str
) -> None:
    assert previews.shown_count(count) == shown
    with app.test_request_context("/?lang=en"):
        assert previews.count_words(count) == words


def test_an_image_is_drawn_once_not_at_every_request(
    client: FlaskClient, petition: Petition, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[PreviewContent] = []
    draw = preview_image.render

    def counted(content: PreviewContent, fonts: preview_image.PreviewFonts) -> bytes:
        drawn.append(content)
        return draw(content, fonts)

    monkeypatch.setattr(preview_image, "render", counted)
    for _ in range(3):
        image(client, f"/p/{petition.slug}/preview/en.png")
    cache.delete(f"preview-spec:v{previews.DESIGN}:{petition.slug}:en")
    image(client, f"/p/{petition.slug}/preview/en.png")

    assert len(drawn) == 1


@pytest.mark.parametrize("language", ["xx", "EN", "en-GB", "be.png"])
def test_an_unknown_language_is_not_found(
    client: FlaskClient, petition: Petition, language: str
) -> None:
    assert client.get(f"/p/{petition.slug}/preview/{language}.png").status_code == 404


def test_drafts_and_unknown_petitions_have_no_image(client: FlaskClient, app: Any) -> None:
    draft = draft_petition()
    assert client.get(f"/p/{draft.slug}/preview/en.png").status_code == 404
    assert client.get("/p/no-such-petition/preview/en.png").status_code == 404


def _meta(page: Any, key: str) -> list[str]:
    found = page.select(f'meta[property="{key}"]') or page.select(f'meta[name="{key}"]')
    return [tag["content"] for tag in found]


def test_the_petition_page_names_its_image_in_its_language(
    client: FlaskClient, petition: Petition
) -> None:
    page = parse(client.get(f"/p/{petition.slug}?lang=be"))

    (url,) = _meta(page, "og:image")
    assert url == f"http://localhost/p/{petition.slug}/preview/be.png"
    assert _meta(page, "og:image:width") == ["1200"]
    assert _meta(page, "og:image:height") == ["630"]
    assert _meta(page, "og:image:type") == ["image/png"]
    (alt,) = _meta(page, "og:image:alt")
    assert alt
    assert _meta(page, "twitter:card") == ["summary_large_image"]
    assert _meta(page, "og:locale") == ["be_BY"]
    alternates = _meta(page, "og:locale:alternate")
    assert {"en_US", "ru_RU", "de_DE"} <= set(alternates)
    assert "be_BY" not in alternates
    picture, _, _ = image(client, url.removeprefix("http://localhost"))
    assert picture.size == (1200, 630)


def test_the_case_page_shows_its_newest_open_petitions_image(
    client: FlaskClient, petition: Petition
) -> None:
    newer = open_petition(case=petition.case, title="Let his family visit him")

    page = parse(client.get(f"/cases/{petition.case.slug}?lang=en"))

    assert _meta(page, "og:image") == [f"http://localhost/p/{newer.slug}/preview/en.png"]
    assert _meta(page, "twitter:card") == ["summary_large_image"]


# --- layout: the text stays inside the picture ----------------------------------------------


LONG_TITLE = (
    "Освободите Марию Колесникову, Максима Знака и всех политических заключённых Беларуси: "
    "Free Maria Kalesnikava, Maxim Znak and every political prisoner held in Belarus today "
)[:200]


@pytest.mark.parametrize("portrait", [True, False], ids=["portrait", "plain"])
@pytest.mark.parametrize(
    "title",
    [
        "Free Ales",
        LONG_TITLE,
        "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt" * 2,
        "Свабоду " * 40,
    ],
    ids=["short", "long", "one-long-word", "too-long"],
)
def test_every_text_box_lies_inside_the_text_area_and_none_overlap(
    app: Any, title: str, portrait: bool
) -> None:
    content = PreviewContent(
        title,
        "More than 1,200,000 signatures",
        "Solidarity petitions",
        _photo() if portrait else None,
    )
    placed = preview_image.layout(content, previews.fonts())

    canvas = preview_image.Box(0, 0, WIDTH, HEIGHT)
    assert canvas.contains(placed.text_area)
    if portrait:
        assert placed.portrait is not None
        assert placed.text_area.right < placed.portrait.left
    lines = [placed.site, *placed.title, placed.count]
    assert all(placed.text_area.contains(line.box) for line in lines), [line.box for line in lines]
    for upper, lower in zip(lines, lines[1:], strict=False):
        assert upper.box.bottom <= lower.box.top, (upper.text, lower.text)
    assert placed.title_size >= min(preview_image.TITLE_SIZES)


def test_a_short_title_is_drawn_large_and_a_long_one_smaller(app: Any) -> None:
    fonts = previews.fonts()
    short = preview_image.layout(PreviewContent("Free Ales", "5 signatures", "x"), fonts)
    long = preview_image.layout(PreviewContent(LONG_TITLE, "5 signatures", "x"), fonts)

    assert short.title_size == max(preview_image.TITLE_SIZES)
    assert long.title_size < short.title_size
    assert not long.cut
    assert " ".join(line.text for line in long.title) == " ".join(LONG_TITLE.split())


def test_a_title_too_long_for_the_smallest_size_ends_in_an_ellipsis(app: Any) -> None:
    placed = preview_image.layout(
        PreviewContent("Свабоду " * 40, "5 signatures", "x", _photo()), previews.fonts()
    )
    assert placed.cut
    assert placed.title_size == min(preview_image.TITLE_SIZES)
    assert placed.title[-1].text.endswith("…")


def test_without_fonts_the_image_is_unavailable_and_the_log_says_what_to_install(
    client: FlaskClient, app: Any, petition: Petition, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PDF_FONTS"] = ["/nonexistent/NoSuchFont.ttf"]

    answer = client.get(f"/p/{petition.slug}/preview/en.png")

    assert answer.status_code == 503
    assert "apt-get install fonts-dejavu-core" in caplog.text
    assert client.get(f"/p/{petition.slug}?lang=en").status_code == 200
