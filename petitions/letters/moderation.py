"""Organizers read confirmed letters and approve or reject them, one by one or many at once.

Each decision is recorded on the letter: who took it, when, and (for a rejection, always) why.
A letter is decided once: an approved letter goes on to be printed (part 2), so it is not
taken back here; a writer may still withdraw it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from petitions.cases.models import Case
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.letters.models import AWAITING_DECISION, Letter, LetterState


class DecisionRefused(ValueError):
    """The decision cannot be taken as asked (the message says why)."""


def queue_of(case_id: int) -> list[Letter]:
    """The case's confirmed letters waiting for a decision, oldest first."""
    return list(
        db.session.execute(
            select(Letter)
            .where(Letter.case_id == case_id, Letter.state.in_(AWAITING_DECISION))
            .order_by(Letter.confirmed_at, Letter.id)
        ).scalars()
    )


def decided_of(case_id: int, limit: int = 100) -> list[Letter]:
    """The case's latest decisions (approved and rejected letters), newest first."""
    return list(
        db.session.execute(
            select(Letter)
            .where(Letter.case_id == case_id, Letter.decided_at.is_not(None))
            .order_by(Letter.decided_at.desc(), Letter.id.desc())
            .limit(limit)
        ).scalars()
    )


def decide(
    case: Case,
    letter_ids: Sequence[int] | None,
    approve: bool,
    reason: str,
    by: str,
    organizer_id: int | None = None,
) -> int:
    """Approve or reject the case's waiting letters and commit; return how many changed.

    :param letter_ids: the letters (ids of this case's letters only are taken); None: all of
        the case's waiting letters.
    :param reason: why; a rejection must say.
    :param by: who decided, as the record shows it (an organizer's address, the CLI's operator).
    :raises DecisionRefused: for a rejection without a reason.
    """
    reason = " ".join(reason.split())[:300]
    if not approve and not reason:
        raise DecisionRefused("Say why the letters are rejected: the reason is kept.")
    query = (
        update(Letter)
        .where(Letter.case_id == case.id, Letter.state.in_(AWAITING_DECISION))
        .values(
            state=LetterState.APPROVED if approve else LetterState.REJECTED,
            decided_at=utcnow(),
            decided_by=by[:320],
            decided_by_id=organizer_id,
            decision_reason=reason or None,
        )
        .execution_options(synchronize_session=False)
    )
    if letter_ids is not None:
        if not letter_ids:
            return 0
        query = query.where(Letter.id.in_(list(letter_ids)))
    changed = int(db.session.execute(query).rowcount)  # type: ignore[attr-defined]
    # The commit drops the kept public pages (letters is one of public_pages.PAGE_TABLES): the
    # case page's count and the wall show approved letters.
    db.session.commit()
    return changed
