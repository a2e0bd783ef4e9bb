"""Draining the outbox: what `flask outbox send` runs.

A batch of messages is claimed by one conditional UPDATE (each must still be pending and
unclaimed, or its claim must have lapsed), and its sign attempts are decided, in one
transaction. Each message is then sent and marked in a transaction of its own, before the next
one is sent: one commit per message, never a write lock held across an SMTP conversation. A
worker killed between sending and marking leaves a claim that lapses after
OUTBOX_CLAIM_SECONDS; that one message is then sent again with the same Message-ID, the one
case of a repeat SMTP itself cannot rule out.

The claim is held for the batch as a lease: it is renewed, for what is left of the batch, when
less than a send's worth of it remains, so a message is only sent while no other worker may
take it. Before each send the row is read again: one a withdrawal erased, or another worker
took over, is skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.exc import StaleDataError

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.limits import LimitUnavailable, allow_mail_to
from petitions.mail import messages
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.mail.sender import (
    PermanentFailure,
    TemporaryFailure,
    Transport,
    build_message,
    transport_for,
)

log = logging.getLogger(__name__)

#: Messages claimed per round; small enough that a crash strands few of them.
BATCH_SIZE = 50


@dataclass
class DrainReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Sign attempts that caused no mail (over their signature's limits, or withdrawn).
    dropped: int = 0


def _due(now: dt.datetime, exclude: set[int]) -> list[Any]:
    conditions = [
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    ]
    if exclude:
        conditions.append(OutboxMessage.id.not_in(exclude))
    return conditions


def _claim_expiry(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(seconds=current_app.config["OUTBOX_CLAIM_SECONDS"])


def _claim_batch(now: dt.datetime, exclude: set[int]) -> tuple[list[int], dt.datetime]:
    """Claim up to BATCH_SIZE due messages for this worker; the caller commits.

    One UPDATE, on both back ends: SQLite runs it under its one write lock, so no other worker
    can claim a row between the choice and the claim; PostgreSQL skips the rows another worker
    is claiming right now rather than waiting for them, so several workers each take a
    different batch.

    :param exclude: messages this drain already tried (a failure retried at once would loop).
    :returns: the claimed ids, and the claim's expiry, which also tells this claim from others.
    """
    claim_until = _claim_expiry(now)
    candidates = (
        select(OutboxMessage.id)
        .where(*_due(now, exclude))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(BATCH_SIZE)
    )
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(candidates.scalar_subquery()), *_due(now, exclude))
        .values(claimed_until=claim_until)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).scalars()
    return sorted(claimed), claim_until


def _decide_attempts(claimed: list[int]) -> int:
    """Turn the claimed rows of decided kinds (sign attempts) into the mails they cause.

    Rows that cause none are deleted. In id order, in the claim's transaction, before anything
    is sent (SQLite's write lock is never held across an SMTP conversation). A decided row is
    an ordinary queued mail from then on, so a retry after a failure sends it again without
    counting it again.

    :returns: how many rows were dropped.
    """
    decisions = messages.decisions()
    if not decisions or not claimed:
        return 0
    attempts = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.signature_id,
            OutboxMessage.created_at,
        )
        .where(OutboxMessage.id.in_(claimed), OutboxMessage.kind.in_(decisions))
        .order_by(OutboxMessage.id)
    ).all()
    dropped: list[int] = []
    decided: dict[str, list[int]] = {}
    for message_id, attempt_kind, signature_id, attempted_at in attempts:
        kind = decisions[attempt_kind](signature_id, attempted_at)
        if kind is None:
            dropped.append(message_id)
        else:
            decided.setdefault(str(kind), []).append(message_id)
    # One statement per outcome rather than one per row: a batch of 50 sign attempts is two
    # or three statements, not fifty.
    if dropped:
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(dropped)))
    for kind, message_ids in decided.items():
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids))
            .values(kind=kind)
            .execution_options(synchronize_session=False)
        )
    return len(dropped)


def _hold(message_ids: list[int], ours: dt.datetime) -> dt.datetime:
    """Renew this worker's claim on what is left of its batch if it could lapse mid-send.

    A send may take MAIL_TIMEOUT_SECONDS; while more than that (and a margin) of the claim is
    left, nobody else may take these rows and nothing needs writing. Otherwise the rows still
    under our claim get a fresh one in one UPDATE (the caller's transaction); rows another
    worker took over meanwhile keep theirs, and the check before each send skips them.

    :returns: the claim the batch is held under from now on.
    """
    config = current_app.config
    now = utcnow()
    # Halfway between the send timeout and the full claim: with the defaults (20 s, 300 s) a
    # batch is renewed every 140 s, so a slow relay costs one UPDATE now and then.
    margin = (config["OUTBOX_CLAIM_SECONDS"] + config["MAIL_TIMEOUT_SECONDS"]) / 2
    if ours - now > dt.timedelta(seconds=margin):
        return ours
    renewed = _claim_expiry(now)
    _restamp(message_ids, ours, renewed)
    return renewed


def _restamp(message_ids: list[int], ours: dt.datetime, claim: dt.datetime | None) -> None:
    """Move the rows still pending under our claim to ``claim`` (None: give them back)."""
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(message_ids),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.claimed_until == ours,
        )
        .values(claimed_until=claim)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _still_ours(message_id: int, ours: dt.datetime) -> OutboxMessage | None:
    """Read a claimed row as the database holds it now; None unless it is pending and ours.

    A withdrawal may have erased it (with the rest of its signer's unsent mail), or, after a
    claim that lapsed, another worker may have taken it over and even sent it.
    """
    row = db.session.get(OutboxMessage, message_id, populate_existing=True)
    if row is None or row.status is not OutboxStatus.PENDING or row.claimed_until != ours:
        return None
    return row


def _release(message_ids: list[int], ours: dt.datetime) -> None:
    """Give back claimed messages this worker will not send (it was asked to stop)."""
    if message_ids:
        _restamp(message_ids, ours, None)


def retry_delay(attempts: int) -> dt.timedelta:
    """Return the wait before the next try after ``attempts`` failed ones (doubling, capped)."""
    base = current_app.config["OUTBOX_RETRY_BASE_SECONDS"]
    ceiling = current_app.config["OUTBOX_RETRY_MAX_SECONDS"]
    return dt.timedelta(seconds=min(ceiling, base * 2 ** max(0, attempts - 1)))


class HeldBack(Exception):
    """The recipient's address is over MAIL_PER_ADDRESS_LIMIT; the mail is not sent."""


def _fail(row: OutboxMessage, reason: str) -> None:
    row.status = OutboxStatus.FAILED
    row.attempts += 1
    row.last_error = reason[:500]
    row.claimed_until = None


def _build(
    row: OutboxMessage, compose: Callable[[], messages.Mail], sender: str
) -> tuple[EmailMessage, str | None]:
    """Compose and assemble one message; whatever goes wrong with it fails it alone.

    :returns: the message, and the address the per-address mail limit counts it against.
    :raises messages.NotSendable: if it cannot be built, for any reason (old data, a bug): the
        worker must go on with the next message rather than die on this one at every restart.
    """
    try:
        mail = compose()
        return build_message(mail, row.message_id, sender), mail.limited_address
    except messages.NotSendable:
        raise
    except Exception as error:
        # Only the type: the error's text may quote an address or a name.
        reason = f"the message could not be built ({type(error).__name__})"
        raise messages.NotSendable(reason) from None


def _deliver(row: OutboxMessage, transport: Transport, report: DrainReport) -> None:
    sender = current_app.config["MAIL_FROM"]
    row_id = row.id
    compose = messages.prepare(row.kind, row.signature_id)
    try:
        message, address = _build(row, compose, sender)
        # Counted on the first attempt only: a retry is the same mail, not one more.
        if row.attempts == 0 and address is not None and not allow_mail_to(address):
            raise HeldBack()
        transport.send(message)
    except messages.NotSendable as unsendable:
        _fail(row, str(unsendable))
        outcome = "failed"
        log.warning("outbox message %s cannot be sent: %s", row_id, unsendable)
    except HeldBack:
        _fail(row, "held back: the address has had its share of mail (MAIL_PER_ADDRESS_LIMIT)")
        outcome = "failed"
        log.warning("outbox message %s held back by the per-address mail limit", row_id)
    except LimitUnavailable as unavailable:
        # Not an attempt: nothing was sent and the limit is still to be counted.
        row.next_attempt_at = utcnow() + retry_delay(row.attempts + 1)
        row.claimed_until = None
        row.last_error = f"rate-limit storage unreachable ({unavailable})"
        outcome = "retrying"
        log.warning("outbox message %s waits for the rate-limit storage: %s", row_id, unavailable)
    except PermanentFailure as failure:
        _fail(row, str(failure))
        outcome = "failed"
        log.error("outbox message %s failed for good: %s", row_id, failure)
    except TemporaryFailure as failure:
        row.attempts += 1
        row.last_error = str(failure)[:500]
        row.next_attempt_at = utcnow() + retry_delay(row.attempts)
        row.claimed_until = None
        outcome = "retrying"
        log.warning("outbox message %s will be retried: %s", row_id, failure)
    else:
        row.status = OutboxStatus.SENT
        row.attempts += 1
        row.sent_at = utcnow()
        row.claimed_until = None
        row.last_error = None
        outcome = "sent"
    try:
        db.session.commit()
    except StaleDataError:
        # The signer withdrew while the mail was in flight, and the withdrawal erased the row
        # with the rest of their unsent mail. Nothing is left to record (or to retry); carry on.
        db.session.rollback()
        log.info("outbox message %s was erased while in flight", row_id)
        if outcome != "sent":
            return
    setattr(report, outcome, getattr(report, outcome) + 1)


def drain_once(
    transport: Transport | None = None, stop: threading.Event | None = None
) -> DrainReport:
    """Try every message that is due now once, then return what happened.

    :param stop: once set, return after the message in hand instead of draining on.
    """
    transport = transport or configured_transport()
    try:
        return _drain(transport, stop)
    finally:
        # A connection kept between rounds would idle into the server's timeout.
        transport.close()


def _drain(transport: Transport, stop: threading.Event | None) -> DrainReport:
    """Drain batch after batch; within a batch a commit leaves what was read loaded.

    The rows and their signatures are read afresh before each send anyway; what else a mail
    needs (its petition) may then be reused for the rest of the batch instead of being read
    again after every commit. Everything is expired at each batch and at the end, so nothing
    is older than a batch, and the caller finds the session as a commit leaves it.
    """
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        return _batches(transport, stop)
    finally:
        session.expire_on_commit = expiring
        session.expire_all()


def _batches(transport: Transport, stop: threading.Event | None) -> DrainReport:
    report = DrainReport()
    tried: set[int] = set()
    while True:
        db.session.expire_all()
        claimed, ours = _claim_batch(utcnow(), tried)
        report.dropped += _decide_attempts(claimed)
        db.session.commit()
        if not claimed:
            return report
        tried.update(claimed)
        for index, message_id in enumerate(claimed):
            if stop is not None and stop.is_set():
                _release(claimed[index:], ours)
                return report
            ours = _hold(claimed[index:], ours)
            row = _still_ours(message_id, ours)
            if row is not None:
                _deliver(row, transport, report)


def configured_transport() -> Transport:
    """Return the transport MAIL_URL names (the development mailbox when unset)."""
    config = current_app.config
    return transport_for(
        config["MAIL_URL"],
        config["DEV_MAILBOX_DIR"],
        config["MAIL_TIMEOUT_SECONDS"],
        config["MAIL_MESSAGES_PER_CONNECTION"],
    )


def run_forever(stop: threading.Event) -> None:
    """Drain the outbox until ``stop`` is set, resting between empty rounds."""
    transport = configured_transport()
    poll = current_app.config["OUTBOX_POLL_SECONDS"]
    while not stop.is_set():
        report = drain_once(transport, stop)
        if report.sent == 0 and report.failed == 0:
            stop.wait(poll)
