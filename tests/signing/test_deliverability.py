"""With EMAIL_CHECK_DELIVERABILITY on, the sign form asks DNS whether the signer's mail domain
takes mail: against a real name server on loopback, answering as mail domains' DNS would."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from petitions.signing import deliverability
from tests.conftest import SmtpServer
from tests.factories import open_petition
from tests.servers import DnsServer
from tests.signing.sign_form import TYPED, FormPage, sign_in_browser, stored_rows

#: Short, so the test of a silent name server waits half a second, not email-validator's 15.
DNS_TIMEOUT = 0.5

RECORDS = {
    "delivers.example.org.": {"MX": ["10 mx.delivers.example.org."]},
    # RFC 7505 "null MX": the domain exists and says it takes no mail.
    "nomail.example.org.": {"MX": ["0 ."]},
}
SILENT = {"slow.example.org."}


@pytest.fixture
def dns_server() -> Iterator[DnsServer]:
    server = DnsServer(RECORDS, SILENT)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def config_overrides(dns_server: DnsServer) -> dict[str, Any]:
    return {
        "EMAIL_CHECK_DELIVERABILITY": True,
        "EMAIL_DNS_NAMESERVERS": [("127.0.0.1", dns_server.port)],
        "EMAIL_DNS_TIMEOUT": DNS_TIMEOUT,
    }


def test_addresses_at_a_domain_that_takes_mail_are_signed_and_dns_asked_once(
    client: FlaskClient, smtp: SmtpServer, dns_server: DnsServer
) -> None:
    petition = open_petition()

    for name in ("hanna", "ales"):
        answer = sign_in_browser(
            client, f"/p/{petition.slug}", **{**TYPED, "email": f"{name}@delivers.example.org"}
        )
        assert answer.status_code == 303

    signatures, outbox = stored_rows()
    assert sorted(s.email or "" for s in signatures) == [
        "ales@delivers.example.org",
        "hanna@delivers.example.org",
    ]
    assert outbox == 2
    # The second signer's domain came from the process's cache, not from a second lookup.
    assert dns_server.questions == [("delivers.example.org.", "MX")]


@pytest.mark.parametrize(
    "domain",
    [
        pytest.param("typo.example.org", id="domain-does-not-exist"),
        pytest.param("nomail.example.org", id="domain-takes-no-mail"),
    ],
)
def test_an_address_that_cannot_receive_mail_is_refused_and_nothing_is_written(
    client: FlaskClient, smtp: SmtpServer, dns_server: DnsServer, domain: str
) -> None:
    petition = open_petition()

    answer = sign_in_browser(client, f"/p/{petition.slug}", **{**TYPED, "email": f"hanna@{domain}"})

    assert answer.status_code == 422
    form = FormPage(answer.get_data(as_text=True))
    assert form.errors == {
        "email": "Mail to this address cannot be delivered. Please check the part after the @."
    }
    assert form.values["email"] == f"hanna@{domain}"
    assert form.values["full_name"] == TYPED["full_name"]
    assert stored_rows() == ([], 0)
    assert (f"{domain}.", "MX") in dns_server.questions


def test_a_domain_whose_name_server_stays_silent_is_let_through_after_the_timeout(
    client: FlaskClient, smtp: SmtpServer, dns_server: DnsServer
) -> None:
    petition = open_petition()

    started = time.monotonic()
    answer = sign_in_browser(
        client, f"/p/{petition.slug}", **{**TYPED, "email": "hanna@slow.example.org"}
    )
    waited = time.monotonic() - started

    # The signer is not turned away for a slow name server; a bad address would bounce.
    assert answer.status_code == 303
    [signature], outbox = stored_rows()
    assert signature.email == "hanna@slow.example.org"
    assert outbox == 1
    assert ("slow.example.org.", "MX") in dns_server.questions
    # Held for EMAIL_DNS_TIMEOUT, not for email-validator's default of 15 s.
    assert waited < 10, f"the sign request waited {waited:.1f} s for DNS"


def test_without_any_dns_configuration_signing_goes_on_and_the_operator_is_told(
    app: Flask,
    client: FlaskClient,
    smtp: SmtpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    petition = open_petition()
    app.config["EMAIL_DNS_NAMESERVERS"] = []
    monkeypatch.setattr(deliverability, "RESOLV_CONF", str(tmp_path / "no-resolv.conf"))

    with caplog.at_level(logging.WARNING, logger="petitions.signing.deliverability"):
        answer = sign_in_browser(
            client, f"/p/{petition.slug}", **{**TYPED, "email": "hanna@delivers.example.org"}
        )

    assert answer.status_code == 303
    [signature], outbox = stored_rows()
    assert signature.email == "hanna@delivers.example.org"
    assert outbox == 1
    assert "no DNS configuration" in caplog.text
