"""Writing an update, working out who it reaches, and queueing it at a pace.

Who an update reaches: the signers of its petition (or of its case's petitions, one mail per
address) whose signature is confirmed and counted, whose consent was given by mail and stands
(not withdrawn on the preferences page, not unsubscribed), and whose address is still held.

Queueing: the worker's chore (queue_due) takes UPDATE_BATCH_SIZE recipients at a time and, in
one transaction, writes a recipient row for each (unique per update and signature) and its
outbox mail, each due 1/UPDATE_MAILS_PER_MINUTE of a minute after the one before. A crash
before the commit leaves nothing of the batch; after it, the outbox worker's once-only claims
send each mail; a batch queued twice fails on the unique constraint. So nothing is lost, and
nobody is mailed twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from flask import current_app
from sqlalchemy import Select, and_, exists, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from petitions.accounts.models import Organizer
from petitions.cases.models import Case, Petition
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail import messages
from petitions.mail.models import OutboxMessage
from petitions.signing import consent
from petitions.signing.consent import UpdateConsent
from petitions.signing.consent import standing as consent_standing
from petitions.signing.models import Signature, SignatureState
from petitions.updates.models import Update, UpdateRecipient, UpdateStatus, UpdateText

log = logging.getLogger(__name__)

#: The outbox kind of an update's mail (templates/mail/update_for_signer.*).
UPDATE_KIND = "update_for_signer"


class UpdateNotEditable(Exception):
    """The update is being sent or was sent: its texts and time can no longer change."""


def create(
    organizer: Organizer,
    locale: str,
    subject: str,
    body: str,
    petition: Petition | None = None,
    case: Case | None = None,
) -> Update:
    """Write a draft update for a petition or a whole case, in its original language; commits."""
    update = Update(
        petition_id=petition.id if petition is not None else None,
        case_id=case.id if case is not None else None,
        original_locale=locale,
        status=UpdateStatus.DRAFT,
        organizer_id=organizer.id,
        created_at=utcnow(),
    )
    update.texts.append(UpdateText(locale=locale, subject=subject, body=body))
    db.session.add(update)
    db.session.commit()
    return update


def set_text(update: Update, locale: str, subject: str, body: str) -> None:
    """Write (or rewrite) the update's text in one language; commits.

    :raises UpdateNotEditable: once it is being sent.
    """
    if not update.editable:
        raise UpdateNotEditable()
    found = next((text for text in update.texts if text.locale == locale), None)
    if found is None:
        update.texts.append(UpdateText(locale=locale, subject=subject, body=body))
    else:
        found.subject, found.body = subject, body
    db.session.commit()


def schedule(update: Update, send_at: dt.datetime) -> None:
    """Have the worker send the update at ``send_at`` (UTC; now or earlier: at once); commits.

    :raises UpdateNotEditable: once it is being sent.
    """
    if not update.editable:
        raise UpdateNotEditable()
    update.status = UpdateStatus.SCHEDULED
    update.send_at = send_at
    db.session.commit()


def unschedule(update: Update) -> None:
    """Make a scheduled update a draft again; commits.

    :raises UpdateNotEditable: once it is being sent.
    """
    if not update.editable:
        raise UpdateNotEditable()
    update.status, update.send_at = UpdateStatus.DRAFT, None
    db.session.commit()


def updates_of(petition: Petition | None = None, case: Case | None = None) -> list[Update]:
    """Return the updates of a petition, or the case-wide ones of a case, newest first."""
    query = select(Update).order_by(Update.created_at.desc(), Update.id.desc())
    if petition is not None:
        query = query.where(Update.petition_id == petition.id)
    else:
        assert case is not None
        query = query.where(Update.case_id == case.id)
    return list(db.session.execute(query).scalars())


def update_by_id(update_id: int) -> Update | None:
    """Return an update, or None."""
    return db.session.get(Update, update_id)


def case_of(update: Update) -> Case:
    """Return the case an update belongs to (its petition's, for a petition's update)."""
    if update.petition is not None:
        return update.petition.case
    assert update.case is not None
    return update.case


# --- who it reaches ---------------------------------------------------------------------------


def _scope(update: Update, signature: Any = Signature) -> Any:
    """The signatures an update is for: its petition's, or those of its case's petitions."""
    if update.petition_id is not None:
        return signature.petition_id == update.petition_id
    return signature.petition_id.in_(select(Petition.id).where(Petition.case_id == update.case_id))


def _consenting(update: Update) -> list[Any]:
    """The conditions a signature meets to be mailed the update."""
    return [
        _scope(update),
        Signature.state == SignatureState.CONFIRMED,
        Signature.email_normalized.is_not(None),
        exists().where(
            UpdateConsent.signature_id == Signature.id,
            consent_standing(),
        ),
    ]


def recipient_count(update: Update) -> int:
    """Return how many addresses the update reaches now (never which)."""
    return int(
        db.session.execute(
            select(func.count(func.distinct(Signature.email_normalized))).where(
                *_consenting(update)
            )
        ).scalar_one()
    )


def _not_yet_queued(update: Update, size: int) -> Select[int, str]:
    """The next ``size`` signatures to queue: one per address, none whose address has a row."""
    # Whether the address has a recipient row, found through the signatures' unique index on
    # (petition, address) and the recipients' on (update, signature): a few lookups per
    # candidate. Joining the update's recipients to their signatures instead cost each
    # candidate a scan of every recipient on SQLite, 364 s to queue 10,000 (bench/retention.py).
    earlier = aliased(Signature)
    queued_address = exists().where(
        earlier.email_normalized == Signature.email_normalized,
        _scope(update, earlier),
        exists().where(
            UpdateRecipient.update_id == update.id, UpdateRecipient.signature_id == earlier.id
        ),
    )
    # One signature per address: the first one it made of the case's petitions.
    first = (
        select(func.min(Signature.id))
        .where(*_consenting(update), ~queued_address)
        .group_by(Signature.email_normalized)
    )
    return (
        select(Signature.id, Signature.locale)
        .where(Signature.id.in_(first))
        .order_by(Signature.id)
        .limit(size)
    )


def _language(update: Update, locale: str) -> str:
    written = {text.locale for text in update.texts}
    return locale if locale in written else update.original_locale


def _queue(
    update: Update,
    rows: list[tuple[int | None, int | None, str]],
    first: dt.datetime,
    paced: bool = True,
) -> dt.datetime:
    """Write recipient rows and their outbox mails, the n-th due at ``first`` plus n intervals.

    :param rows: (signature, organizer, language) of each.
    :param paced: False: all due at ``first`` (a test to the organizer).
    :returns: when the mail after the last would be due.
    """
    now = utcnow()
    interval = dt.timedelta(minutes=1) / current_app.config["UPDATE_MAILS_PER_MINUTE"]
    if not paced:
        interval = dt.timedelta(0)
    recipients = [
        UpdateRecipient(
            update_id=update.id,
            signature_id=signature_id,
            organizer_id=organizer_id,
            locale=locale,
            created_at=now,
        )
        for signature_id, organizer_id, locale in rows
    ]
    db.session.add_all(recipients)
    db.session.flush()
    db.session.execute(
        insert(OutboxMessage),
        [
            {
                **messages.pending(UPDATE_KIND),
                # No signature_id: the builder reads the recipient, and erasing the recipient
                # (updates/erasure.py) takes its unsent mail with it.
                "update_recipient_id": recipient.id,
                "next_attempt_at": first + position * interval,
                "created_at": now,
            }
            for position, recipient in enumerate(recipients)
        ],
    )
    after: dt.datetime = first + len(recipients) * interval
    return after


def send_test(update: Update, organizer: Organizer) -> None:
    """Queue the update to the organizer, in each of its languages; commits."""
    rows: list[tuple[int | None, int | None, str]] = [
        (None, organizer.id, text.locale) for text in update.texts
    ]
    _queue(update, rows, utcnow(), paced=False)
    db.session.commit()


def queue_due(now: dt.datetime | None = None) -> int:
    """Queue one batch of each update that is due and whose last batch has fallen due; commits.

    The worker runs this every few seconds (cli.py). Updates with nobody left to queue are
    marked sent.

    :returns: how many recipients were queued.
    """
    now = now or utcnow()
    size = current_app.config["UPDATE_BATCH_SIZE"]
    due = db.session.execute(
        select(Update.id).where(
            Update.status.in_([UpdateStatus.SCHEDULED, UpdateStatus.SENDING]),
            Update.send_at <= now,
            or_(Update.next_due_at.is_(None), Update.next_due_at <= now),
        )
    ).scalars()
    queued = 0
    for update_id in list(due):
        queued += _queue_batch(update_id, now, size)
    return queued


def _queue_batch(update_id: int, now: dt.datetime, size: int) -> int:
    query = select(Update).where(Update.id == update_id)
    if db.engine.dialect.name == "postgresql":
        # Another worker queueing this update right now: leave it to them.
        query = query.with_for_update(skip_locked=True)
    update = db.session.execute(query.execution_options(populate_existing=True)).scalar()
    if update is None or update.status not in {UpdateStatus.SCHEDULED, UpdateStatus.SENDING}:
        db.session.rollback()
        return 0
    batch = db.session.execute(_not_yet_queued(update, size)).all()
    if not batch:
        update.status, update.finished_at = UpdateStatus.SENT, now
        db.session.commit()
        log.info("update %s: all %s recipients queued", update.id, update.queued)
        return 0
    first = max(now, update.next_due_at or now)
    rows: list[tuple[int | None, int | None, str]] = [
        (signature_id, None, _language(update, locale)) for signature_id, locale in batch
    ]
    try:
        update.next_due_at = _queue(update, rows, first)
        update.status = UpdateStatus.SENDING
        update.queued += len(rows)
        db.session.commit()
    except IntegrityError:
        # Another worker queued these recipients first; its rows stand, ours are dropped.
        db.session.rollback()
        return 0
    return len(rows)


# --- the signer's side ------------------------------------------------------------------------


def signatures_concerned(signature_id: int, case_id: int | None) -> list[int]:
    """The signatures a signer's link speaks for: this one, or (for a case-wide link) every
    signature of the same address on the case's petitions."""
    if case_id is None:
        return [signature_id]
    same = aliased(Signature)
    return list(
        db.session.execute(
            select(Signature.id)
            .join(same, and_(same.email_normalized == Signature.email_normalized))
            .where(
                same.id == signature_id,
                Signature.petition_id.in_(select(Petition.id).where(Petition.case_id == case_id)),
            )
        ).scalars()
    )


def stop_updates(signature_id: int, case_id: int | None, by: str) -> None:
    """Take back the consent a signer's link speaks for (the signature stays); commits.

    :param by: "preferences" or "unsubscribe", kept with the record.
    """
    consent.withdraw(signatures_concerned(signature_id, case_id), by, utcnow())
    db.session.commit()


def start_updates(signature_id: int, case_id: int | None, locale: str) -> None:
    """Record consent (again) for what a signer's link speaks for, in today's words; commits."""
    consent.give(signatures_concerned(signature_id, case_id), locale, utcnow())
    db.session.commit()


def receiving(signature_id: int, case_id: int | None) -> bool:
    """Whether any signature the link speaks for has a standing consent."""
    concerned = signatures_concerned(signature_id, case_id)
    return bool(concerned) and (
        db.session.execute(
            select(UpdateConsent.id).where(
                UpdateConsent.signature_id.in_(concerned),
                consent_standing(),
            )
        ).first()
        is not None
    )


def signature(signature_id: int) -> Signature | None:
    """Return the signature a signer's link names, or None."""
    return db.session.get(Signature, signature_id)
