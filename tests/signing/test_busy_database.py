"""A database that cannot take a signature now: "please try again", the form kept, no signer
data in any log line or traceback."""

from __future__ import annotations

import io
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, insert
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from petitions import create_app
from petitions.embeds.services import add_partner
from petitions.extensions import db
from petitions.mail.worker import drain_once
from petitions.signing.models import Signature, SignatureState
from petitions.tokens import confirm_token, withdraw_token
from tests.conftest import Backend, SmtpServer, settings_for
from tests.embeds.test_embed_form import OWN_ORIGIN, backdated, notice_of, ticket_of
from tests.factories import open_petition, pending_signature
from tests.signing.sign_form import FormPage, form_post_data, stored_rows

#: What the signer typed: none of it may reach a log.
SECRET_SIGNER = {
    "full_name": "Zmitser Secretname",
    "email": "zmitser.secret@example.org",
    "country": "BY",
    "city": "Secrettown",
    "comment": "A secret comment from Secrettown",
}
SECRETS = ("Secretname", "zmitser.secret", "Secrettown", "secret comment")
TRY_AGAIN = "please wait a few seconds and press Sign again"


@pytest.fixture
def all_log_output(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """Collect the formatted output of every real root handler (and one added, as gunicorn's)."""
    root = logging.getLogger()
    collected = io.StringIO()
    extra = logging.StreamHandler(collected)
    extra.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    monkeypatch.setattr(root, "handlers", [*root.handlers, extra])
    monkeypatch.setattr(root, "level", logging.DEBUG)
    for handler in root.handlers:
        if isinstance(handler, logging.StreamHandler) and handler is not extra:
            monkeypatch.setattr(handler, "stream", collected)
    return collected


@pytest.fixture
def app(
    all_log_output: io.StringIO,
    backend: Backend,
    database_url: str,
    smtp: SmtpServer,
    tmp_path: Any,
) -> Iterator[Flask]:
    # Built after the handlers are in place, so the app's redaction covers them all; engine
    # options overridden, to show hide_parameters is kept whatever a deployment passes.
    options: dict[str, Any] = {"pool_pre_ping": True}
    if backend.name == "postgres":
        # Give up on a held lock after 0.2 s (as a lock_timeout in production would).
        options["connect_args"] = {"options": "-c lock_timeout=200"}
    application = create_app(
        {
            **settings_for(database_url, smtp, tmp_path),
            **backend.stores(),
            "SQLALCHEMY_ENGINE_OPTIONS": options,
        }
    )
    with application.app_context():
        if backend.name == "sqlite":
            _short_busy_timeout()
        yield application
        db.session.remove()
        db.engine.dispose()


def _short_busy_timeout() -> None:
    """Give up on SQLite's write lock after 0.2 s instead of the production 15 s."""

    @event.listens_for(db.engine, "connect")
    def short_wait(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=200")

    db.engine.dispose()


@contextmanager
def write_lock_held_elsewhere(database_url: str) -> Iterator[None]:
    """Hold, from another connection, a lock that keeps every write of a signature waiting."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        other = sqlite3.connect(str(url.database), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # the one write lock SQLite has
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(False)) as holder:
        holder.execute("LOCK TABLE signatures IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            holder.rollback()


def _assert_no_signer_data(output: str, caplog: pytest.LogCaptureFixture) -> None:
    everything = output + caplog.text + "\n".join(str(r.__dict__) for r in caplog.records)
    for secret in SECRETS:
        assert secret.lower() not in everything.lower(), secret


def test_a_sign_the_database_cannot_take_answers_try_again_and_logs_no_signer_data(
    client: FlaskClient,
    smtp: SmtpServer,
    database_url: str,
    all_log_output: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    petition = open_petition()
    page = FormPage(client.get(f"/p/{petition.slug}").get_data(as_text=True))

    with write_lock_held_elsewhere(database_url):
        answer = client.post(
            page.action or "",
            data=form_post_data(page, **SECRET_SIGNER, show_name_publicly=True),
        )

    assert answer.status_code == 503
    assert 0 < int(answer.headers["Retry-After"]) <= 60
    html = answer.get_data(as_text=True)
    section = BeautifulSoup(html, "lxml").select_one("section.sign")
    assert section is not None
    alert = section.select_one("div.error-summary[role=alert]")
    assert alert is not None
    assert TRY_AGAIN in alert.get_text(" ", strip=True)
    shown = FormPage(html)
    for name, typed in SECRET_SIGNER.items():
        value = shown.comment_text() if name == "comment" else shown.values[name]
        assert value == typed, f"{name} lost"
    assert shown.checked["show_name_publicly"] is True
    assert stored_rows() == ([], 0)
    # The failure was logged, with its cause, and nothing the signer typed.
    output = all_log_output.getvalue()
    assert "the database refused the write" in output
    assert "Traceback" in output
    assert "SQL parameters hidden" in output
    _assert_no_signer_data(output, caplog)

    # Once the lock is gone, sending the re-shown form again just works.
    again = client.post(shown.action or "", data=form_post_data(shown))
    assert again.status_code == 303
    assert [s.email for s in stored_rows()[0]] == [SECRET_SIGNER["email"]]
    drain_once()
    assert smtp.take_one().recipients == [SECRET_SIGNER["email"]]


def test_an_embedded_sign_the_database_cannot_take_answers_try_again(
    client: FlaskClient,
    database_url: str,
    all_log_output: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    petition = open_petition()
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", ["https://amnesty.example"])
    ticket = backdated(petition.id, "amnesty-nl", 5)

    with write_lock_held_elsewhere(database_url):
        answer = client.post(
            f"/embed/{petition.slug}/sign?partner=amnesty-nl",
            data={**SECRET_SIGNER, "website": "", "ticket": ticket},
            headers={"Origin": OWN_ORIGIN},
        )

    assert answer.status_code == 503
    assert answer.headers["Retry-After"]
    html = answer.get_data(as_text=True)
    assert TRY_AGAIN in notice_of(html)
    assert FormPage(html).values["full_name"] == SECRET_SIGNER["full_name"]
    assert ticket_of(html) != ticket
    assert stored_rows() == ([], 0)
    _assert_no_signer_data(all_log_output.getvalue(), caplog)


def test_a_database_error_quoting_the_row_is_logged_without_it(
    app: Flask,
    database_url: str,
    all_log_output: io.StringIO,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A real refusal whose message quotes the signer's values (PostgreSQL's DETAIL: Failing
    row contains ...; an engine without hide_parameters), logged with its traceback."""
    caplog.set_level(logging.DEBUG)
    petition = open_petition()
    careless = create_engine(database_url)  # no hide_parameters
    log = logging.getLogger("petitions.signing.services")
    with pytest.raises(DBAPIError) as refused, careless.begin() as connection:
        connection.execute(
            insert(Signature).values(
                petition_id=petition.id,
                state=SignatureState.WITHDRAWN,  # breaks withdrawn_is_erased
                full_name=SECRET_SIGNER["full_name"],
                email=SECRET_SIGNER["email"],
                country="BY",
                city=SECRET_SIGNER["city"],
                comment=SECRET_SIGNER["comment"],
                created_at=petition.created_at,
            )
        )
    careless.dispose()
    assert any(secret in str(refused.value) for secret in SECRETS), "the error should quote them"
    log.error("could not store a signature", exc_info=refused.value)

    output = all_log_output.getvalue()
    assert "could not store a signature" in output
    assert "IntegrityError" in output
    _assert_no_signer_data(output, caplog)


def test_bound_parameters_stay_hidden_whatever_the_engine_options(app: Flask) -> None:
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert db.engine.hide_parameters is True


@pytest.mark.parametrize("link", ["confirm", "withdraw"])
def test_a_press_the_database_cannot_take_answers_try_again_not_500(
    client: FlaskClient, database_url: str, link: str
) -> None:
    petition = open_petition()
    signature = pending_signature(petition)
    token = confirm_token(signature.id) if link == "confirm" else withdraw_token(signature.id)
    url = f"/{link}/{token}"
    button = BeautifulSoup(client.get(url).get_data(as_text=True), "lxml")
    csrf = button.select_one("input[name=csrf_token]")
    assert csrf is not None

    with write_lock_held_elsewhere(database_url):
        answer = client.post(url, data={"csrf_token": csrf["value"]})

    # Nothing recorded, the button shown again with why, and when to press it.
    assert answer.status_code == 503
    assert 0 < int(answer.headers["Retry-After"]) <= 60
    page = BeautifulSoup(answer.get_data(as_text=True), "lxml")
    alert = page.select_one("main [role=alert]")
    assert alert is not None
    assert "nothing was recorded" in alert.get_text(" ", strip=True)
    assert page.select_one("main form button[type=submit]") is not None
    db.session.expire_all()
    assert db.session.get(Signature, signature.id).state is SignatureState.PENDING  # type: ignore[union-attr]

    again = client.post(url, data={"csrf_token": csrf["value"]})
    assert again.status_code == 200
    db.session.expire_all()
    expected = SignatureState.CONFIRMED if link == "confirm" else SignatureState.WITHDRAWN
    assert db.session.get(Signature, signature.id).state is expected  # type: ignore[union-attr]
