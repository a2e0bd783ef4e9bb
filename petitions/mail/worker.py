"""Draining the outbox: what `flask outbox send` runs.

A batch of messages is claimed by one conditional UPDATE (each must still be pending and
unclaimed, or its claim must have lapsed), and its sign attempts are decided, in one
transaction. The batch is then sent a chunk at a time: the chunk's rows and what their mails
need (their signatures) are read in one go right before the chunk is sent, and a row a
withdrawal erased, or another worker took over, is skipped. Outcomes are noted as the mails go
out and written together (mail/outcomes.py): one UPDATE for the mails sent, one COMMIT for up
to LEDGER_SIZE mails, or for those of LEDGER_SECONDS, whichever comes first. Nothing is
written while a mail is in flight, so no write lock is held across an SMTP conversation.

At least once: a worker killed between sending mails and writing their outcomes (or one whose
database fails then) leaves their claim, which lapses after OUTBOX_CLAIM_SECONDS; those mails
(LEDGER_SIZE at most, or those of the last LEDGER_SECONDS) are then sent again, with the same
Message-ID each, so a receiver can tell the repeat. SMTP itself cannot
rule out a repeat (a connection lost after the server took the mail, before it said so).

The claim is held for the batch as a lease: before each send it is renewed, for what is left
of the batch, when less than a send's worth of it remains (the outcomes noted so far are
written first), so a mail is only sent, and its outcome written, while no other worker may
take it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app
from sqlalchemy import delete, or_, select, update

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail import delivery, messages
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.mail.outcomes import LEDGER_SIZE, Claimed, Ledger
from petitions.mail.outcomes import DrainReport as DrainReport
from petitions.mail.outcomes import retry_delay as retry_delay
from petitions.mail.sender import (
    Transport,
    transport_for,
)

log = logging.getLogger(__name__)

#: Messages claimed per round; small enough that a crash strands few of them.
BATCH_SIZE = 50
#: Messages read again together right before they are sent.
CHUNK_SIZE = LEDGER_SIZE


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
    chosen: Any = candidates.scalar_subquery()
    if db.engine.dialect.name == "postgresql":
        # Chosen once, as a materialized CTE. As a subquery, PostgreSQL's plan did not keep to
        # the LIMIT: one claim took the whole queue (300 of 300), so one worker held it all.
        locked = (
            candidates.with_for_update(skip_locked=True)
            .cte("candidates")
            .prefix_with("MATERIALIZED")
        )
        chosen = select(locked.c.id)
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(chosen), *_due(now, exclude))
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
    by_kind: dict[str, list[tuple[int, int | None, dt.datetime]]] = {}
    for message_id, attempt_kind, signature_id, attempted_at in attempts:
        by_kind.setdefault(attempt_kind, []).append((message_id, signature_id, attempted_at))
    dropped: list[int] = []
    decided: dict[str, list[int]] = {}
    for attempt_kind, rows in by_kind.items():
        kinds = decisions[attempt_kind]([(signature_id, at) for _, signature_id, at in rows])
        for (message_id, _, _), kind in zip(rows, kinds, strict=True):
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


def _hold(ledger: Ledger, message_ids: list[int], ours: dt.datetime) -> dt.datetime:
    """Renew this worker's claim on what is left of its batch if it could lapse mid-send.

    A send may take MAIL_TIMEOUT_SECONDS; while more than that (and a margin) of the claim is
    left, nobody else may take these rows and nothing needs writing. Otherwise the outcomes
    noted so far are written (under the claim they were sent under), and the rows still under
    our claim get a fresh one in one UPDATE; rows another worker took over meanwhile keep
    theirs, and the read before their chunk, or the outcome's UPDATE, skips them.

    :returns: the claim the batch is held under from now on.
    """
    config = current_app.config
    now = utcnow()
    # Halfway between the send timeout and the full claim: with the defaults (20 s, 300 s) a
    # batch is renewed every 140 s, so a slow relay costs one UPDATE now and then.
    margin = (config["OUTBOX_CLAIM_SECONDS"] + config["MAIL_TIMEOUT_SECONDS"]) / 2
    if ours - now > dt.timedelta(seconds=margin):
        return ours
    ledger.write(ours)
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


def _still_ours(message_ids: list[int], ours: dt.datetime) -> list[Claimed]:
    """Read claimed rows as the database holds them now, in one query; only those pending and ours.

    A withdrawal may have erased one (with the rest of its signer's unsent mail), or, after a
    claim that lapsed, another worker may have taken one over and even sent it.
    """
    found = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.signature_id,
            OutboxMessage.message_id,
            OutboxMessage.attempts,
            OutboxMessage.letter_id,
            OutboxMessage.update_recipient_id,
        )
        .where(
            OutboxMessage.id.in_(message_ids),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.claimed_until == ours,
        )
        .order_by(OutboxMessage.id)
    ).all()
    return [Claimed(*row) for row in found]


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

    The rows and their signatures are read afresh before each chunk is sent anyway; what else
    a mail needs (its petition) may then be reused for the rest of the batch instead of being
    read again after every commit. Everything is expired at each batch and at the end, so
    nothing is older than a batch, and the caller finds the session as a commit leaves it.
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
        if not _send_batch(claimed, ours, transport, stop, Ledger(report)):
            return report


def _send_batch(
    claimed: list[int],
    ours: dt.datetime,
    transport: Transport,
    stop: threading.Event | None,
    ledger: Ledger,
) -> bool:
    """Send a claimed batch a chunk at a time; False if asked to stop before its end.

    Stopping writes what was noted and gives back the rest of the batch.
    """
    for start in range(0, len(claimed), CHUNK_SIZE):
        chunk = _still_ours(claimed[start : start + CHUNK_SIZE], ours)
        mails = delivery.ready(chunk)
        for position, (row, mail) in enumerate(zip(chunk, mails, strict=True)):
            left = [later.id for later in chunk[position:]] + claimed[start + CHUNK_SIZE :]
            if stop is not None and stop.is_set():
                ledger.write(ours)
                _release(left, ours)
                return False
            ours = _hold(ledger, left, ours)
            delivery.deliver(row, mail, transport, ledger)
            if ledger.due():
                ledger.write(ours)
    ledger.write(ours)
    return True


def _release(message_ids: list[int], ours: dt.datetime) -> None:
    """Give back claimed messages this worker will not send (it was asked to stop)."""
    _restamp(message_ids, ours, None)


def configured_transport() -> Transport:
    """Return the transport MAIL_URL names (the development mailbox when unset)."""
    config = current_app.config
    return transport_for(
        config["MAIL_URL"],
        config["DEV_MAILBOX_DIR"],
        config["MAIL_TIMEOUT_SECONDS"],
        config["MAIL_MESSAGES_PER_CONNECTION"],
    )


#: A job the worker runs now and then between rounds: (every so many seconds, the job).
Chore = tuple[float, Callable[[], object]]


def run_forever(stop: threading.Event, chores: Sequence[Chore] = ()) -> None:
    """Drain the outbox until ``stop`` is set, resting between empty rounds.

    :param chores: jobs to run at the start and then every so many seconds (the nightly count
        check). One that fails is logged and tried again at its next time; the mail goes on.
    """
    transport = configured_transport()
    poll = current_app.config["OUTBOX_POLL_SECONDS"]
    due = [0.0] * len(chores)
    while not stop.is_set():
        for n, (every, chore) in enumerate(chores):
            if time.monotonic() >= due[n]:
                due[n] = time.monotonic() + every
                try:
                    chore()
                except Exception:  # noqa: BLE001 - a chore never stops the mail
                    log.exception("a periodic job of the worker failed; it runs again later")
                    db.session.rollback()
        report = drain_once(transport, stop)
        if report.sent == 0 and report.failed == 0:
            stop.wait(poll)
