"""Configuration from the environment, the development mailbox, and the demo data command."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from petitions import create_app
from petitions.cases.demo import DEMO_CASE_SLUG, DEMO_PETITION_SLUG
from petitions.cases.models import Case, Petition, PetitionStatus, TimelineEntry
from petitions.config import ConfigError
from petitions.extensions import db
from petitions.mail.worker import drain_once
from petitions.signing.models import Signature, SignatureState
from tests.conftest import VALID_SIGNER, SmtpServer, Supporter, csrf_token
from tests.factories import detained_case, open_petition
from tests.helpers import main_text, text


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    """No MAIL_URL: in development, mails go to the development mailbox."""
    return {"MAIL_URL": ""}


def count(model: type[Any]) -> int:
    counted: int = db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
    return counted


# --- refusing to start ----------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_production_refuses_to_start_without_a_secret_key(
    monkeypatch: pytest.MonkeyPatch, secret: str | None
) -> None:
    monkeypatch.setenv("PETITIONS_ENV", "production")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)

    with pytest.raises(ConfigError, match="SECRET_KEY") as refused:
        create_app()

    assert "refuses to start" in str(refused.value)
    assert "token_urlsafe" in str(refused.value), "the message says how to make one"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PORT", "five thousand", "PORT must be a whole number, not 'five thousand'."),
        ("TRUSTED_PROXY_COUNT", "1.5", "TRUSTED_PROXY_COUNT must be a whole number, not '1.5'."),
        ("CONFIRM_TOKEN_MAX_AGE", "7d", "CONFIRM_TOKEN_MAX_AGE must be a whole number, not '7d'."),
        (
            "EMAIL_CHECK_DELIVERABILITY",
            "maybe",
            "EMAIL_CHECK_DELIVERABILITY must be true or false, not 'maybe'.",
        ),
        (
            "EMAIL_DNS_TIMEOUT",
            "soon",
            "EMAIL_DNS_TIMEOUT must be a number of seconds above 0, not 'soon'.",
        ),
        (
            "EMAIL_DNS_TIMEOUT",
            "0",
            "EMAIL_DNS_TIMEOUT must be a number of seconds above 0, not '0'.",
        ),
        (
            "EMAIL_DNS_NAMESERVERS",
            "10.0.0.1, 10.0.0.2:dns",
            "EMAIL_DNS_NAMESERVERS must list name servers as host or host:port, separated by "
            "commas, not '10.0.0.2:dns'.",
        ),
    ],
)
def test_a_malformed_setting_is_named_in_the_error(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigError) as refused:
        create_app()

    assert str(refused.value) == message


def test_a_malformed_force_https_is_named_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PETITIONS_ENV", "production")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("FORCE_HTTPS", "perhaps")
    monkeypatch.setenv("MAIL_URL", "smtp://127.0.0.1:25")
    monkeypatch.setenv("MAIL_FROM", "Petitions <petitions@example.org>")
    monkeypatch.setenv("BASE_URL", "https://petitions.example.org")

    with pytest.raises(ConfigError, match="FORCE_HTTPS must be true or false, not 'perhaps'"):
        create_app()


def test_name_servers_for_the_deliverability_check_are_read_with_their_ports(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EMAIL_DNS_NAMESERVERS", "10.0.0.1, [::1]:5353,")
    monkeypatch.setenv("EMAIL_DNS_TIMEOUT", "1.5")

    app = create_app()

    assert app.config["EMAIL_DNS_NAMESERVERS"] == [("10.0.0.1", 53), ("::1", 5353)]
    assert app.config["EMAIL_DNS_TIMEOUT"] == 1.5


@pytest.mark.parametrize("mail_url", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_production_refuses_to_start_without_a_mail_server(
    monkeypatch: pytest.MonkeyPatch, mail_url: str | None
) -> None:
    monkeypatch.setenv("PETITIONS_ENV", "production")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    if mail_url is None:
        monkeypatch.delenv("MAIL_URL", raising=False)
    else:
        monkeypatch.setenv("MAIL_URL", mail_url)

    with pytest.raises(ConfigError, match="MAIL_URL is not set") as refused:
        create_app()

    assert "smtps://" in str(refused.value), "the message says what to set"


def _production_environment(monkeypatch: pytest.MonkeyPatch, **settings: str) -> None:
    """Set a complete production environment, then ``settings`` (an empty value unsets)."""
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    defaults = {
        "PETITIONS_ENV": "production",
        "SECRET_KEY": "k3Jw-9vQxT2_pLmN8rZ4sYbH6cVfA1dGeU0oWiKq",
        "MAIL_URL": "smtp://127.0.0.1:25",
        "MAIL_FROM": "Petitions <petitions@example.org>",
        "BASE_URL": "https://petitions.example.org",
    }
    for name, value in {**defaults, **settings}.items():
        if value:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"PETITIONS_ENV": "prod"}, "PETITIONS_ENV must be development or production, not 'prod'."),
        ({"PETITIONS_ENV": "Staging"}, "PETITIONS_ENV must be development or production"),
        ({"FLASK_DEBUG": "1"}, "FLASK_DEBUG is on with PETITIONS_ENV=production"),
        ({"SECRET_KEY": "x"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "a" * 64}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "secret-key-2024"}, "SECRET_KEY is too weak"),
        ({"MAIL_FROM": ""}, "MAIL_FROM is not set"),
        ({"MAIL_FROM": "Petitions <petitions@localhost>"}, "MAIL_FROM is not set"),
        ({"BASE_URL": ""}, "BASE_URL is not set"),
        ({"BASE_URL": "petitions.example.org"}, "BASE_URL must be an absolute http"),
    ],
    ids=[
        "prod",
        "staging",
        "debug",
        "one-letter-key",
        "repetitive-key",
        "short-key",
        "no-mail-from",
        "default-mail-from",
        "no-base-url",
        "relative-base-url",
    ],
)
def test_production_refuses_to_start_with_unsafe_settings(
    monkeypatch: pytest.MonkeyPatch, settings: dict[str, str], message: str
) -> None:
    _production_environment(monkeypatch, **settings)

    with pytest.raises(ConfigError) as refused:
        create_app()

    assert str(refused.value).startswith(message)


def test_an_unknown_environment_is_refused_even_without_production_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PETITIONS_ENV", "prod")

    with pytest.raises(ConfigError, match="not 'prod'"):
        create_app()


def test_production_with_debug_never_serves_the_mailbox(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _production_environment(monkeypatch, FLASK_DEBUG="1", MAIL_URL="")

    with pytest.raises(ConfigError, match="FLASK_DEBUG"):
        create_app()


def test_without_base_url_the_cli_builds_links_for_the_port_the_web_started_on(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "6501")
    web = create_app()  # `PORT=6501 make run`

    monkeypatch.delenv("PORT")
    command_line = create_app()  # `flask bundle …` in another shell

    assert web.config["BASE_URL"] == "http://127.0.0.1:6501"
    assert command_line.config["BASE_URL"] == "http://127.0.0.1:6501"
    with command_line.app_context():
        from petitions.links import absolute_url

        assert absolute_url("bundles.verify", fingerprint="ab12").startswith(
            "http://127.0.0.1:6501/verify/"
        )


# --- production ------------------------------------------------------------------------------


@pytest.fixture
def production_app(
    monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path
) -> Iterator[Flask]:
    """The app as PETITIONS_ENV=production builds it."""
    monkeypatch.setenv("PETITIONS_ENV", "production")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("MAIL_URL", "smtp://127.0.0.1:25")
    monkeypatch.setenv("MAIL_FROM", "Petitions <petitions@example.org>")
    monkeypatch.setenv("BASE_URL", "https://petitions.example.org")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DEV_MAILBOX_DIR": str(tmp_path / "mailbox"),
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_production_has_no_development_mailbox(production_app: Flask) -> None:
    assert production_app.config["PETITIONS_ENV"] == "production"
    client = production_app.test_client()

    for path in ("/dev/mailbox/", "/dev/mailbox", "/dev/mailbox/" + "a" * 32):
        answer = client.get(path, base_url="https://petitions.example.org")
        assert answer.status_code == 404, path
        assert "Page not found" in main_text(answer)


def test_production_insists_on_https(production_app: Flask) -> None:
    client = production_app.test_client()

    plain = client.get("/", base_url="http://petitions.example.org")
    secure = client.get("/", base_url="https://petitions.example.org")

    assert plain.status_code in {301, 302}
    assert plain.headers["Location"].startswith("https://petitions.example.org/")
    assert secure.status_code == 200
    assert "max-age=" in secure.headers["Strict-Transport-Security"]
    assert production_app.config["SESSION_COOKIE_SECURE"] is True
    assert production_app.config["EMAIL_CHECK_DELIVERABILITY"] is True


# --- the development mailbox ----------------------------------------------------------------


def test_without_a_mail_server_mails_land_in_the_development_mailbox(
    app: Flask, client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    assert app.config["PETITIONS_ENV"] == "development"
    petition = open_petition(title="Free Ales Bialiatski")
    assert "No mail yet." in main_text(client.get("/dev/mailbox/"))

    assert supporter.sign(petition.slug).status_code == 303
    report = drain_once()

    assert report.sent == 1
    listing = text(client.get("/dev/mailbox/"))
    assert "Please confirm your signature: Free Ales Bialiatski" in listing
    assert VALID_SIGNER["email"] in listing
    [mail_path] = re.findall(r'href="(/dev/mailbox/[0-9a-f]{32})"', listing)
    page = client.get(mail_path)
    assert page.status_code == 200
    html = text(page)
    assert "You signed as: Christie Miedema, Den Haag" in " ".join(html.split())
    links = re.findall(r'<a href="http://localhost(/confirm/[^"]+)"', html)
    assert len(links) == 1, html
    assert re.search(r'<a href="http://localhost/withdraw/[^"]+"', html)

    shown = client.get(links[0])
    assert "Confirm my signature" in main_text(shown)
    pressed = client.post(links[0], data={"csrf_token": csrf_token(text(shown))})
    assert "your signature is confirmed" in main_text(pressed)
    db.session.expire_all()
    assert db.session.execute(db.select(Signature)).scalar_one().state is SignatureState.CONFIRMED
    smtp.take(0)


@pytest.mark.parametrize("name", ["not-a-mail", "0" * 32, "../../secret_key"])
def test_the_development_mailbox_shows_only_kept_mails(
    client: FlaskClient, smtp: SmtpServer, name: str
) -> None:
    answer = client.get(f"/dev/mailbox/{name}")

    assert answer.status_code == 404
    assert "Page not found" in main_text(answer)


@pytest.mark.parametrize("config_overrides", [{}])  # conftest's MAIL_URL: a real SMTP server
def test_with_a_mail_server_there_is_no_development_mailbox(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    assert client.get("/dev/mailbox/").status_code == 404


# --- demo data ------------------------------------------------------------------------------


def test_demo_data_loads_the_bialiatski_case_once(
    client: FlaskClient, runner: FlaskCliRunner, smtp: SmtpServer
) -> None:
    first = runner.invoke(args=["demo-data"])

    assert first.exit_code == 0, first.output
    assert "Loaded the demo case and its open petition." in first.output
    case = db.session.execute(db.select(Case)).scalar_one()
    petition = db.session.execute(db.select(Petition)).scalar_one()
    assert (case.slug, case.prisoner_name) == (DEMO_CASE_SLUG, "Ales Bialiatski")
    assert (petition.slug, petition.status) == (DEMO_PETITION_SLUG, PetitionStatus.OPEN)
    entries = count(TimelineEntry)
    assert entries >= 5

    second = runner.invoke(args=["demo-data"])

    assert second.exit_code == 0, second.output
    assert "The database already has cases; demo data not loaded." in second.output
    assert (count(Case), count(Petition), count(TimelineEntry)) == (1, 1, entries)

    page = text(client.get(f"/p/{DEMO_PETITION_SLUG}"))
    assert "the authorities of the Republic of Belarus" in main_text(page)
    assert DEMO_TITLE in main_text(page)
    assert 'action="/p/free-ales-bialiatski/sign"' in page
    assert DEMO_TITLE in main_text(client.get("/"))
    case_page = text(client.get(f"/cases/{DEMO_CASE_SLUG}"))
    assert "Honorary Citizen of Paris" in main_text(case_page)
    assert "Václav Havel Human Rights Prize" in main_text(case_page)


#: The demo petition's English title (petitions/cases/demo.py), as a reader sees it.
DEMO_TITLE = "Free Belarus's political prisoners, as Ales Bialiatski was freed"


def test_demo_data_leaves_a_database_with_cases_alone(
    runner: FlaskCliRunner, smtp: SmtpServer
) -> None:
    detained_case(slug="someone-else")

    answer = runner.invoke(args=["demo-data"])

    assert "demo data not loaded" in answer.output
    assert [c.slug for c in db.session.execute(db.select(Case)).scalars()] == ["someone-else"]
    assert count(Petition) == 0


def test_the_demo_petition_can_be_signed(
    client: FlaskClient, runner: FlaskCliRunner, supporter: Supporter, smtp: SmtpServer
) -> None:
    runner.invoke(args=["demo-data"])

    answer = supporter.sign(DEMO_PETITION_SLUG, full_name="Алесь Бяляцкі")

    assert answer.status_code == 303
    drain_once()
    assert f"Please confirm your signature: {DEMO_TITLE}" in main_text(client.get("/dev/mailbox/"))


def test_a_claim_shorter_than_a_send_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OUTBOX_CLAIM_SECONDS", "10")
    monkeypatch.setenv("MAIL_TIMEOUT_SECONDS", "20")

    with pytest.raises(ConfigError, match=r"OUTBOX_CLAIM_SECONDS \(10\) must be longer"):
        create_app()
