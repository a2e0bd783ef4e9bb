"""Where a signature is counted.

Counts move only by SQL increments inside the transaction that changes the signature's state,
never by reading a number and writing it back: two confirmations committing at once would then
both write the same value and one would be lost.
"""

from __future__ import annotations

from sqlalchemy import update

from petitions.cases.models import Petition
from petitions.extensions import db


def increment(petition_id: int) -> None:
    """Add one confirmed signature to a petition's count, in the caller's transaction."""
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition_id)
        .values(signature_count=Petition.signature_count + 1)
    )


def decrement(petition_id: int) -> None:
    """Take one withdrawn signature off a petition's count, in the caller's transaction."""
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition_id)
        .values(signature_count=Petition.signature_count - 1)
    )
