"""Outcomes written together: what a chunk's re-read, a mail that cannot be built, and a worker
killed between sending and writing do to the mails of one batch."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail import messages, outcomes
from petitions.mail.models import OutboxStatus
from petitions.mail.worker import CHUNK_SIZE, DrainReport, configured_transport, drain_once
from petitions.signing import services
from petitions.signing.mailing import MailKind
from tests.conftest import SmtpServer
from tests.factories import open_petition, pending_signature
from tests.helpers import outbox
from tests.mail.conftest import WithdrawsWhileSending


def _queue(app: Flask, count: int, **petition: object) -> list[int]:
    """Queue a confirmation for each of ``count`` new signers; return their signatures."""
    target = open_petition(**petition)
    signature_ids = []
    with app.test_request_context():
        for n in range(count):
            signature_id = pending_signature(target, email=f"ledger{n}@example.org").id
            messages.queue(MailKind.CONFIRMATION, signature_id)
            signature_ids.append(signature_id)
        db.session.commit()
    return signature_ids


def test_a_withdrawal_mid_batch_keeps_a_later_chunks_mail_from_going_out(
    app: Flask, smtp: SmtpServer
) -> None:
    signature_ids = _queue(app, CHUNK_SIZE + 5)
    later = signature_ids[CHUNK_SIZE + 2]  # in the batch's second chunk
    transport = WithdrawsWhileSending(app, configured_transport(), later, lambda m: True)

    assert drain_once(transport) == DrainReport(sent=CHUNK_SIZE + 4)

    assert transport.outcomes == [services.WithdrawOutcome.WITHDRAWN]
    mails = smtp.take(CHUNK_SIZE + 4)
    assert "ledger" + str(CHUNK_SIZE + 2) + "@example.org" not in {
        mail.recipients[0] for mail in mails
    }
    rows = outbox()
    assert later not in {row.signature_id for row in rows}
    assert len(rows) == CHUNK_SIZE + 4
    assert all(row.status is OutboxStatus.SENT for row in rows)


def test_a_mail_that_cannot_be_built_fails_alone_inside_its_chunk(
    app: Flask, smtp: SmtpServer
) -> None:
    signature_ids = _queue(app, 4)
    # As old data would be: an address no form lets through, straight into the database.
    broken = pending_signature(open_petition(), email="x@example.org\r\nBcc: victim@example.net")
    with app.test_request_context():
        messages.queue(MailKind.CONFIRMATION, broken.id)
    signature_ids += _queue(app, 2)
    db.session.commit()

    assert drain_once() == DrainReport(sent=6, failed=1)

    assert len(smtp.take(6)) == 6
    rows = {row.signature_id: row for row in outbox()}
    assert rows[broken.id].status is OutboxStatus.FAILED
    assert rows[broken.id].last_error == "the message could not be built (ValueError)"
    assert all(rows[signature_id].status is OutboxStatus.SENT for signature_id in signature_ids)


class _Killed(BaseException):
    """Stands for the worker being killed: nothing after it runs."""


def test_a_worker_killed_before_writing_its_outcomes_resends_them_with_the_same_message_id(
    app: Flask, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _queue(app, 3)

    def killed(self: outcomes.Ledger, ours: dt.datetime) -> None:
        if self:
            raise _Killed()

    with monkeypatch.context() as patched:
        patched.setattr(outcomes.Ledger, "write", killed)
        with pytest.raises(_Killed):
            drain_once()
    db.session.rollback()

    first = smtp.take(3)
    rows = outbox()
    # Sent, but not written: the rows wait, still claimed, for their claim to lapse.
    assert all(row.status is OutboxStatus.PENDING and row.attempts == 0 for row in rows)
    assert all(row.claimed_until is not None for row in rows)
    assert drain_once() == DrainReport()
    smtp.take(0)

    for row in rows:
        row.claimed_until = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert drain_once() == DrainReport(sent=3)

    again = smtp.take(3)
    ids = [row.message_id for row in outbox()]
    assert [mail.message["Message-ID"] for mail in first] == ids
    assert [mail.message["Message-ID"] for mail in again] == ids
    assert all(row.status is OutboxStatus.SENT and row.attempts == 1 for row in outbox())
