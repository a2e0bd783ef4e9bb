"""Where a signature is born, confirmed and withdrawn: one transaction each.

Each function commits its own transaction at its end and queues its mail inside it, as the
rule in petitions/extensions.py says.

State changes are conditional UPDATEs (``... WHERE state = 'pending'``) whose row count says
whether this transaction made the change. Two clicks on the same link, in two tabs or two
processes, race on the row lock; exactly one sees a row updated and counts it.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import (
    delete,
    select,
    update,
)
from sqlalchemy.orm import joinedload

from petitions.cases.models import Petition, PetitionStatus
from petitions.clock import utcnow
from petitions.defence import addresses, evidence
from petitions.defence import services as defence
from petitions.extensions import db
from petitions.mail import messages
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.privacy import storage
from petitions.signing import consent, mailing, signals, statements
from petitions.signing.busy import retryable
from petitions.signing.counts import count_change
from petitions.signing.models import CONFIRMED_BY_MAIL, Signature, SignatureState

log = logging.getLogger(__name__)


class PetitionNotOpen(Exception):
    """The petition does not accept signatures (draft or closed)."""


class ConfirmOutcome(enum.Enum):
    CONFIRMED = "confirmed"
    ALREADY_CONFIRMED = "already_confirmed"
    WITHDRAWN = "withdrawn"
    #: The petition closed longer ago than the grace period; the signature stays uncounted.
    PETITION_CLOSED = "petition_closed"
    NOT_FOUND = "not_found"


class WithdrawOutcome(enum.Enum):
    WITHDRAWN = "withdrawn"
    ALREADY_WITHDRAWN = "already_withdrawn"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class SignerDetails:
    """What a signer gave; each field is the Signature column of that name (sign() binds all)."""

    full_name: str
    email: str
    country: str
    city: str
    comment: str | None
    show_name_publicly: bool
    may_contact: bool
    source: str | None
    locale: str
    return_url: str | None = None
    #: The signer's answer to "print my name in the bundle?"; None: no answer, then the name is
    #: printed unless they live in the addressee's country.
    name_in_bundle: bool | None = None
    #: The signer ticked "the organizers may email me news of this petition" (not a column:
    #: signing/consent.py records it apart).
    updates_consent: bool = False


def normalize_email(address: str) -> str:
    """Reduce an address to one spelling per mailbox, the key for "one signature each".

    Lower case, tags (``+tag``) dropped, and dots dropped and alias domains mapped where the
    provider ignores them, by each domain's rule (petitions/defence/addresses.py): otherwise
    one person could sign many times as ``me+1@…``, ``me+2@…``.
    """
    return addresses.canonical(address)


def _load(signature_id: int) -> Signature | None:
    return db.session.execute(
        select(Signature)
        .where(Signature.id == signature_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def sign(slug: str, details: SignerDetails) -> None:
    """Record a signature attempt: a pending signature if the address is new, and one outbox row.

    The attempt is counted against the quarantine limits first (petitions/defence/); one past
    a limit is recorded all the same, with the reason, and its confirmation will hold it for
    review instead of counting it. Nothing in the answer, the mail or the thanks differs.

    :raises PetitionNotOpen: if no petition by that slug accepts signatures now.
    :raises DatabaseBusy: if the database could not take the write; nothing was recorded.
    """
    normalized = normalize_email(details.email)
    reason = defence.assess(slug, normalized, details.country)
    _record(slug, details, normalized, reason.value if reason is not None else None)


@retryable
def _record(slug: str, details: SignerDetails, normalized: str, reason: str | None) -> None:
    """Write a signature attempt: a pending signature if the address is new, and one outbox row.

    The request does the same work whether or not the address signed before: the INSERT finds a
    conflict or not, and the outbox row names the signature either way. Which mail it causes (a
    confirmation link, an "already signed" note, or none over the limits) the outbox worker
    decides (signing/mailing.py), so neither the answer nor its timing tells a stranger whether
    somebody signed.

    :raises PetitionNotOpen: if no petition by that slug accepts signatures now.
    :raises DatabaseBusy: if the database could not take the write; nothing was recorded.
    """
    now = utcnow()
    # Inside the retried part: the day's first signature writes the day's evidence key.
    where_from = evidence.of_request()
    values = {
        **vars(details),  # every field of SignerDetails is a column (vars: no deep copy)
        "set_aside_reason": reason,
        **vars(where_from),
        "comment": details.comment or None,
        "slug": slug,
        "now": now,
        "email_normalized": normalized,
        "created_at": now,
        # Counted by the worker when it sends the confirmation (signing/mailing.py).
        "mails_sent": 0,
        "last_mail_at": None,
        "state": SignatureState.PENDING,
    }
    # The one service that commits a Core connection of its own rather than the session (the
    # exception the transaction rule in petitions/extensions.py allows): otherwise the rule
    # holds, one transaction committed at the end with its outbox row inside. A valid sign
    # POST touches the session nowhere else, so this way it never builds one. Measured with an
    # interleaved loop of sign POSTs through the test client (1,500 each way, 2 shared cores),
    # median per POST, own connection vs db.session.execute + db.session.commit: SQLite 1.77 vs
    # 2.10 ms, PostgreSQL 2.52 vs 2.80 ms; the service alone, SQLite 226 vs 280 µs.
    with db.engine.begin() as connection:
        # ON CONFLICT DO NOTHING: an address that signed before (or is signing right now in
        # another request) meets the unique constraint, which stays the arbiter, without an
        # error to handle and a second path to take.
        connection.execute(statements.insert_if_open(connection.dialect.name), values)
        if not mailing.queue_sign_attempt(connection, slug, normalized, now):
            raise PetitionNotOpen()  # leaving the block rolls the transaction back
        if details.updates_consent:
            consent.record_pending(connection, slug, normalized, details.locale, now)
    # DEBUG: the access log already has a line per sign POST, and under a flood an INFO line per
    # signature (formatted, redacted, written) costs a twentieth of the request.
    log.debug("petition %s: sign attempt recorded", slug)


def resend_confirmation(signature_id: int) -> bool:
    """Queue a fresh confirmation link for a pending signature whose link expired.

    :returns: whether a mail was queued (False when confirmed, withdrawn or over its limits).
    """
    signature = _load(signature_id)
    if signature is None or signature.state is not SignatureState.PENDING:
        return False
    if not mailing.reserve_mail(signature.id, utcnow()):
        db.session.rollback()
        return False
    messages.queue(mailing.MailKind.CONFIRMATION, signature.id)
    db.session.commit()
    return True


def find(signature_id: int) -> Signature | None:
    """Return a signature by id with its petition (and count), or None.

    In one query: every page of a mailed link shows the petition, and a confirmation's answer
    its new count, so loading the petition apart was a second query per confirm POST.
    """
    return db.session.get(Signature, signature_id, options=[joinedload(Signature.petition)])


def _confirm_cutoff(now: dt.datetime) -> dt.datetime:
    """Return the moment before which a closed petition takes no more confirmations."""
    return now - dt.timedelta(seconds=current_app.config["CONFIRM_GRACE_AFTER_CLOSE_SECONDS"])


def takes_confirmations(petition: Petition) -> bool:
    """Tell whether a pending signature on this petition may still be confirmed now."""
    if petition.status is PetitionStatus.DRAFT:
        return False
    if petition.closes_at is None:
        return petition.status is PetitionStatus.OPEN
    return petition.closes_at > _confirm_cutoff(utcnow())


@retryable
def confirm(signature_id: int) -> ConfirmOutcome:
    """Confirm a pending signature and count it, exactly once however often it is called.

    A petition closed longer than CONFIRM_GRACE_AFTER_CLOSE_SECONDS ago takes no confirmation:
    its count may already be printed and delivered.
    """
    now = utcnow()
    # One statement finds the signature, checks that it is pending and that its petition still
    # takes confirmations, confirms it, and says which petition to count it on (RETURNING): no
    # SELECT before it, and no lock on the petition row, nor any write to it (the count goes to
    # a shard), so the confirmations of one petition do not queue on one row. No lock is needed
    # either: a close sets closes_at to its own moment and the grace period runs from there, so
    # a confirmation racing the close itself falls inside the grace by construction.
    connection = db.session.connection()
    confirmed = connection.execute(
        statements.confirm_if_pending(),
        {"signature_id": signature_id, "now": now, "cutoff": _confirm_cutoff(now)},
    ).one_or_none()
    if confirmed is not None:
        petition_id, slug, state = confirmed
        if state is SignatureState.CONFIRMED:
            count_change(petition_id, signature_id, +1)
            signals.announce_counted(petition_id, [signature_id])
        # Double opt-in: a consent ticked on the form counts from now, and its receipt goes out.
        consent.take_effect(connection, signature_id, now)
        db.session.commit()
        signals.announce_count_changed(slug)
        # DEBUG, as for a sign attempt: the access log has a line per confirm POST already.
        log.debug("signature %s confirmed", signature_id)
        return ConfirmOutcome.CONFIRMED
    db.session.rollback()
    signature = _load(signature_id)
    if signature is None:
        return ConfirmOutcome.NOT_FOUND
    if signature.state in CONFIRMED_BY_MAIL:
        return ConfirmOutcome.ALREADY_CONFIRMED
    if signature.state is SignatureState.INVALIDATED:
        return _confirm_invalidated(signature, now)
    if signature.state is SignatureState.PENDING:
        return ConfirmOutcome.PETITION_CLOSED
    return ConfirmOutcome.WITHDRAWN


def _confirm_invalidated(signature: Signature, now: dt.datetime) -> ConfirmOutcome:
    """Note that the owner of a signature an invalidation took while pending confirmed it.

    Answered as any confirmation (an invalidation is as silent as a quarantine), and kept in
    ``confirmed_at``: should the invalidation be undone, the signature is then counted (or
    quarantined) as it would have been, and its owner loses nothing.
    """
    if signature.confirmed_at is not None:
        return ConfirmOutcome.ALREADY_CONFIRMED
    if not takes_confirmations(signature.petition):
        return ConfirmOutcome.PETITION_CLOSED
    db.session.execute(
        update(Signature)
        .where(
            Signature.id == signature.id,
            Signature.state == SignatureState.INVALIDATED,
            Signature.confirmed_at.is_(None),
        )
        .values(confirmed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return ConfirmOutcome.CONFIRMED


#: What withdrawal erases. Country, source and the timestamps stay: they identify nobody and
#: keep the petition's history honest (a count that went down can be explained). The privacy
#: page lists what this erases (petitions/about/services.py), so a change here shows there.
ERASED_ON_WITHDRAWAL = {
    "full_name": "",
    "email": None,
    "email_normalized": None,
    "city": "",
    "comment": None,
    "return_url": None,
    "show_name_publicly": False,
    "may_contact": False,
    "client_key_id": None,
    "client_hash": None,
    "client_group_hash": None,
}


@retryable
def withdraw(signature_id: int) -> WithdrawOutcome:
    """Withdraw a signature: uncount it if it counted, erase its personal data and unsent mail."""
    now = utcnow()
    for _attempt in range(5):
        # FOR UPDATE (PostgreSQL) holds off a confirm racing this withdrawal; SQLite has no row
        # locks, so there the conditional UPDATE below may find the state moved and go round.
        row = db.session.execute(
            select(Signature.petition_id, Signature.state)
            .where(Signature.id == signature_id)
            .with_for_update()
        ).one_or_none()
        if row is None:
            db.session.rollback()
            return WithdrawOutcome.NOT_FOUND
        petition_id, state = row
        if state is SignatureState.WITHDRAWN:
            db.session.rollback()
            return WithdrawOutcome.ALREADY_WITHDRAWN
        changed = db.session.execute(
            update(Signature)
            .where(Signature.id == signature_id, Signature.state == state)
            .values(state=SignatureState.WITHDRAWN, withdrawn_at=now, **ERASED_ON_WITHDRAWAL)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            db.session.rollback()
            continue
        if state is SignatureState.CONFIRMED:
            count_change(petition_id, signature_id, -1)
        db.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.signature_id == signature_id,
                OutboxMessage.status == OutboxStatus.PENDING,
            )
        )
        signals.announce_erasing([signature_id])
        db.session.commit()
        storage.checkpoint_after_erasure()
        if state is SignatureState.CONFIRMED:
            slug = db.session.execute(select(Petition.slug).where(Petition.id == petition_id))
            signals.announce_count_changed(slug.scalar_one())
        log.info("signature %s withdrawn (was %s)", signature_id, state.value)
        return WithdrawOutcome.WITHDRAWN
    raise RuntimeError(f"signature {signature_id} kept changing state; withdrawal not recorded")
