"""What organizers see of signatures and comments, and what the public sees of signers and comments.

Kept apart from signing/services.py, which owns a signature's life (born, confirmed, withdrawn):
these functions only read signatures, or hide and show a comment.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import ColumnElement, case, func, null, select

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.signing.models import Signature, SignatureState

log = logging.getLogger(__name__)


def shown_comment() -> ColumnElement[str | None]:
    """The comment as anyone but its petition's organizers may see it: none once they hid it.

    The one rule for the petition page, bundles and exports; select it in place of the column.
    """
    return case((Signature.comment_hidden_at.is_(None), Signature.comment), else_=null())


def _named_publicly() -> tuple[ColumnElement[bool], ...]:
    # Only those who agreed: for an unnamed signer in Belarus, a city, a date and a place in
    # the order of signing can be enough to find them.
    return (
        Signature.state == SignatureState.CONFIRMED,
        Signature.show_name_publicly.is_(True),
    )


def _latest(petition_id: int, limit: int, *conditions: ColumnElement[bool]) -> Sequence[Signature]:
    """Return the latest signatures of a petition that meet the conditions, newest first."""
    return (
        db.session.execute(
            select(Signature)
            .where(Signature.petition_id == petition_id, *conditions)
            .order_by(Signature.confirmed_at.desc(), Signature.id.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )


def latest_public_signers(petition_id: int, limit: int = 10) -> Sequence[Signature]:
    """Return the latest confirmed signatures of signers who agreed to be named publicly."""
    return _latest(petition_id, limit, *_named_publicly())


def comments_for_moderation(petition_id: int, limit: int = 100) -> Sequence[Signature]:
    """Return the latest confirmed signatures with a comment, hidden ones included."""
    return _latest(
        petition_id,
        limit,
        Signature.state == SignatureState.CONFIRMED,
        Signature.comment.is_not(None),
    )


def comment_counts(petition_id: int) -> tuple[int, int]:
    """Return how many confirmed signatures of a petition carry a comment, and how many of those
    comments are hidden."""
    total, hidden = db.session.execute(
        select(
            func.count(),
            func.count(Signature.comment_hidden_at),
        ).where(
            Signature.petition_id == petition_id,
            Signature.state == SignatureState.CONFIRMED,
            Signature.comment.is_not(None),
        )
    ).one()
    return int(total), int(hidden)


def public_comments(petition_id: int, limit: int = 10) -> Sequence[Signature]:
    """Return the latest comments that are confirmed, not hidden, by signers named publicly."""
    # A comment is shown only beside its author's name: an unnamed signer's words, date and
    # city would be a public trace of somebody who asked for none.
    return _latest(petition_id, limit, *_named_publicly(), shown_comment().is_not(None))


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
