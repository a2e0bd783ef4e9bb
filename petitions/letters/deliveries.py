"""What became of the printed letters: deliveries per batch, and the prisoner's replies.

A delivery with the outcome "delivered" marks the batch's letters delivered and puts a delivery
entry on the case's public timeline ("1,204 letters delivered"), in the case's language and
translated at once into every language of the service (the organizers may edit it like any
entry). A batch is delivered once: a second "delivered" is refused (:class:`AlreadyDelivered`).
A reply is published on the case page only once the consent of the prisoner or the family is
recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from flask import current_app
from flask_babel import force_locale, format_number, ngettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from petitions.cases import translations
from petitions.cases.models import Case, EntryKind, TimelineEntry
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.letters.models import (
    Channel,
    Consent,
    Letter,
    LetterBatch,
    LetterDelivery,
    LetterReply,
    LetterState,
    Outcome,
)


def batch_of(case: Case, batch_id: int) -> LetterBatch | None:
    """The case's batch with this id; None for another case's (a 404)."""
    return db.session.execute(
        select(LetterBatch).where(LetterBatch.id == batch_id, LetterBatch.case_id == case.id)
    ).scalar_one_or_none()


class AlreadyDelivered(ValueError):
    """The batch has a "delivered" outcome already: its letters are on the timeline once."""


def delivered_title(language: str, count: int) -> str:
    """The timeline entry's title in a language: "1,204 letters delivered"."""
    with force_locale(language):
        return str(
            ngettext(
                "%(count)s letter delivered",
                "%(count)s letters delivered",
                count,
                count=format_number(count),
            )
        )


def record_delivery(
    batch: LetterBatch, channel: Channel, outcome: Outcome, on: dt.date, by: str
) -> LetterDelivery:
    """Record an outcome for the batch; "delivered" marks its letters and makes a timeline entry.

    :raises AlreadyDelivered: for a second "delivered" of the same batch (nothing written).
    """
    if outcome is Outcome.DELIVERED and is_delivered(batch):
        raise AlreadyDelivered(batch.id)
    delivery = LetterDelivery(
        batch_id=batch.id,
        channel=channel,
        outcome=outcome,
        happened_on=on,
        created_at=utcnow(),
        created_by=by,
    )
    if outcome is Outcome.DELIVERED:
        entry = TimelineEntry(
            case_id=batch.case_id,
            happened_on=on,
            kind=EntryKind.DELIVERY,
            title=delivered_title(batch.case.language, batch.letter_count),
            text="",
        )
        db.session.add(entry)
        db.session.flush()
        for language in current_app.config["LANGUAGES"]:
            if language != batch.case.language:
                title = delivered_title(language, batch.letter_count)
                translations.save(entry, language, {"title": title}, by)
        delivery.timeline_entry_id = entry.id
        db.session.execute(
            update(Letter)
            .where(Letter.batch_id == batch.id, Letter.state == LetterState.PRINTED)
            .values(state=LetterState.DELIVERED)
            .execution_options(synchronize_session=False)
        )
    db.session.add(delivery)
    try:
        db.session.commit()
    except IntegrityError:  # another organizer's "delivered" of the batch committed first
        db.session.rollback()
        raise AlreadyDelivered(batch.id) from None
    return delivery


def is_delivered(batch: LetterBatch) -> bool:
    """Whether the batch has a "delivered" outcome recorded."""
    found = db.session.execute(
        select(LetterDelivery.id).where(
            LetterDelivery.batch_id == batch.id, LetterDelivery.outcome == Outcome.DELIVERED
        )
    ).first()
    return found is not None


def deliveries_of(batch_ids: Sequence[int]) -> dict[int, list[LetterDelivery]]:
    """The deliveries of these batches, oldest first, by batch id."""
    found: dict[int, list[LetterDelivery]] = {batch_id: [] for batch_id in batch_ids}
    rows = db.session.execute(
        select(LetterDelivery)
        .where(LetterDelivery.batch_id.in_(batch_ids))
        .order_by(LetterDelivery.happened_on, LetterDelivery.id)
    ).scalars()
    for delivery in rows:
        found[delivery.batch_id].append(delivery)
    return found


def record_reply(
    case: Case, text: str, received_on: dt.date, consent: Consent, by: str
) -> LetterReply:
    """Keep a reply; it is published on the case page only with a consent recorded."""
    reply = LetterReply(
        case_id=case.id,
        text=text,
        received_on=received_on,
        consent=consent,
        created_at=utcnow(),
        created_by=by,
    )
    db.session.add(reply)
    db.session.commit()
    return reply


def reply_of(case: Case, reply_id: int) -> LetterReply | None:
    """The case's reply with this id; None for another case's."""
    return db.session.execute(
        select(LetterReply).where(LetterReply.id == reply_id, LetterReply.case_id == case.id)
    ).scalar_one_or_none()


def set_consent(case: Case, reply_id: int, consent: Consent) -> bool:
    """Record (or take back) the consent to publish one of the case's replies; False: no such."""
    reply = reply_of(case, reply_id)
    if reply is None:
        return False
    reply.consent = consent
    db.session.commit()
    return True


def replies_of(case_id: int, published_only: bool) -> Sequence[LetterReply]:
    """The case's replies, newest first; ``published_only``: those with a consent recorded."""
    query = select(LetterReply).where(LetterReply.case_id == case_id)
    if published_only:
        query = query.where(LetterReply.consent != Consent.NONE)
    return (
        db.session.execute(query.order_by(LetterReply.received_on.desc(), LetterReply.id.desc()))
        .scalars()
        .all()
    )
