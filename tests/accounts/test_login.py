"""Organizer accounts: created from the CLI, logging in and out, brute force held back."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from petitions.accounts.models import Organizer
from petitions.extensions import db
from tests.conftest import OrganizerBrowser
from tests.factories import ORGANIZER_PASSWORD, organizer

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


def test_an_organizer_logs_in_sees_the_dashboard_and_logs_out(
    organizer_browser: OrganizerBrowser, client: FlaskClient
) -> None:
    organizer("hanna@example.org")

    answer = organizer_browser.log_in("Hanna@example.org", ORGANIZER_PASSWORD)

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/organizer/")
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


def _attempts(browser: OrganizerBrowser, email: str, count: int) -> list[Any]:
    return [browser.log_in(email, "wrong password!").status_code for _ in range(count)]


def test_guessing_one_accounts_password_is_held_back(organizer_browser: OrganizerBrowser) -> None:
    organizer("hanna@example.org")

    codes = _attempts(organizer_browser, "hanna@example.org", 6)

    assert codes == [401] * 5 + [429]
    # Even the right password waits now: the limit is on the account, not on wrong guesses.
    assert organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD).status_code == 429


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
