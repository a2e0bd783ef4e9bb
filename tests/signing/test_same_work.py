"""A sign request does the same work whether or not the address had signed: nothing to time.

Not a timed test (timing is measured by bench/timing.py): the request runs the same SQL
statements, with the same parameters, and the same rate-limit storage calls either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from petitions.extensions import db, limiter
from petitions.mail.models import OutboxMessage
from petitions.signing.models import Signature, SignatureState
from tests.conftest import VALID_SIGNER, SmtpServer, Supporter, csrf_token
from tests.factories import confirmed_signature, open_petition, pending_signature


class Recorder:
    """Records the shape of every SQL statement and every rate-limit storage call."""

    def __init__(self) -> None:
        self.on = False
        self.calls: list[tuple[str, ...]] = []

    def statement(self, conn: Any, cursor: Any, sql: str, parameters: Any, *args: Any) -> None:
        if self.on:
            keys = sorted(parameters) if isinstance(parameters, dict) else [len(parameters)]
            self.calls.append(("sql", " ".join(sql.split()), repr(keys)))

    def storage(self, name: str, original: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if self.on:
                self.calls.append(("storage", name))
            return original(*args, **kwargs)

        return wrapper

    def during(self, action: Any) -> list[tuple[str, ...]]:
        self.calls, self.on = [], True
        try:
            action()
        finally:
            self.on = False
        return self.calls


@pytest.fixture
def recorder(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    recorder = Recorder()
    storage = limiter.storage
    for name in dir(type(storage)):
        if not name.startswith("_") and callable(getattr(type(storage), name)):
            monkeypatch.setattr(storage, name, recorder.storage(name, getattr(storage, name)))
    event.listen(db.engine, "before_cursor_execute", recorder.statement)
    yield recorder
    event.remove(db.engine, "before_cursor_execute", recorder.statement)


@pytest.mark.parametrize("known_as", ["pending", "confirmed"])
def test_a_known_address_costs_the_same_statements_and_store_calls_as_a_new_one(
    client: FlaskClient, supporter: Supporter, smtp: SmtpServer, recorder: Recorder, known_as: str
) -> None:
    petition = open_petition()
    make = pending_signature if known_as == "pending" else confirmed_signature
    known = make(petition, email="known@example.org")
    token = csrf_token(client.get(f"/p/{petition.slug}").get_data(as_text=True))

    def post(email: str) -> None:
        answer = client.post(
            f"/p/{petition.slug}/sign", data={**VALID_SIGNER, "email": email, "csrf_token": token}
        )
        assert answer.status_code == 303

    post("warm-up@example.org")  # statements are compiled and cached by the first request
    new = recorder.during(lambda: post("new@example.org"))
    again = recorder.during(lambda: post("Known@Example.org"))

    assert [call for call in new if call[0] == "sql"], "the listener saw the request's SQL"
    assert [call for call in new if call[0] == "storage"], "the limiter's storage was watched"
    assert again == new
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count()).select_from(OutboxMessage)).scalar() == 3
    assert db.session.execute(db.select(db.func.count()).select_from(Signature)).scalar() == 3

    # The worker decides: the new addresses get their links, the known one nothing (it was
    # mailed a moment ago, when it signed), and its row is dropped.
    supporter.deliver()
    assert sorted(mail.recipients[0] for mail in smtp.take(2)) == [
        "new@example.org",
        "warm-up@example.org",
    ]
    db.session.refresh(known)
    assert known.mails_sent == 1
    assert known.state is (
        SignatureState.PENDING if known_as == "pending" else SignatureState.CONFIRMED
    )
    assert db.session.execute(db.select(db.func.count()).select_from(OutboxMessage)).scalar() == 2
