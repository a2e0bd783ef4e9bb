"""Headers, cookies, the sign rate limit, log redaction and nothing kept of the client IP."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import inspect
from sqlalchemy import text as sql

from petitions import create_app
from petitions.extensions import db
from petitions.privacy.hashing import keyed_hash
from petitions.privacy.redaction import RedactingFilter, redact
from petitions.signing.models import Signature
from tests.conftest import VALID_SIGNER, Backend, SmtpServer, Supporter, csrf_token, settings_for
from tests.factories import open_petition
from tests.helpers import main_text, one, parse, text

EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def signature_rows() -> list[Signature]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Signature).order_by(Signature.id)).scalars())


# --- headers and cookies --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/p/{slug}", 200),
        ("/cases/{case}", 200),
        ("/api/v1/petitions/{slug}", 200),
        ("/confirm/forged", 400),
        ("/no/such/page", 404),
    ],
)
def test_every_answer_forbids_framing_and_sniffing(
    client: FlaskClient, smtp: SmtpServer, path: str, status: int
) -> None:
    petition = open_petition()

    answer = client.get(path.format(slug=petition.slug, case=petition.case.slug))

    assert answer.status_code == status
    policy = answer.headers["Content-Security-Policy"]
    directives = {part.strip().split(" ", 1)[0]: part.strip() for part in policy.split(";")}
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["default-src"] == "default-src 'self'"
    assert directives["object-src"] == "object-src 'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    # Confirm and withdraw links carry tokens: no other site may see them in a Referer.
    assert answer.headers["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_http_only_and_same_site_lax(
    client: FlaskClient, smtp: SmtpServer
) -> None:
    # Public pages set no cookie at all (tests/test_public_pages.py); the login form does.
    answer = client.get("/organizer/login")

    [set_cookie] = [h for h in answer.headers.getlist("Set-Cookie") if h.startswith("session=")]
    attributes = {part.strip().split("=", 1)[0].lower(): part for part in set_cookie.split(";")}
    assert "httponly" in attributes
    assert attributes["samesite"].strip() == "SameSite=Lax"
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


# --- the sign rate limit --------------------------------------------------------------------


def test_the_eleventh_signature_in_a_minute_from_one_address_is_refused_kindly(
    app: Flask, client: FlaskClient, supporter: Supporter, smtp: SmtpServer
) -> None:
    # The hard ceiling, far above the quarantine limits by default (120 a minute), set low.
    app.config["SIGN_RATE_LIMIT"] = "10 per minute; 100 per day"
    petition = open_petition()
    token = csrf_token(text(client.get(f"/p/{petition.slug}")))

    def sign(number: int, ip: str = "198.51.100.7") -> Any:
        return client.post(
            f"/p/{petition.slug}/sign",
            data={**VALID_SIGNER, "email": f"signer{number}@example.org", "csrf_token": token},
            environ_base={"REMOTE_ADDR": ip},
        )

    first_ten = [sign(n) for n in range(10)]
    eleventh = sign(10)

    assert [a.status_code for a in first_ten] == [303] * 10
    assert eleventh.status_code == 429
    page = text(eleventh)
    assert "What you just sent was not recorded: please wait a minute and send it again" in (
        main_text(page)
    )
    # The form comes back with what was typed: pressing Sign again in a minute is enough.
    form = one(parse(page), "form[action*='/sign']")
    assert one(form, "input[name=email]")["value"] == "signer10@example.org"
    assert one(form, "input[name=full_name]")["value"] == VALID_SIGNER["full_name"]
    assert one(form, "input[name=city]")["value"] == VALID_SIGNER["city"]
    # The minute window is the one refused: come back within the minute, not tomorrow.
    assert 0 < int(eleventh.headers["Retry-After"]) <= 60
    assert not any(name.startswith("X-RateLimit") for name, _ in first_ten[0].headers)
    assert [s.email for s in signature_rows()] == [f"signer{n}@example.org" for n in range(10)]

    # Another connection is not held back by this one.
    assert sign(11, ip="198.51.100.8").status_code == 303
    assert len(signature_rows()) == 11
    supporter.deliver()
    assert len(smtp.take(11)) == 11


# --- logs -----------------------------------------------------------------------------------


def test_signing_and_confirming_leave_no_address_or_ip_in_the_logs(
    client: FlaskClient,
    supporter: Supporter,
    smtp: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    petition = open_petition()

    supporter.sign(petition.slug, email="ales.bialiatski@example.org")
    supporter.deliver()
    supporter.open_and_press(smtp.take_one().link("confirm"))
    # Something logging a signer's details by mistake must be caught too.
    logging.getLogger("petitions.signing.services").info(
        "debug: %s signed from %s via %s",
        "ales.bialiatski@example.org",
        "127.0.0.1",
        "/confirm/eyJzIjoxfQ.abc.def",
    )

    messages = [record.getMessage() for record in caplog.records]
    assert any(m.endswith(": sign attempt recorded") for m in messages), "signing is logged"
    assert any(m.endswith(" confirmed") for m in messages), "confirming should have been logged"
    assert any(m == "debug: [email] signed from [ip] via /confirm/[token]" for m in messages)
    for message in messages:
        assert not EMAIL_IN_TEXT.search(message), message
        assert "127.0.0.1" not in message, message
        assert "eyJzIjoxfQ" not in message, message
    assert "ales.bialiatski" not in caplog.text


REDACTIONS = [
    pytest.param("mail to ales@example.org failed", "mail to [email] failed", id="email"),
    pytest.param("Алесь@пример.бел", "[email]", id="email-cyrillic"),
    pytest.param("first.last+tag@sub.example.co.uk!", "[email]!", id="email-tagged"),
    pytest.param("from 203.0.113.9 at 12:00", "from [ip] at 12:00", id="ipv4"),
    pytest.param("peer 2001:db8::42 said hi", "peer [ip] said hi", id="ipv6"),
    pytest.param("loopback ::1", "loopback [ip]", id="ipv6-loopback"),
    pytest.param(
        '127.0.0.1 - - [01/Oct/2024 14:08:48] "GET /confirm/eyJzIjo1fQ.Zx.sig HTTP/1.1" 200 -',
        '[ip] - - [01/Oct/2024 14:08:48] "GET /confirm/[token] HTTP/1.1" 200 -',
        id="werkzeug-request-line",
    ),
    pytest.param(
        "POST /withdraw/eyJzIjo1fQ.sig?x=1", "POST /withdraw/[token]?x=1", id="withdraw-token"
    ),
    pytest.param("at 14:08:48 nothing happened", "at 14:08:48 nothing happened", id="clock-kept"),
    pytest.param("signature 12 confirmed", "signature 12 confirmed", id="plain-kept"),
]


@pytest.mark.parametrize(("raw", "redacted"), REDACTIONS)
def test_redact(raw: str, redacted: str) -> None:
    assert redact(raw) == redacted


def _record(name: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, logging.INFO, __file__, 1, msg, args, None)


def test_the_filter_rewrites_the_formatted_message_of_a_record() -> None:
    record = _record("petitions.signing.services", "%s from %s", "eve@example.org", "10.1.2.3")

    assert RedactingFilter().filter(record) is True

    assert record.getMessage() == "[email] from [ip]"
    assert record.args is None
    formatted = logging.Formatter("%(name)s: %(message)s").format(record)
    assert formatted == "petitions.signing.services: [email] from [ip]"


def test_the_filter_lets_only_the_development_mailbox_line_through_whole() -> None:
    line = "development mailbox: kept abc; links: http://127.0.0.1:5000/confirm/tok"
    kept = _record("petitions.mail.sender", line)
    other = _record("petitions.mail.worker", line)

    RedactingFilter().filter(kept)
    RedactingFilter().filter(other)

    assert kept.getMessage() == line
    assert (
        other.getMessage()
        == "development mailbox: kept abc; links: http://[ip]:5000/confirm/[token]"
    )


def _own_handlers() -> list[logging.Handler]:
    # pytest adds its capture handlers to the root for each test phase, after the app was built.
    return [h for h in logging.getLogger().handlers if not type(h).__module__.startswith("_pytest")]


def test_every_root_handler_redacts(
    backend: Backend, tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler configured before the app is built, as gunicorn or a logging config would.
    extra = logging.StreamHandler(io.StringIO())
    extra.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    monkeypatch.setattr(logging.getLogger(), "handlers", [*_own_handlers(), extra])
    create_app(settings_for(backend.new_database(tmp_path), smtp, tmp_path))
    handlers = _own_handlers()
    assert extra in handlers
    streams = {}
    for handler in handlers:
        assert isinstance(handler, logging.StreamHandler), handler
        streams[handler] = io.StringIO()
        monkeypatch.setattr(handler, "stream", streams[handler])

    log = logging.getLogger("petitions.signing.services")
    try:
        raise RuntimeError("mail to ales@example.org from 203.0.113.9 failed")
    except RuntimeError:
        log.exception(
            "%s signed from %s via %s", "ales@example.org", "203.0.113.9", "/confirm/eyJzIjoxfQ.a"
        )
    log.warning("stack of /withdraw/eyJzIjoyfQ.b", stack_info=True)

    for handler, stream in streams.items():
        output = stream.getvalue()
        assert "[email] signed from [ip] via /confirm/[token]" in output, handler
        assert "RuntimeError: mail to [email] from [ip] failed" in output, handler
        assert "Stack (most recent call last)" in output, handler
        for secret in ("ales@example.org", "203.0.113.9", "eyJzIjoxfQ", "eyJzIjoyfQ"):
            assert secret not in output, (handler, output)


# --- nothing stored derived from the client IP ---------------------------------------------


def test_nothing_derived_from_the_client_ip_is_stored(
    app: Flask, client: FlaskClient, smtp: SmtpServer, database_url: str
) -> None:
    petition = open_petition()
    token = csrf_token(text(client.get(f"/p/{petition.slug}")))
    ips = ["203.0.113.77", "198.51.100.23"]
    for number, ip in enumerate(ips):
        answer = client.post(
            f"/p/{petition.slug}/sign",
            data={**VALID_SIGNER, "email": f"ip{number}@example.org", "csrf_token": token},
            environ_base={"REMOTE_ADDR": ip},
        )
        assert answer.status_code == 303

    # What was stored before: the secret-keyed hash, reversible by whoever holds the secret.
    derived = [
        value
        for ip in ips
        for value in (ip, keyed_hash(ip, "client-ip"), hashlib.sha256(ip.encode()).hexdigest())
    ]
    db.session.commit()
    assert "ip_hash" not in {
        column["name"] for column in inspect(db.engine).get_columns("signatures")
    }
    # Every value of every row of every table, read through a fresh connection.
    with db.engine.connect() as connection:
        dump = "\n".join(
            repr(tuple(row))
            for table in inspect(connection).get_table_names()
            for row in connection.execute(sql(f'SELECT * FROM "{table}"'))  # noqa: S608
        )
    assert "ip0@example.org" in dump, "the dump should cover the signatures"
    for value in derived:
        assert value not in dump
        assert value[:16] not in dump
    db.engine.dispose()
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
        assert b"ip0@example.org" in raw, "the file should hold the signatures"
        for value in derived:
            assert value.encode() not in raw
            if len(value) == 64:
                assert bytes.fromhex(value) not in raw
