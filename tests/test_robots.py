"""Search engines: public campaign pages are indexable, organizer pages and signing steps not."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from petitions.tokens import confirm_token, withdraw_token
from tests.conftest import OrganizerBrowser, SmtpServer, Supporter
from tests.factories import ORGANIZER_PASSWORD, confirmed_signature, open_petition, organizer
from tests.signing.test_links import expired_confirm_token


def noindex(answer: Any) -> bool:
    return "noindex" in answer.headers.get("X-Robots-Tag", "")


@pytest.fixture
def logged_in(organizer_browser: OrganizerBrowser) -> OrganizerBrowser:
    petition = open_petition(slug="free-ales")
    organizer("hanna@example.org", cases=(petition.case,))
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    return organizer_browser


@pytest.mark.parametrize(
    "path",
    [
        "/organizer/login",
        "/organizer/",
        "/organizer/petitions/free-ales",
        "/organizer/petitions/free-ales/chart.svg",
        "/organizer/petitions/free-ales/signatures.csv",
        "/organizer/petitions/free-ales/partners/",
        "/organizer/no-such-page",
    ],
)
def test_organizer_pages_are_not_indexed(
    logged_in: OrganizerBrowser, client: FlaskClient, smtp: SmtpServer, path: str
) -> None:
    answer = client.get(path)

    assert answer.status_code in (200, 404), (path, answer.status_code)
    assert noindex(answer), path


def test_the_login_page_is_not_indexed_for_a_stranger(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    answer = client.get("/organizer/")

    assert answer.status_code == 302
    assert noindex(answer)
    assert noindex(client.get(answer.headers["Location"]))


def test_the_signing_steps_are_not_indexed(
    app: Flask, client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    signed = supporter.sign(petition.slug)
    assert signed.status_code == 303
    signature = confirmed_signature(petition)

    answers = {
        "check your inbox": client.get(signed.headers["Location"]),
        "confirm": client.get(f"/confirm/{confirm_token(signature.id)}"),
        "withdraw": client.get(f"/withdraw/{withdraw_token(signature.id)}"),
        "expired link": client.get(f"/confirm/{expired_confirm_token(app, signature.id)}"),
        "invalid link": client.get("/confirm/not-a-token"),
        "form with errors": supporter.sign(petition.slug, email="not-an-address"),
    }
    supporter.deliver()
    smtp.take_one()

    for step, answer in answers.items():
        assert answer.status_code in (200, 400, 410, 422), (step, answer.status_code)
        assert noindex(answer), step


def test_public_pages_stay_indexable(client: FlaskClient, smtp: SmtpServer) -> None:
    petition = open_petition()

    for path in ("/", f"/cases/{petition.case.slug}", f"/p/{petition.slug}"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert not noindex(answer), path
