"""A case's portrait: uploaded by its organizer, stripped of metadata, served from our origin."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from PIL import ExifTags, Image
from sqlalchemy import func, select

from petitions.cases.models import Case, Portrait
from petitions.extensions import db
from tests.conftest import OrganizerBrowser, SmtpServer
from tests.manage.conftest import CASE_FORM

#: Somewhere in Minsk: what a phone writes into a photo taken at home.
LATITUDE = (53.0, 54.0, 0.0)


def photo(kind: str = "JPEG", size: tuple[int, int] = (64, 48)) -> bytes:
    """A small photo as a phone would save it: with the camera and the GPS position in EXIF."""
    image = Image.new("RGB", size, (138, 21, 56))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = LATITUDE
    output = io.BytesIO()
    image.save(output, kind, exif=exif)
    data = output.getvalue()
    if kind != "GIF":
        assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo), "GPS"
    return data


def upload(hanna: OrganizerBrowser, data: bytes, name: str, content_type: str) -> Any:
    return hanna.post(
        "/organizer/cases/new",
        {**CASE_FORM, "portrait": (io.BytesIO(data), name, content_type)},
        page="/organizer/cases/new",
    )


def portrait_src(client: FlaskClient) -> str:
    soup = BeautifulSoup(client.get("/cases/maria-kalesnikava").get_data(as_text=True), "lxml")
    image = soup.select_one("main img.portrait")
    assert image is not None, "the case page shows the portrait"
    assert image["alt"] == "Portrait of Maria Kalesnikava"
    return str(image["src"])


@pytest.mark.parametrize(
    ("kind", "name", "content_type"),
    [
        ("JPEG", "maria.jpg", "image/jpeg"),
        ("PNG", "maria.png", "image/png"),
        ("WEBP", "maria.webp", "image/webp"),
    ],
)
def test_an_uploaded_portrait_is_served_by_us_without_its_gps_position(
    hanna: OrganizerBrowser,
    client: FlaskClient,
    smtp: SmtpServer,
    kind: str,
    name: str,
    content_type: str,
) -> None:
    created = upload(hanna, photo(kind), name, content_type)
    assert created.status_code == 303

    src = portrait_src(client)
    assert src.startswith("/cases/maria-kalesnikava/portrait/"), "our own origin"
    served = client.get(src)

    assert served.status_code == 200
    assert served.mimetype == content_type
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.cache_control.public
    assert served.cache_control.max_age == 31536000
    assert "Set-Cookie" not in served.headers
    assert src.endswith(hashlib.sha256(served.get_data()).hexdigest()), "the URL names its bytes"
    image = Image.open(io.BytesIO(served.get_data()))
    assert image.format == kind
    assert image.size == (64, 48)
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo), "no GPS position"
    assert ExifTags.Base.Make not in exif
    assert b"PhoneMaker" not in served.get_data()


def test_the_site_allows_images_only_from_itself(client: FlaskClient, smtp: SmtpServer) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]

    (images,) = [part.strip() for part in policy.split(";") if "img-src" in part]
    assert images == "img-src 'self' data:"


@pytest.mark.parametrize(
    ("data", "name", "content_type", "message"),
    [
        (b"<script>alert(1)</script>", "maria.jpg", "image/jpeg", "is not a JPEG, PNG or WebP"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "maria.png",
            "image/png",
            "is not a JPEG, PNG or WebP",
        ),
        (b"GIF89a" + b"\x00" * 40, "maria.webp", "image/webp", "is not a JPEG, PNG or WebP"),
        (b"<svg></svg>", "maria.svg", "image/svg+xml", "Please choose a JPEG, PNG or WebP"),
        (photo("JPEG")[:200], "maria.jpg", "image/jpeg", "is not a JPEG, PNG or WebP"),
        (photo("GIF"), "maria.jpg", "image/jpeg", "is not a JPEG, PNG or WebP"),
    ],
    ids=["script", "svg-as-png", "gif-bytes", "svg-name", "truncated", "gif-as-jpg"],
)
def test_a_file_that_is_not_a_photo_is_refused_and_the_form_kept(
    hanna: OrganizerBrowser,
    client: FlaskClient,
    smtp: SmtpServer,
    data: bytes,
    name: str,
    content_type: str,
    message: str,
) -> None:
    refused = upload(hanna, data, name, content_type)

    assert refused.status_code == 422
    soup = BeautifulSoup(refused.get_data(as_text=True), "lxml")
    error = soup.select_one("#portrait-error")
    assert error is not None
    assert message in error.get_text()
    name_field = soup.select_one("input#prisoner_name")
    assert name_field is not None
    assert name_field["value"] == "Maria Kalesnikava", "what was typed is kept"
    assert db.session.execute(select(func.count()).select_from(Case)).scalar() == 0
    assert db.session.execute(select(func.count()).select_from(Portrait)).scalar() == 0


def test_an_image_claiming_a_huge_canvas_is_refused_before_it_is_decoded(
    hanna: OrganizerBrowser, client: FlaskClient, smtp: SmtpServer
) -> None:
    output = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(output, "PNG")  # 100 megapixels in a few kilobytes

    refused = upload(hanna, output.getvalue(), "maria.png", "image/png")

    assert refused.status_code == 422
    error = BeautifulSoup(refused.get_data(as_text=True), "lxml").select_one("#portrait-error")
    assert error is not None
    assert "at most 40 megapixels" in error.get_text()
    assert db.session.execute(select(func.count()).select_from(Case)).scalar() == 0


def test_a_new_portrait_gets_a_new_address_and_can_be_removed(
    hanna: OrganizerBrowser, client: FlaskClient, smtp: SmtpServer
) -> None:
    assert upload(hanna, photo("JPEG"), "maria.jpg", "image/jpeg").status_code == 303
    first = portrait_src(client)

    replaced = hanna.post(
        "/organizer/cases/maria-kalesnikava/edit",
        {**CASE_FORM, "portrait": (io.BytesIO(photo("PNG", (80, 60))), "new.png", "image/png")},
        page="/organizer/cases/maria-kalesnikava/edit",
    )

    assert replaced.status_code == 303
    second = portrait_src(client)
    assert second != first
    assert client.get(first).status_code == 404, "the old address names bytes that are gone"
    assert client.get(second).mimetype == "image/png"

    removed = hanna.post(
        "/organizer/cases/maria-kalesnikava/edit",
        {**CASE_FORM, "remove_portrait": "y"},
        page="/organizer/cases/maria-kalesnikava/edit",
    )

    assert removed.status_code == 303
    soup = BeautifulSoup(client.get("/cases/maria-kalesnikava").get_data(as_text=True), "lxml")
    assert soup.select_one("main img.portrait") is None
    assert client.get(second).status_code == 404
    assert db.session.execute(select(func.count()).select_from(Portrait)).scalar() == 0


def test_editing_without_a_file_keeps_the_portrait(
    hanna: OrganizerBrowser, client: FlaskClient, smtp: SmtpServer
) -> None:
    assert upload(hanna, photo("JPEG"), "maria.jpg", "image/jpeg").status_code == 303
    before = portrait_src(client)

    saved = hanna.post(
        "/organizer/cases/maria-kalesnikava/edit",
        {**CASE_FORM, "sentence": "11 years, in isolation"},
        page="/organizer/cases/maria-kalesnikava/edit",
    )

    assert saved.status_code == 303
    assert portrait_src(client) == before
