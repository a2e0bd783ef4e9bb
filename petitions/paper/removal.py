"""Removing a paper sheet entered in error (twice under another number, or for the wrong
petition): one transaction, so the count never shows half a sheet.

The sheet is not deleted: it stays listed as removed, with who removed it, when and why, for
the count that went down to be explained. Its signatures are set aside with the reason
``paper-sheet-removed`` (the public figures publish it with the other reasons) and lose what
withdrawal erases (signing.services.ERASED_ON_WITHDRAWAL); the areas keeping rows about them
drop them on ``signals.erasing`` (matching.py blanks the rows' name, city and email keys). The
counted ones are taken off the count shard by shard, as an invalidation does. Their pairs go:
an online twin keeps counting (it always did), a doubtful pair has nothing left to decide.
The sheet's number is free again (a partial unique index): the sheet that should have carried
it can then be entered. A bundle already delivered stays as it was delivered; the removal is
on record here, with its date.
"""

from __future__ import annotations

import logging
from collections import Counter

from sqlalchemy import delete, select, update

from petitions.cases.models import COUNT_SHARDS, Petition
from petitions.clock import utcnow
from petitions.defence.reasons import SetAsideReason
from petitions.extensions import db
from petitions.paper.models import PaperPair, PaperRow, PaperSheet
from petitions.privacy import storage
from petitions.signing import signals
from petitions.signing.counts import shards_changed
from petitions.signing.models import Signature, SignatureState
from petitions.signing.services import ERASED_ON_WITHDRAWAL

log = logging.getLogger(__name__)

#: The longest reason kept (PaperSheet.removal_reason).
REASON_LENGTH = 500


class AlreadyRemoved(Exception):
    """The sheet was removed before (by this organizer or another)."""


def sheet_of(petition: Petition, sheet_id: int) -> PaperSheet | None:
    """Return the petition's sheet of this id, or None (another petition's is None too)."""
    return db.session.execute(
        select(PaperSheet).where(PaperSheet.id == sheet_id, PaperSheet.petition_id == petition.id)
    ).scalar_one_or_none()


def counted_on(sheet_id: int) -> int:
    """Return how many of the sheet's signatures count now (its twins of online ones do not)."""
    return len(_counted_ids(sheet_id))


def _signature_ids(sheet_id: int) -> list[int]:
    return list(
        db.session.execute(
            select(PaperRow.signature_id)
            .where(PaperRow.sheet_id == sheet_id)
            .order_by(PaperRow.signature_id)
        ).scalars()
    )


def _counted_ids(sheet_id: int) -> list[int]:
    return list(
        db.session.execute(
            select(Signature.id)
            .join(PaperRow, PaperRow.signature_id == Signature.id)
            .where(PaperRow.sheet_id == sheet_id, Signature.state == SignatureState.CONFIRMED)
        ).scalars()
    )


def remove_sheet(
    petition: Petition, sheet_id: int, reason: str, *, by: str, organizer_id: int | None
) -> int:
    """Remove a sheet entered in error: uncount, erase and unpair its signatures; record it.

    A conditional UPDATE claims the sheet, so two organizers removing it at once remove it
    once. One transaction.

    :returns: how many signatures stopped counting.
    :raises LookupError: if the petition has no such sheet.
    :raises AlreadyRemoved: if the sheet was removed already.
    :raises ValueError: for an empty reason.
    """
    reason = reason.strip()[:REASON_LENGTH]
    if not reason:
        raise ValueError("a removal needs a reason")
    if sheet_of(petition, sheet_id) is None:
        raise LookupError(sheet_id)
    claimed = db.session.execute(
        update(PaperSheet)
        .where(
            PaperSheet.id == sheet_id,
            PaperSheet.petition_id == petition.id,
            PaperSheet.removed_at.is_(None),
        )
        .values(
            removed_at=utcnow(),
            removed_by=by,
            removed_by_id=organizer_id,
            removal_reason=reason,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise AlreadyRemoved()
    ids = _signature_ids(sheet_id)
    set_aside = {
        "state": SignatureState.INVALIDATED,
        "set_aside_reason": SetAsideReason.PAPER_SHEET_REMOVED.value,
        **ERASED_ON_WITHDRAWAL,
    }
    # The counted ones first, told by the UPDATE itself (RETURNING), so a twin set aside by a
    # confirmation committing meanwhile is not uncounted a second time.
    counted = list(
        db.session.execute(
            update(Signature)
            .where(Signature.id.in_(ids), Signature.state == SignatureState.CONFIRMED)
            .values(**set_aside)
            .returning(Signature.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    db.session.execute(
        update(Signature)
        .where(Signature.id.in_(ids))
        .values(**set_aside)
        .execution_options(synchronize_session=False)
    )
    shards_changed(
        petition.id, {k: -v for k, v in Counter(n % COUNT_SHARDS for n in counted).items()}
    )
    db.session.execute(
        delete(PaperPair)
        .where(PaperPair.paper_signature_id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    signals.announce_erasing(ids)
    db.session.commit()
    storage.checkpoint_after_erasure()
    signals.announce_count_changed(petition.slug)
    log.info("petition %s: paper sheet %s removed", petition.slug, sheet_id)
    return len(counted)
