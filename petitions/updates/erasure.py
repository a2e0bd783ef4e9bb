"""Erasing a signer's update records with their signature (signing.signals.erasing).

A withdrawal (and the retention run) erases a signature's personal data in one transaction and
announces it before committing; the consent record, the recipient rows and any unsent update
mail of those signatures go in that same transaction, so nothing about the signer outlives it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from petitions.extensions import db
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.signing import signals
from petitions.signing.consent import UpdateConsent
from petitions.updates.models import UpdateRecipient


@signals.erasing.connect
def erase(sender: Any, signature_ids: list[int], **_: Any) -> None:
    """Delete the consent, recipient rows and unsent update mail of these signatures."""
    recipients = select(UpdateRecipient.id).where(UpdateRecipient.signature_id.in_(signature_ids))
    db.session.execute(
        delete(OutboxMessage)
        .where(
            OutboxMessage.update_recipient_id.in_(recipients),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(UpdateRecipient)
        .where(UpdateRecipient.signature_id.in_(signature_ids))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(UpdateConsent)
        .where(UpdateConsent.signature_id.in_(signature_ids))
        .execution_options(synchronize_session=False)
    )
