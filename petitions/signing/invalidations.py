"""Invalidations: an organizer's rule setting aside every signature of a petition it matches.

Where the review (signing/review.py) decides on quarantined signatures only, an invalidation
takes pending, counted and quarantined ones alike: a flood that walked past the limits (a
botnet, one name pattern, one source) is removed after the fact, as alphagov/e-petitions'
invalidations do. What it does, in order:

- **Preview**: the rule's matches are counted by state before anything runs, and the count is
  kept as the progress bar's end (``matched``).
- **Batches**: the worker (a chore of `flask outbox send`) takes INVALIDATION_BATCH_SIZE
  signatures at a time, in id order after a cursor, each batch one transaction: the
  signatures' states, their count shards and the record of what each was before. A batch's
  first statement claims the invalidation row, so a cancel either waits for the batch in hand
  or stops it before it starts, and the count is exact between any two batches.
- **Cancel** stops it between batches; what was taken stays taken until undone.
- **Undo** gives every signature it took, and still holds, the state it had (a pending one
  whose owner confirmed meanwhile is then counted, or quarantined, as it would have been).

Silent, as the quarantine is: an invalidated signature's owner sees, and is mailed, what they
would have been (see services.confirm, mailing.mails_for_attempts).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Sequence

from flask import current_app
from sqlalchemy import Row, insert, select, update

from petitions.cases.models import COUNT_SHARDS, Petition
from petitions.clock import utcnow
from petitions.defence.reasons import SetAsideReason
from petitions.extensions import db
from petitions.signing import signals
from petitions.signing.counts import shards_changed
from petitions.signing.models import (
    InvalidatedSignature,
    Invalidation,
    InvalidationStatus,
    Signature,
    SignatureState,
)
from petitions.signing.rules import Rule, RuleRefused, preview, rule_fields

__all__ = ["Rule", "RuleRefused", "preview"]

#: Invalidations the worker still has batches of.
UNDER_WAY = (InvalidationStatus.QUEUED, InvalidationStatus.RUNNING)
#: Invalidations whose signatures may be given back.
UNDOABLE = (InvalidationStatus.DONE, InvalidationStatus.CANCELLED)
_RULE = SetAsideReason.RULE.value


def start(petition: Petition, rule: Rule, by: str, organizer_id: int | None = None) -> Invalidation:
    """Record an invalidation for the worker to run, with its preview as the expected total.

    :raises RuleRefused: for a bad rule, or one that matches no signature now.
    """
    matched = preview(petition.id, rule).total
    if not matched:
        raise RuleRefused("The rule matches no signature: nothing to remove.")
    invalidation = Invalidation(
        petition_id=petition.id,
        status=InvalidationStatus.QUEUED,
        subject=rule.describe(),
        matched=matched,
        organizer_id=organizer_id,
        by=by[:120],
        created_at=utcnow(),
        **{name: getattr(rule, name) for name in rule_fields()},
    )
    db.session.add(invalidation)
    db.session.commit()
    return invalidation


def run_batch(invalidation_id: int, size: int | None = None) -> bool:
    """Take the next batch of an invalidation's signatures; False once there are no more.

    One transaction. Its first statement claims the invalidation (a write: PostgreSQL's row
    lock, SQLite's write lock), so a cancel committed before it stops the batch, and one made
    during it waits for the commit.
    """
    size = size or int(current_app.config["INVALIDATION_BATCH_SIZE"])
    claimed = db.session.execute(
        update(Invalidation)
        .where(Invalidation.id == invalidation_id, Invalidation.status.in_(UNDER_WAY))
        .values(status=InvalidationStatus.RUNNING)
        .returning(Invalidation.id)
    ).one_or_none()
    if claimed is None:
        db.session.rollback()
        return False
    invalidation = _fresh(invalidation_id)
    assert invalidation is not None  # claimed by the UPDATE above, in this transaction
    candidates = db.session.execute(
        select(Signature.id, Signature.state, Signature.set_aside_reason)
        .where(Rule.of(invalidation).condition(invalidation.petition_id))
        .where(Signature.id > invalidation.cursor)
        .order_by(Signature.id)
        .limit(size)
    ).all()
    taken = _take(invalidation.id, candidates)
    counted = [n for n, state in taken if state is SignatureState.CONFIRMED]
    if counted:
        shards_changed(invalidation.petition_id, {k: -v for k, v in _shards(counted).items()})
    if candidates:
        invalidation.cursor = max(row[0] for row in candidates)
    invalidation.taken += len(taken)
    invalidation.uncounted += len(counted)
    more = len(candidates) == size
    if not more:
        invalidation.status = InvalidationStatus.DONE
        invalidation.finished_at = utcnow()
    # Announced for any signature taken: the public set-aside figures change with the count.
    slug = _slug(invalidation.petition_id) if taken else None
    db.session.commit()
    if slug:
        signals.announce_count_changed(slug)
    return more


def _shards(ids: list[int]) -> Counter[int]:
    return Counter(n % COUNT_SHARDS for n in ids)


def _slug(petition_id: int) -> str:
    found = db.session.execute(select(Petition.slug).where(Petition.id == petition_id))
    return str(found.scalar_one())


def _take(
    invalidation_id: int, candidates: Sequence[Row[int, SignatureState, str | None]]
) -> list[tuple[int, SignatureState]]:
    """Invalidate the candidates still in the state they were read in; record each one taken."""
    by_state: dict[SignatureState, dict[int, str | None]] = defaultdict(dict)
    for signature_id, state, reason in candidates:
        by_state[state][signature_id] = reason
    taken: list[tuple[int, SignatureState]] = []
    records = []
    for state, reasons in by_state.items():
        changed = db.session.execute(
            update(Signature)
            .where(Signature.id.in_(reasons), Signature.state == state)
            .values(state=SignatureState.INVALIDATED, set_aside_reason=_RULE)
            .returning(Signature.id)
            .execution_options(synchronize_session=False)
        ).scalars()
        for signature_id in changed:
            taken.append((signature_id, state))
            records.append(
                {
                    "invalidation_id": invalidation_id,
                    "signature_id": signature_id,
                    "prior_state": state,
                    "prior_reason": reasons[signature_id],
                }
            )
    if records:
        db.session.execute(insert(InvalidatedSignature), records)
    return taken


def run_due(budget_seconds: float | None = None) -> int:
    """Run batches of the invalidations under way, oldest first, for about ``budget_seconds``.

    The worker's chore: it then goes back to the mail, and carries on at its next round.

    :returns: how many batches ran.
    """
    budget = (
        float(current_app.config["INVALIDATION_SECONDS_PER_ROUND"])
        if budget_seconds is None
        else budget_seconds
    )
    deadline = time.monotonic() + budget
    under_way = list(
        db.session.execute(
            select(Invalidation.id)
            .where(Invalidation.status.in_(UNDER_WAY))
            .order_by(Invalidation.id)
        ).scalars()
    )
    db.session.rollback()
    batches = 0
    for invalidation_id in under_way:
        while True:
            more = run_batch(invalidation_id)
            batches += 1
            if not more:
                break
            if time.monotonic() >= deadline:
                return batches
    return batches


def run_to_end(invalidation_id: int) -> None:
    """Run every batch of one invalidation now (the command line's way)."""
    while run_batch(invalidation_id):
        pass


def of_petition(petition_id: int, limit: int = 20) -> list[Invalidation]:
    """A petition's invalidations, the newest first."""
    return list(
        db.session.execute(
            select(Invalidation)
            .where(Invalidation.petition_id == petition_id)
            .order_by(Invalidation.id.desc())
            .limit(limit)
        ).scalars()
    )


def find(petition_id: int, invalidation_id: int) -> Invalidation | None:
    """One of the petition's invalidations, read afresh; None if it has none by that id."""
    found = _fresh(invalidation_id)
    return found if found is not None and found.petition_id == petition_id else None


def _fresh(invalidation_id: int) -> Invalidation | None:
    """An invalidation as the database holds it now (not as the session last saw it)."""
    return db.session.execute(
        select(Invalidation)
        .where(Invalidation.id == invalidation_id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def cancel(petition_id: int, invalidation_id: int) -> bool:
    """Stop an invalidation between batches; False if it has none under way by that id."""
    stopped = db.session.execute(
        update(Invalidation)
        .where(
            Invalidation.id == invalidation_id,
            Invalidation.petition_id == petition_id,
            Invalidation.status.in_(UNDER_WAY),
        )
        .values(status=InvalidationStatus.CANCELLED, cancelled_at=utcnow())
    )
    db.session.commit()
    return bool(stopped.rowcount)  # type: ignore[attr-defined]


#: Signatures given back per UPDATE of an undo (every one in the undo's transaction).
_UNDO_CHUNK = 500


def undo(petition_id: int, invalidation_id: int, by: str) -> Invalidation | None:
    """Give every signature the invalidation took, and still holds, the state it had.

    One transaction, whose first statement claims the invalidation, so two undos (or an undo
    and a late batch) cannot both act. A signature withdrawn since stays withdrawn.

    :returns: the invalidation, undone; None if it has none by that id that is finished or
        cancelled.
    """
    claimed = db.session.execute(
        update(Invalidation)
        .where(
            Invalidation.id == invalidation_id,
            Invalidation.petition_id == petition_id,
            Invalidation.status.in_(UNDOABLE),
        )
        .values(status=InvalidationStatus.UNDONE, undone_at=utcnow(), undone_by=by[:120])
        .returning(Invalidation.id)
    ).one_or_none()
    if claimed is None:
        db.session.rollback()
        return None
    held = db.session.execute(
        select(
            InvalidatedSignature.signature_id,
            InvalidatedSignature.prior_state,
            InvalidatedSignature.prior_reason,
            Signature.confirmed_at,
        )
        .join(Signature, Signature.id == InvalidatedSignature.signature_id)
        .where(
            InvalidatedSignature.invalidation_id == invalidation_id,
            Signature.state == SignatureState.INVALIDATED,
            Signature.set_aside_reason == _RULE,
        )
    ).all()
    back: dict[tuple[SignatureState, str | None], list[int]] = defaultdict(list)
    for signature_id, prior, reason, confirmed_at in held:
        back[(_given_back(prior, reason, confirmed_at), reason)].append(signature_id)
    restored, counted = 0, []
    for (state, reason), ids in back.items():
        for start_at in range(0, len(ids), _UNDO_CHUNK):
            changed = list(
                db.session.execute(
                    update(Signature)
                    .where(
                        Signature.id.in_(ids[start_at : start_at + _UNDO_CHUNK]),
                        Signature.state == SignatureState.INVALIDATED,
                    )
                    .values(state=state, set_aside_reason=reason)
                    .returning(Signature.id)
                    .execution_options(synchronize_session=False)
                ).scalars()
            )
            restored += len(changed)
            if state is SignatureState.CONFIRMED:
                counted += changed
    if counted:
        shards_changed(petition_id, _shards(counted))
    invalidation = _fresh(invalidation_id)
    assert invalidation is not None  # claimed by the UPDATE above, in this transaction
    invalidation.restored = restored
    slug = _slug(petition_id) if restored else None
    db.session.commit()
    if slug:
        signals.announce_count_changed(slug)
    return invalidation


def _given_back(
    prior: SignatureState, reason: str | None, confirmed_at: dt.datetime | None
) -> SignatureState:
    """The state a signature returns to: the one it had, unless its owner confirmed it while it
    was invalidated, when it is what that confirmation would have made it."""
    if prior is SignatureState.PENDING and confirmed_at is not None:
        return SignatureState.QUARANTINED if reason else SignatureState.CONFIRMED
    return prior
