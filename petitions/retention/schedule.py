"""What the retention run will erase of one petition, and when: the dashboard's Retention section.

And the one thing an organizer may change about it: put off the anonymisation of the petition's
signers, until a day and for a reason, both on record (models.RetentionExtension).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.defence.models import EvidenceKey
from petitions.extensions import db
from petitions.retention import services
from petitions.retention.models import RetentionExtension
from petitions.signing.models import Signature, SignatureState


class ExtensionRefused(ValueError):
    """An extension that cannot be recorded (the message says why, for the form)."""


@dataclass(frozen=True)
class Schedule:
    """A petition's retention, as its dashboard states it."""

    #: Signatures not confirmed yet, and when the oldest of them is deleted (None: none).
    unconfirmed: int
    next_unconfirmed_erased: dt.datetime | None
    #: Signatures still keeping evidence, and when the oldest evidence goes.
    with_evidence: int
    next_evidence_erased: dt.date | None
    #: Signatures whose personal data the anonymisation will erase.
    personal: int
    #: When the anonymisation is due; None while the petition is not closed and delivered.
    anonymise_on: dt.datetime | None
    #: When it was done (then nothing above is left to anonymise).
    anonymised_at: dt.datetime | None
    #: The extensions recorded, the newest first.
    extensions: list[RetentionExtension]


def schedule_of(petition: Petition, now: dt.datetime | None = None) -> Schedule:
    """Say what will be erased of this petition's signers, and when."""
    now = now or utcnow()
    days = dt.timedelta(days=int(current_app.config["UNCONFIRMED_RETENTION_DAYS"]))
    unconfirmed, oldest = db.session.execute(
        select(func.count(), func.min(Signature.created_at)).where(
            Signature.petition_id == petition.id, Signature.state == SignatureState.PENDING
        )
    ).one()
    kept, oldest_key = db.session.execute(
        select(func.count(), func.min(Signature.client_key_id)).where(
            Signature.petition_id == petition.id, Signature.client_key_id.is_not(None)
        )
    ).one()
    evidence_day = None
    if oldest_key is not None:
        key_day = db.session.execute(
            select(EvidenceKey.day).where(EvidenceKey.id == oldest_key)
        ).scalar_one_or_none()
        if key_day is not None:
            retention = int(current_app.config["EVIDENCE_RETENTION_DAYS"])
            evidence_day = key_day + dt.timedelta(days=retention + 1)
    personal = db.session.execute(
        select(func.count()).where(services.still_personal(petition.id))
    ).scalar_one()
    extensions = list(
        db.session.execute(
            select(RetentionExtension)
            .where(RetentionExtension.petition_id == petition.id)
            .order_by(RetentionExtension.id.desc())
        ).scalars()
    )
    return Schedule(
        unconfirmed=int(unconfirmed),
        next_unconfirmed_erased=oldest + days if oldest is not None else None,
        with_evidence=int(kept),
        next_evidence_erased=evidence_day,
        personal=int(personal),
        anonymise_on=services.anonymisation_due(petition, now),
        anonymised_at=petition.signers_anonymised_at,
        extensions=extensions,
    )


def extend(
    petition: Petition, until: dt.date, reason: str, organizer_id: int | None, by: str
) -> RetentionExtension:
    """Put off the anonymisation of a petition's signers until the end of ``until``.

    :raises ExtensionRefused: if the petition's signers were anonymised already, the day is not
        in the future or is further than RETENTION_EXTENSION_MAX_DAYS, or no reason is given.
    """
    today = utcnow().date()
    longest = int(current_app.config["RETENTION_EXTENSION_MAX_DAYS"])
    if petition.signers_anonymised_at is not None:
        raise ExtensionRefused(_("Its signers were anonymised already: there is nothing to keep."))
    if until <= today:
        raise ExtensionRefused(_("Give a day after today."))
    if until > today + dt.timedelta(days=longest):
        raise ExtensionRefused(
            _(
                "Give a day at most %(num)s days from today; extend again later if need be.",
                num=longest,
            )
        )
    if not reason.strip():
        raise ExtensionRefused(_("Say why the signers' data must be kept longer."))
    extension = RetentionExtension(
        petition_id=petition.id,
        until=until,
        reason=reason.strip(),
        organizer_id=organizer_id,
        by=by,
        created_at=utcnow(),
    )
    db.session.add(extension)
    db.session.commit()
    return extension
