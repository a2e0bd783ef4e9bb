"""Organizer accounts: created from the CLI, logging in and out, brute force held back."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from petitions.accounts import access
from petitions.accounts.models import Organizer
from petitions.extensions import db
from tests.conftest import FreshContextClient, OrganizerBrowser, SmtpServer, csrf_token
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer
from tests.helpers import one, parse

WRONG = "That email address and password do not match an organizer account."


def test_the_cli_creates_an_organizer_from_a_password_on_stdin(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["organizer", "create", "Christie@Amnesty.example", "--admin"],
        input="a long enough password\n",
    )

    assert result.exit_code == 0, result.output
    assert "Created admin christie@amnesty.example" in result.output
    account = db.session.execute(select(Organizer)).scalar_one()
    assert account.is_admin
    assert "a long enough password" not in account.password_hash
    assert account.password_hash.startswith("scrypt:")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("short@example.org", "tooshort\n", "at least 10 characters"),
        ("not-an-address", "a long enough password\n", "is not an email address"),
    ],
)
def test_the_cli_refuses_bad_accounts(
    runner: FlaskCliRunner, email: str, password: str, message: str
) -> None:
    result = runner.invoke(args=["organizer", "create", email], input=password)

    assert result.exit_code != 0
    assert message in result.output
    assert db.session.execute(select(Organizer)).first() is None


def test_the_cli_refuses_a_second_account_with_the_same_address(runner: FlaskCliRunner) -> None:
    organizer("hanna@example.org")

    result = runner.invoke(
        args=["organizer", "create", "HANNA@example.org"], input="another long password\n"
    )

    assert result.exit_code != 0
    assert "exists already" in result.output


def hanna_logged_in_at() -> dt.datetime | None:
    db.session.expire_all()
    return db.session.execute(
        select(Organizer.last_login_at).where(Organizer.email == "hanna@example.org")
    ).scalar_one()


def test_an_organizer_logs_in_sees_the_dashboard_and_logs_out(
    organizer_browser: OrganizerBrowser, client: FlaskClient
) -> None:
    organizer("hanna@example.org")
    assert hanna_logged_in_at() is None

    answer = organizer_browser.log_in("Hanna@example.org", ORGANIZER_PASSWORD)

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/organizer/")
    assert hanna_logged_in_at() is not None
    dashboard = client.get("/organizer/").get_data(as_text=True)
    assert "Logged in as hanna@example.org" in dashboard
    out = organizer_browser.post("/organizer/logout")
    assert out.status_code == 303
    assert client.get("/organizer/").status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [("hanna@example.org", "wrong password!"), ("nobody@example.org", ORGANIZER_PASSWORD)],
    ids=["wrong-password", "unknown-address"],
)
def test_a_failed_login_does_not_tell_whether_the_account_exists(
    organizer_browser: OrganizerBrowser, client: FlaskClient, email: str, password: str
) -> None:
    organizer("hanna@example.org")

    answer = organizer_browser.log_in(email, password)

    assert answer.status_code == 401
    assert WRONG in answer.get_data(as_text=True)
    assert client.get("/organizer/").status_code == 302
    assert hanna_logged_in_at() is None  # a failed login writes nothing


def test_logout_needs_the_csrf_token(
    organizer_browser: OrganizerBrowser, client: FlaskClient
) -> None:
    organizer("hanna@example.org")
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)

    assert client.post("/organizer/logout").status_code == 400
    assert client.get("/organizer/").status_code == 200


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(
    organizer_browser: OrganizerBrowser, client: FlaskClient
) -> None:
    organizer("hanna@example.org")
    first = client.get("/organizer/cases/new")
    assert first.status_code == 302
    assert "/organizer/login?next=" in first.headers["Location"]

    page = client.get("/organizer/login?next=//evil.example/phish")
    token = (
        page.get_data(as_text=True)
        .split('name="csrf_token" type="hidden" value="')[1]
        .split('"')[0]
    )
    answer = client.post(
        "/organizer/login?next=//evil.example/phish",
        data={"email": "hanna@example.org", "password": ORGANIZER_PASSWORD, "csrf_token": token},
    )

    assert answer.headers["Location"].endswith("/organizer/")


def _browser(app: Flask) -> FlaskClient:
    """Another browser, its every request in an app context of its own (as in production)."""
    app.test_client_class = FreshContextClient
    return app.test_client()


def _log_in(client: FlaskClient, email: str, password: str, address: str) -> Any:
    """Log in from the client address ``address`` (a browser of its own unless ``client``)."""
    environ = {"REMOTE_ADDR": address}
    page = client.get("/organizer/login", environ_base=environ)
    return client.post(
        "/organizer/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
        environ_base=environ,
    )


def _refusal(answer: Any) -> str:
    alert = BeautifulSoup(answer.text, "html.parser").find(role="alert")
    assert alert is not None, answer.text
    return str(alert.text)


def test_one_guesser_is_stopped_and_the_owner_still_logs_in(
    app: Flask, client: FlaskClient
) -> None:
    organizer("hanna@example.org")
    guesser = _browser(app)

    codes = [
        _log_in(guesser, "hanna@example.org", "wrong password!", "198.51.100.7").status_code
        for _ in range(6)
    ]
    right_from_guesser = _log_in(guesser, "hanna@example.org", ORGANIZER_PASSWORD, "198.51.100.7")
    owner = _log_in(client, "hanna@example.org", ORGANIZER_PASSWORD, "203.0.113.5")

    assert codes == [401] * 5 + [429]
    assert right_from_guesser.status_code == 429
    assert "Too many wrong passwords for this account from your connection" in _refusal(
        right_from_guesser
    )
    assert int(right_from_guesser.headers["Retry-After"]) > 60
    assert owner.status_code == 303
    assert client.get("/organizer/").status_code == 200


def test_a_correct_password_is_not_counted_as_a_failure(app: Flask, client: FlaskClient) -> None:
    organizer("hanna@example.org")

    codes = []
    for _ in range(3):
        codes.append(
            _log_in(client, "hanna@example.org", "wrong password!", "203.0.113.5").status_code
        )
        codes.append(
            _log_in(client, "hanna@example.org", ORGANIZER_PASSWORD, "203.0.113.5").status_code
        )

    assert codes == [401, 303] * 3


@pytest.mark.parametrize(
    "config_overrides",
    [{"LOGIN_FAILURE_LIMIT": "3 per 15 minutes", "LOGIN_ACCOUNT_FAILURE_LIMIT": "6 per hour"}],
)
def test_many_guessers_together_are_stopped_but_the_owners_browser_gets_in(
    app: Flask, client: FlaskClient
) -> None:
    organizer("hanna@example.org")
    assert (
        _log_in(client, "hanna@example.org", ORGANIZER_PASSWORD, "203.0.113.5").status_code == 303
    )
    client.post(
        "/organizer/logout", data={"csrf_token": csrf_token(client.get("/organizer/").text)}
    )

    guessers = [f"198.51.100.{n}" for n in range(1, 4)]
    codes = [
        _log_in(_browser(app), "hanna@example.org", "wrong password!", guesser).status_code
        for guesser in guessers
        for _ in range(2)
    ]
    fresh = _browser(app)
    new_machine = _log_in(fresh, "hanna@example.org", ORGANIZER_PASSWORD, "192.0.2.99")
    owner = _log_in(client, "hanna@example.org", ORGANIZER_PASSWORD, "203.0.113.77")

    assert codes == [401] * 6
    assert new_machine.status_code == 429
    assert "only be logged into from a browser that has logged into it before" in _refusal(
        new_machine
    )
    assert new_machine.headers["Retry-After"]
    assert owner.status_code == 303, "the owner's browser is known to the account"
    assert client.get("/organizer/").status_code == 200


def test_guessing_many_accounts_from_one_address_is_held_back(
    organizer_browser: OrganizerBrowser,
) -> None:
    codes = [
        organizer_browser.log_in(f"guess{n}@example.org", "wrong password!").status_code
        for n in range(11)
    ]

    assert codes == [401] * 10 + [429]
    assert "Please slow down" in organizer_browser.log_in("x@example.org", "y").get_data(
        as_text=True
    )


# --- sessions end ---------------------------------------------------------------------------


def _logged_in_browser(app: Flask, email: str, address: str = "203.0.113.5") -> FlaskClient:
    browser = _browser(app)
    assert _log_in(browser, email, ORGANIZER_PASSWORD, address).status_code == 303
    return browser


def _contacts(browser: FlaskClient, slug: str) -> Any:
    return browser.get(f"/organizer/petitions/{slug}/contacts.csv")


def test_a_cookie_copied_before_logout_downloads_nothing_after_it(
    app: Flask, smtp: SmtpServer
) -> None:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    browser = _logged_in_browser(app, "hanna@example.org")
    cookie = browser.get_cookie("session")
    assert cookie is not None
    assert _contacts(browser, petition.slug).status_code == 200

    browser.post(
        "/organizer/logout", data={"csrf_token": csrf_token(browser.get("/organizer/").text)}
    )
    thief = _browser(app)
    thief.set_cookie("session", cookie.value)
    stolen = _contacts(thief, petition.slug)

    assert stolen.status_code == 302
    assert urlsplit(stolen.headers["Location"]).path == "/organizer/login"
    assert stolen.mimetype != "text/csv"


def test_logging_out_on_one_device_ends_the_session_on_the_others(
    app: Flask, smtp: SmtpServer
) -> None:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    laptop = _logged_in_browser(app, "hanna@example.org")
    phone = _logged_in_browser(app, "hanna@example.org", "198.51.100.20")

    laptop.post(
        "/organizer/logout", data={"csrf_token": csrf_token(laptop.get("/organizer/").text)}
    )

    assert _contacts(phone, petition.slug).status_code == 302
    assert phone.get("/organizer/").status_code == 302


def test_a_password_change_ends_every_session_and_the_old_password(
    app: Flask, runner: FlaskCliRunner, smtp: SmtpServer
) -> None:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    laptop = _logged_in_browser(app, "hanna@example.org")

    result = runner.invoke(
        args=["organizer", "password", "Hanna@example.org"],
        input="quiet river under seven bridges\n",
    )

    assert result.exit_code == 0, result.output
    assert "every session of it has ended" in result.output
    assert _contacts(laptop, petition.slug).status_code == 302
    old = _log_in(_browser(app), "hanna@example.org", ORGANIZER_PASSWORD, "192.0.2.1")
    assert old.status_code == 401
    new = _browser(app)
    assert (
        _log_in(
            new, "hanna@example.org", "quiet river under seven bridges", "192.0.2.1"
        ).status_code
        == 303
    )
    assert _contacts(new, petition.slug).status_code == 200


def test_the_cli_refuses_a_weak_new_password_and_keeps_the_old_one(
    app: Flask, runner: FlaskCliRunner
) -> None:
    organizer("hanna@example.org")

    result = runner.invoke(
        args=["organizer", "password", "hanna@example.org"], input="qwertyuiop\n"
    )

    assert result.exit_code != 0
    assert "too easy to guess" in result.output
    assert (
        _log_in(_browser(app), "hanna@example.org", ORGANIZER_PASSWORD, "192.0.2.1").status_code
        == 303
    )


def test_a_session_left_idle_ends(
    app: Flask, monkeypatch: pytest.MonkeyPatch, smtp: SmtpServer
) -> None:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    browser = _logged_in_browser(app, "hanna@example.org")
    idle = app.config["ORGANIZER_IDLE_SECONDS"]
    start = time.time()

    monkeypatch.setattr(access, "time", SimpleNamespace(time=lambda: start + idle - 120))
    still_working = _contacts(browser, petition.slug).status_code
    monkeypatch.setattr(access, "time", SimpleNamespace(time=lambda: start + 2 * idle - 180))
    kept_alive_by_use = _contacts(browser, petition.slug).status_code
    monkeypatch.setattr(access, "time", SimpleNamespace(time=lambda: start + 3 * idle))
    after_idling = _contacts(browser, petition.slug)

    assert (still_working, kept_alive_by_use) == (200, 200)
    assert after_idling.status_code == 302
    assert idle == 2 * 3600


@pytest.mark.parametrize(
    "password",
    [" " * 10, "          \t", "password123", "qwertyuiop", "1234567890", "hanna@example.org"],
    ids=["ten-spaces", "whitespace", "common", "keyboard-row", "digits", "own-address"],
)
def test_the_cli_refuses_blank_and_common_passwords(runner: FlaskCliRunner, password: str) -> None:
    result = runner.invoke(args=["organizer", "create", "hanna@example.org"], input=password + "\n")

    assert result.exit_code != 0
    assert "only spaces" in result.output or "too easy to guess" in result.output
    assert db.session.execute(select(Organizer)).first() is None


def _change_password(
    browser: FlaskClient, current: str, new: str, repeat: str | None = None
) -> Any:
    page = browser.get("/organizer/password")
    assert page.status_code == 200
    return browser.post(
        "/organizer/password",
        data={
            "current_password": current,
            "new_password": new,
            "repeat_password": new if repeat is None else repeat,
            "csrf_token": csrf_token(page.text),
        },
    )


def _field_error(answer: Any, name: str) -> str:
    soup = BeautifulSoup(answer.text, "html.parser")
    error = soup.find(id=f"{name}-error")
    assert error is not None, answer.text
    return str(error.text)


def test_an_organizer_changes_the_password_and_the_other_sessions_end(
    app: Flask, smtp: SmtpServer
) -> None:
    petition = open_petition()
    organizer("hanna@example.org", cases=(petition.case,))
    laptop = _logged_in_browser(app, "hanna@example.org")
    phone = _logged_in_browser(app, "hanna@example.org", "198.51.100.20")

    answer = _change_password(laptop, ORGANIZER_PASSWORD, "quiet river under seven bridges")

    assert answer.status_code == 303
    assert _contacts(laptop, petition.slug).status_code == 200, "this browser stays logged in"
    assert _contacts(phone, petition.slug).status_code == 302
    fresh = _browser(app)
    assert (
        _log_in(
            fresh, "hanna@example.org", "quiet river under seven bridges", "192.0.2.1"
        ).status_code
        == 303
    )


@pytest.mark.parametrize(
    ("current", "new", "repeat", "field", "message"),
    [
        (
            "wrong password!",
            "quiet river under seven bridges",
            None,
            "current_password",
            "not your current password",
        ),
        (ORGANIZER_PASSWORD, "password123", None, "new_password", "too easy to guess"),
        (ORGANIZER_PASSWORD, " " * 12, None, "new_password", "Please enter a new password"),
        (
            ORGANIZER_PASSWORD,
            "quiet river under seven bridges",
            "quiet river",
            "repeat_password",
            "differ",
        ),
    ],
    ids=["wrong-current", "common", "blank", "mismatch"],
)
def test_a_refused_password_change_says_why_and_changes_nothing(
    app: Flask,
    smtp: SmtpServer,
    current: str,
    new: str,
    repeat: str | None,
    field: str,
    message: str,
) -> None:
    organizer("hanna@example.org")
    browser = _logged_in_browser(app, "hanna@example.org")

    answer = _change_password(browser, current, new, repeat)

    assert answer.status_code == 422
    assert message in _field_error(answer, field)
    assert browser.get("/organizer/").status_code == 200
    assert (
        _log_in(_browser(app), "hanna@example.org", ORGANIZER_PASSWORD, "192.0.2.1").status_code
        == 303
    )


def test_the_chosen_language_survives_the_login(client: FlaskClient) -> None:
    organizer("hanna@example.org")
    page = client.get("/organizer/login?lang=be")
    assert one(parse(page), "html")["lang"] == "be"

    answer = client.post(
        "/organizer/login",
        data={
            "email": "hanna@example.org",
            "password": ORGANIZER_PASSWORD,
            "csrf_token": csrf_token(page.get_data(as_text=True)),
        },
    )

    assert answer.status_code == 303
    dashboard = parse(client.get("/organizer/"))
    assert one(dashboard, "html")["lang"] == "be"
    assert one(dashboard, "main h1").get_text(strip=True) != "Your campaigns"
