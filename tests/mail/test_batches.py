"""A batch of mail at speed: one connection for many mails, one commit for many outcomes, and
failures in the middle of a batch that stay with their own message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import event

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail import messages, outcomes
from petitions.mail.models import OutboxStatus
from petitions.mail.sender import transport_for
from petitions.mail.worker import BATCH_SIZE, DrainReport, _claim_batch, drain_once
from petitions.signing.mailing import MailKind
from tests.conftest import SmtpServer, Supporter
from tests.factories import open_petition, pending_signature
from tests.helpers import outbox
from tests.mail.conftest import FussySmtpServer

MANY = pytest.mark.parametrize("config_overrides", [{"SIGN_RATE_LIMIT": "200 per minute"}])


@pytest.fixture
def commits(app: Flask) -> Iterator[list[None]]:
    """Every COMMIT the app's engine runs while the test goes on."""
    seen: list[None] = []

    def count(connection: object) -> None:
        seen.append(None)

    event.listen(db.engine, "commit", count)
    yield seen
    event.remove(db.engine, "commit", count)


@pytest.mark.parametrize("config_overrides", [{"MAIL_MESSAGES_PER_CONNECTION": 100}])
def test_one_connection_carries_a_batch_past_a_refused_and_a_deferred_recipient(
    app: Flask, fussy_smtp: FussySmtpServer
) -> None:
    petition = open_petition()
    addresses = [f"signer{n}@example.org" for n in range(8)]
    fussy_smtp.refuse.add(addresses[2])  # 550: refused for good
    fussy_smtp.defer.add(addresses[5])  # 450: try again later
    signature_ids = {}
    with app.test_request_context():
        for address in addresses:
            signature_ids[address] = pending_signature(petition, email=address).id
            messages.queue(MailKind.CONFIRMATION, signature_ids[address])
        db.session.commit()
    transport = transport_for(fussy_smtp.url, "", 5, 100)

    assert drain_once(transport) == DrainReport(sent=6, retrying=1, failed=1)

    mails = fussy_smtp.take(6)
    assert [mail.recipients[0] for mail in mails] == [
        address for n, address in enumerate(addresses) if n not in {2, 5}
    ]
    # Neither refusal cost the connection: the mails before and after them shared it.
    assert len({mail.peer for mail in mails}) == 1
    assert fussy_smtp.connections == 1
    rows = {row.signature_id: row for row in outbox()}
    refused, deferred = rows[signature_ids[addresses[2]]], rows[signature_ids[addresses[5]]]
    assert (refused.status, refused.attempts) == (OutboxStatus.FAILED, 1)
    assert refused.last_error == "recipient refused ([550])"
    assert (deferred.status, deferred.attempts) == (OutboxStatus.PENDING, 1)
    assert deferred.last_error == "recipient deferred ([450])"
    assert deferred.claimed_until is None
    sent = [row for row in rows.values() if row.status is OutboxStatus.SENT]
    assert len(sent) == 6
    assert all(row.attempts == 1 and row.claimed_until is None for row in sent)


def test_a_connection_the_server_hangs_up_is_replaced_for_the_next_mail(
    app: Flask, fussy_smtp: FussySmtpServer
) -> None:
    petition = open_petition()
    addresses = [f"signer{n}@example.org" for n in range(4)]
    fussy_smtp.hang_up.add(addresses[1])
    with app.test_request_context():
        for address in addresses:
            messages.queue(MailKind.CONFIRMATION, pending_signature(petition, email=address).id)
        db.session.commit()

    assert drain_once(transport_for(fussy_smtp.url, "", 5, 100)) == DrainReport(sent=3, retrying=1)

    mails = fussy_smtp.take(3)
    assert [mail.recipients[0] for mail in mails] == [addresses[0], *addresses[2:]]
    assert fussy_smtp.connections == 2
    assert mails[0].peer != mails[1].peer == mails[2].peer
    (retried,) = [row for row in outbox() if row.status is OutboxStatus.PENDING]
    assert retried.attempts == 1
    assert retried.last_error == "recipient deferred ([421])"


@MANY
def test_a_drain_commits_once_per_ledger_and_once_per_batch(
    supporter: Supporter, smtp: SmtpServer, commits: list[None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slowly this machine sends, outcomes are written by count only.
    monkeypatch.setattr(outcomes, "LEDGER_SECONDS", 3600.0)
    petition = open_petition()
    signers = BATCH_SIZE + 10  # two batches
    for n in range(signers):
        answer = supporter.sign(petition.slug, email=f"batch{n}@example.org")
        assert answer.status_code == 303
    commits.clear()

    assert drain_once() == DrainReport(sent=signers)

    smtp.take(signers)
    # Each batch: its claim with its decisions, then one commit per LEDGER_SIZE outcomes (50,
    # then 10 mails: two, then one), then the empty claim that ends the drain (which
    # PostgreSQL's driver may skip). The worker used to commit once per mail.
    writes = sum(-(-size // outcomes.LEDGER_SIZE) for size in (BATCH_SIZE, signers - BATCH_SIZE))
    assert 2 + writes <= len(commits) <= 3 + writes
    rows = outbox()
    assert all(row.status is OutboxStatus.SENT and row.attempts == 1 for row in rows)
    assert all(row.claimed_until is None and row.sent_at is not None for row in rows)


def test_a_claim_takes_one_batch_at_most(app: Flask) -> None:
    petition = open_petition()
    with app.test_request_context():
        for n in range(BATCH_SIZE + 10):
            signature = pending_signature(petition, email=f"claimed{n}@example.org")
            messages.queue(MailKind.CONFIRMATION, signature.id)
        db.session.commit()

    first, ours = _claim_batch(utcnow(), set())
    db.session.commit()
    second, theirs = _claim_batch(utcnow(), set())
    db.session.commit()

    # On PostgreSQL the claim once took the whole queue, leaving other workers nothing.
    assert (len(first), len(second)) == (BATCH_SIZE, 10)
    assert not set(first) & set(second)
    claims = {row.id: row.claimed_until for row in outbox()}
    assert {claims[row_id] for row_id in first} == {ours}
    assert {claims[row_id] for row_id in second} == {theirs}
