"""Input no page can use: NUL bytes anywhere, and request bodies too large to take."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from petitions.embeds import services as embeds
from tests.conftest import SmtpServer, csrf_token
from tests.factories import open_petition
from tests.helpers import one


def page_text(answer: Any) -> tuple[str, str]:
    soup = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
    assert soup.title is not None
    assert soup.main is not None
    return soup.title.text, soup.main.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/p/%00", 404),
        ("/p/{slug}%00", 404),
        ("/api/v1/petitions/%00", 404),
        ("/badge/%00.svg", 404),
        ("/cases/%00", 404),
        ("/embed/{slug}?partner=%00", 400),
        ("/embed/{slug}/counter?partner=x%00y", 400),
        ("/api/v1/petitions?cursor=%00", 400),
        ("/p/{slug}?ref=%00", 400),
        ("/p/{slug}?lang=r%00u", 400),
    ],
)
def test_a_nul_byte_in_the_address_is_refused_without_an_error(
    client: FlaskClient,
    smtp: SmtpServer,
    caplog: pytest.LogCaptureFixture,
    path: str,
    status: int,
) -> None:
    petition = open_petition()
    embeds.add_partner(petition, "Amnesty NL", "amnesty-nl", ("https://amnesty.example",))
    caplog.set_level(logging.INFO)

    answer = client.get(path.format(slug=petition.slug))

    assert answer.status_code == status
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    if path.startswith("/api/"):
        assert answer.json is not None
        assert answer.json["error"]["status"] == status
    else:
        title, main = page_text(answer)
        assert ("Page not found" if status == 404 else "Error 400") in title
        assert "Please go back" in main or "mistyped" in main


@pytest.mark.parametrize("field", ["email", "password"])
def test_a_nul_byte_in_the_login_form_is_refused_next_to_its_field(
    client: FlaskClient, smtp: SmtpServer, caplog: pytest.LogCaptureFixture, field: str
) -> None:
    page = client.get("/organizer/login")
    data = {"email": "hanna@example.org", "password": "some password", field: "hanna\x00x"}
    caplog.set_level(logging.INFO)

    answer = client.post(
        "/organizer/login",
        data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))},
    )

    assert answer.status_code == 422
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    soup = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
    error = soup.find(id=f"{field}-error")
    assert error is not None
    assert "invisible control character" in error.text
    if field == "email":
        assert one(soup, 'input[name="email"]')["value"] == "hanna\x00x"


# --- sizes ------------------------------------------------------------------------------------


def test_a_huge_form_post_is_refused_with_413(client: FlaskClient, smtp: SmtpServer) -> None:
    petition = open_petition()
    page = client.get(f"/p/{petition.slug}")
    token = csrf_token(page.get_data(as_text=True))

    answer = client.post(
        f"/p/{petition.slug}/sign",
        data={"csrf_token": token, "comment": "x" * (9 * 1024 * 1024)},
    )

    assert answer.status_code == 413
    title, main = page_text(answer)
    assert "Too much to send" in title
    assert "send it again" in main


def test_a_form_field_larger_than_the_form_memory_limit_is_refused(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    petition = open_petition()
    page = client.get(f"/p/{petition.slug}")

    answer = client.post(
        f"/p/{petition.slug}/sign",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "comment": "x" * (600 * 1024),
        },
    )

    assert answer.status_code == 413


def test_a_form_with_too_many_fields_is_refused(client: FlaskClient, smtp: SmtpServer) -> None:
    petition = open_petition()

    answer = client.post(
        f"/p/{petition.slug}/sign",
        data={f"f{n}": "1" for n in range(1200)},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 413
