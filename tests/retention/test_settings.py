"""The retention periods are settings, each stated on the privacy page with its value (#16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from petitions import public_pages
from petitions.config import ConfigError, from_environment
from tests.helpers import one, parse, words


def limit_shown(client: FlaskClient, name: str) -> str:
    return words(one(parse(client.get("/privacy")), f'[data-testid="limit-{name}"]'))


def test_the_privacy_page_states_each_period_and_follows_its_setting(
    app: Flask, client: FlaskClient
) -> None:
    assert "It is deleted 30 days after you signed" in limit_shown(client, "unconfirmed")
    assert "183 days after the petition is both closed and delivered" in limit_shown(
        client, "confirmed"
    )
    assert "No hash of your address is kept" in limit_shown(client, "confirmed")
    assert "deleted 30 days after you wrote it" in limit_shown(client, "letters")
    assert "erased from it 30 days later" in limit_shown(client, "letter-emails")
    assert "The link works for 30 days" in limit_shown(client, "holdings-link")

    app.config.update(
        UNCONFIRMED_RETENTION_DAYS=45,
        ANONYMISE_AFTER_DAYS=90,
        LETTER_EMAIL_RETENTION_DAYS=14,
        HOLDINGS_TOKEN_MAX_AGE=7 * 86400,
    )
    public_pages.forget_all()

    assert "It is deleted 45 days after you signed" in limit_shown(client, "unconfirmed")
    assert "90 days after the petition is both closed and delivered" in limit_shown(
        client, "confirmed"
    )
    assert "deleted 45 days after you wrote it" in limit_shown(client, "letters")
    assert "erased from it 14 days later" in limit_shown(client, "letter-emails")
    assert "The link works for 7 days" in limit_shown(client, "holdings-link")
    holdings = words(one(parse(client.get("/privacy")), '[data-testid="holdings"]'))
    assert "Every mail the service sends has a link" in holdings


def test_the_periods_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name, value in (
        ("UNCONFIRMED_RETENTION_DAYS", "60"),
        ("ANONYMISE_AFTER_DAYS", "365"),
        ("LETTER_EMAIL_RETENTION_DAYS", "7"),
        ("RETENTION_BATCH_SIZE", "100"),
        ("HOLDINGS_RATE_LIMIT", "1 per hour"),
    ):
        monkeypatch.setenv(name, value)

    config = from_environment(tmp_path)

    assert config["UNCONFIRMED_RETENTION_DAYS"] == 60
    assert config["ANONYMISE_AFTER_DAYS"] == 365
    assert config["LETTER_EMAIL_RETENTION_DAYS"] == 7
    assert config["RETENTION_BATCH_SIZE"] == 100
    assert config["HOLDINGS_RATE_LIMIT"] == "1 per hour"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        # Shorter than a confirmation link lives: a signer could lose a signature mid-click.
        ("UNCONFIRMED_RETENTION_DAYS", "3"),
        ("UNCONFIRMED_RETENTION_DAYS", "1000"),
        ("ANONYMISE_AFTER_DAYS", "0"),
        ("ANONYMISE_AFTER_DAYS", "5000"),
        ("LETTER_EMAIL_RETENTION_DAYS", "-1"),
    ],
)
def test_a_period_out_of_bounds_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        from_environment(tmp_path)
