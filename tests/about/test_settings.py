"""The settings the pages about the service read: their defaults and what production refuses."""

from __future__ import annotations

import pytest

from petitions import create_app
from petitions.config import ConfigError
from tests.test_config import _production_environment


def test_the_contact_defaults_to_the_sender_and_the_security_contact_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _production_environment(monkeypatch, CONTACT_EMAIL="", SECURITY_EMAIL="")

    config = create_app().config

    assert config["CONTACT_EMAIL"] == "petitions@example.org"  # MAIL_FROM's address
    assert config["SECURITY_EMAIL"] == "petitions@example.org"
    assert (config["ORGANIZATION_ADDRESS"], config["ORGANIZATION_URL"]) == ("", "")
    assert config["SOURCE_URL"] == ""


def test_an_address_typed_on_one_line_keeps_its_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGANIZATION_ADDRESS", r"Postfach 1234\n10117 Berlin")

    assert create_app().config["ORGANIZATION_ADDRESS"] == "Postfach 1234\n10117 Berlin"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"CONTACT_EMAIL": "privacy@example.org"}, "CONTACT_EMAIL is 'privacy@example.org'"),
        ({"CONTACT_EMAIL": "privacy@localhost"}, "CONTACT_EMAIL is 'privacy@localhost', which"),
        ({"SECURITY_EMAIL": "security@lphr.test"}, "SECURITY_EMAIL is 'security@lphr.test'"),
        ({"CONTACT_EMAIL": "Privacy <p@lphr.org>"}, "CONTACT_EMAIL must be one email address"),
        ({"ORGANIZATION_URL": "www.lphr.org"}, "ORGANIZATION_URL must be an absolute http"),
        ({"SOURCE_URL": "ftp://lphr.org/src"}, "SOURCE_URL must be an absolute http"),
    ],
    ids=["example", "localhost", "test-domain", "display-name", "relative-url", "ftp"],
)
def test_production_refuses_a_contact_nobody_can_reach(
    monkeypatch: pytest.MonkeyPatch, settings: dict[str, str], message: str
) -> None:
    _production_environment(monkeypatch, **settings)

    with pytest.raises(ConfigError) as refused:
        create_app()

    assert str(refused.value).startswith(message)


def test_development_takes_a_local_contact_but_not_a_malformed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONTACT_EMAIL", "me@localhost")
    assert create_app().config["CONTACT_EMAIL"] == "me@localhost"

    monkeypatch.setenv("CONTACT_EMAIL", "nobody")
    with pytest.raises(ConfigError, match="CONTACT_EMAIL must be one email address"):
        create_app()
