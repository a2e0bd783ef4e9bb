"""What organizers see of signatures and their comments, and what the public sees of comments.

Kept apart from signing/services.py, which owns a signature's life (born, confirmed, withdrawn):
these functions only read signatures, or hide and show a comment.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.signing.models import Signature, SignatureState

log = logging.getLogger(__name__)


def _latest_comments(petition_id: int, limit: int, *conditions: Any) -> Sequence[Signature]:
    """Return the latest confirmed signatures of a petition with a comment, newest first."""
    return (
        db.session.execute(
            select(Signature)
            .where(
                Signature.petition_id == petition_id,
                Signature.state == SignatureState.CONFIRMED,
                Signature.comment.is_not(None),
                *conditions,
            )
            .order_by(Signature.confirmed_at.desc(), Signature.id.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )


def comments_for_moderation(petition_id: int, limit: int = 100) -> Sequence[Signature]:
    """Return the latest confirmed signatures with a comment, hidden ones included."""
    return _latest_comments(petition_id, limit)


def public_comments(petition_id: int, limit: int = 10) -> Sequence[Signature]:
    """Return the latest comments that are confirmed, not hidden, by signers named publicly."""
    # A comment is shown only beside its author's name: an unnamed signer's words, date and
    # city would be a public trace of somebody who asked for none.
    return _latest_comments(
        petition_id,
        limit,
        Signature.show_name_publicly.is_(True),
        Signature.comment_hidden_at.is_(None),
    )


def set_comment_hidden(
    petition_id: int, signature_id: int, hidden: bool, organizer_id: int
) -> bool:
    """Hide a comment from public pages and bundles (or show it again), recording who did it.

    :returns: False if the signature is not on this petition.
    """
    signature = db.session.get(Signature, signature_id)
    if signature is None or signature.petition_id != petition_id:
        return False
    signature.comment_hidden_at = utcnow() if hidden else None
    signature.comment_hidden_by_id = organizer_id if hidden else None
    db.session.commit()
    log.info("comment of signature %s %s", signature_id, "hidden" if hidden else "shown")
    return True


def latest_signatures(petition_id: int, limit: int = 20) -> Sequence[Signature]:
    """Return the latest signatures in any state, for the organizer's dashboard."""
    return (
        db.session.execute(
            select(Signature)
            .where(Signature.petition_id == petition_id)
            .order_by(Signature.created_at.desc(), Signature.id.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
