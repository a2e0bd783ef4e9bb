"""Entering paper sheets, and deciding the doubtful pairs: one transaction each.

A sheet is written whole or not at all: its rows are checked before (forms.py for a sheet typed
in, importing.py for a CSV) and written here in one transaction with their counts and pairs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from petitions.cases.models import COUNT_SHARDS, Petition
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.paper import matching
from petitions.paper.models import PairStatus, PaperPair, PaperRow, PaperSheet
from petitions.signing import signals
from petitions.signing.counts import shards_changed
from petitions.signing.models import Signature, SignatureOrigin, SignatureState
from petitions.signing.services import normalize_email

log = logging.getLogger(__name__)


class SheetTaken(Exception):
    """The petition already has a sheet of that number."""


@dataclass(frozen=True)
class SheetDetails:
    """What is written at the top of a sheet."""

    number: int
    place: str
    collected_on: dt.date


@dataclass(frozen=True)
class PaperSigner:
    """One row of a sheet, already checked."""

    full_name: str
    city: str
    country: str
    email: str | None = None


@dataclass(frozen=True)
class EnteredSheet:
    sheet: PaperSheet
    #: Pairs found with online signatures, by kind.
    pairs: dict[PairStatus, int]


def sheet_number_taken(petition_id: int, number: int) -> bool:
    """Tell whether the petition already has a sheet of this number."""
    found = db.session.execute(
        select(PaperSheet.id).where(
            PaperSheet.petition_id == petition_id,
            PaperSheet.number == number,
            PaperSheet.removed_at.is_(None),
        )
    ).first()
    return found is not None


def enter_sheet(
    petition: Petition,
    details: SheetDetails,
    signers: Sequence[PaperSigner],
    *,
    by: str,
    organizer_id: int | None,
) -> EnteredSheet:
    """Write a sheet and its signatures, count them, and pair them with online twins.

    Each row is a confirmed signature of origin paper, counted through its shard as a
    confirmation is; the twins of online signers are then set aside (matching.py). One
    transaction: a failure leaves no row of the sheet.

    :raises SheetTaken: if the petition has a sheet of that number already.
    :raises ValueError: for a sheet without rows.
    """
    if not signers:
        raise ValueError("a sheet has at least one signature")
    if sheet_number_taken(petition.id, details.number):
        raise SheetTaken()
    now = utcnow()
    sheet = PaperSheet(
        petition_id=petition.id,
        number=details.number,
        place=details.place,
        collected_on=details.collected_on,
        entered_by_id=organizer_id,
        entered_by=by,
        entered_at=now,
        signatures=len(signers),
    )
    db.session.add(sheet)
    try:
        db.session.flush()
    except IntegrityError:
        # Another organizer entered a sheet of this number a moment ago: the constraint decides.
        db.session.rollback()
        raise SheetTaken() from None
    signatures = [
        Signature(
            petition_id=petition.id,
            origin=SignatureOrigin.PAPER,
            state=SignatureState.CONFIRMED,
            full_name=signer.full_name,
            city=signer.city,
            country=signer.country,
            locale=petition.language,
            # Signed to be handed over: a sheet is printed matter already.
            name_in_bundle=True,
            created_at=now,
            confirmed_at=now,
        )
        for signer in signers
    ]
    db.session.add_all(signatures)
    db.session.flush()
    rows = [
        PaperRow(
            signature_id=signature.id,
            sheet_id=sheet.id,
            petition_id=petition.id,
            line=line,
            name_key=matching.fold(signer.full_name),
            city_key=matching.fold(signer.city),
            email=signer.email or None,
            email_normalized=normalize_email(signer.email) if signer.email else None,
        )
        for line, (signature, signer) in enumerate(zip(signatures, signers, strict=True), 1)
    ]
    db.session.add_all(rows)
    db.session.flush()
    shards_changed(petition.id, Counter(s.id % COUNT_SHARDS for s in signatures))
    pairs = matching.match_sheet(
        petition.id,
        [
            matching.Candidate(r.signature_id, r.name_key, r.city_key, r.email_normalized)
            for r in rows
        ],
    )
    db.session.commit()
    signals.announce_count_changed(petition.slug)
    log.info("petition %s: paper sheet %s entered", petition.slug, details.number)
    return EnteredSheet(sheet, pairs)


def sheets_of(petition_id: int) -> Sequence[PaperSheet]:
    """Return a petition's sheets by number."""
    return (
        db.session.execute(
            select(PaperSheet)
            .where(PaperSheet.petition_id == petition_id)
            .order_by(PaperSheet.number)
        )
        .scalars()
        .all()
    )


@dataclass(frozen=True)
class PairView:
    """A pair as the organizer sees it: both signers' names and cities, the sheet and line."""

    id: int
    status: PairStatus
    because: str
    paper_name: str
    paper_city: str
    sheet_number: int
    line: int
    online_name: str
    online_city: str
    decided_by: str | None
    decided_at: dt.datetime | None


def pairs_of(petition_id: int, statuses: Sequence[PairStatus]) -> list[PairView]:
    """Return a petition's pairs of these kinds, oldest first (one query)."""
    paper = aliased(Signature)
    online = aliased(Signature)
    query = (
        select(
            PaperPair.id,
            PaperPair.status,
            PaperPair.because,
            paper.full_name,
            paper.city,
            PaperSheet.number,
            PaperRow.line,
            online.full_name,
            online.city,
            PaperPair.decided_by,
            PaperPair.decided_at,
        )
        .join(paper, paper.id == PaperPair.paper_signature_id)
        .join(online, online.id == PaperPair.online_signature_id)
        .join(PaperRow, PaperRow.signature_id == PaperPair.paper_signature_id)
        .join(PaperSheet, PaperSheet.id == PaperRow.sheet_id)
        .where(PaperPair.petition_id == petition_id, PaperPair.status.in_(statuses))
        .order_by(PaperPair.id)
    )
    return [PairView(*row) for row in db.session.execute(query).all()]


def pair_counts(petition_id: int) -> dict[PairStatus, int]:
    """Return how many pairs of each kind a petition has."""
    return {
        status: int(count)
        for status, count in db.session.execute(
            select(PaperPair.status, func.count())
            .where(PaperPair.petition_id == petition_id)
            .group_by(PaperPair.status)
        ).all()
    }


def decide_pair(
    petition: Petition, pair_id: int, same: bool, *, by: str, organizer_id: int | None
) -> bool:
    """Record an organizer's decision on a doubtful pair: one person, or two.

    "Same" sets the paper signature aside (its online twin counts for both); "different"
    leaves both counted. A pair is decided once; a conditional UPDATE settles two organizers
    deciding at the same moment.

    :returns: False if the petition has no such pair waiting (decided already, or not its own).
    """
    changed = db.session.execute(
        update(PaperPair)
        .where(
            PaperPair.id == pair_id,
            PaperPair.petition_id == petition.id,
            PaperPair.status == PairStatus.DOUBTFUL,
        )
        .values(
            status=PairStatus.SAME if same else PairStatus.DIFFERENT,
            decided_by=by,
            decided_by_id=organizer_id,
            decided_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        return False
    counted_less = False
    if same:
        paper_id = db.session.execute(
            select(PaperPair.paper_signature_id).where(PaperPair.id == pair_id)
        ).scalar_one()
        counted_less = matching.set_aside_twin(petition.id, paper_id)
    db.session.commit()
    if counted_less:
        signals.announce_count_changed(petition.slug)
    return True


def paper_of(signature_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Return signature id → (sheet number, line) for those of these signatures from paper."""
    if not signature_ids:
        return {}
    return {
        sid: (number, line)
        for sid, number, line in db.session.execute(
            select(PaperRow.signature_id, PaperSheet.number, PaperRow.line)
            .join(PaperSheet, PaperSheet.id == PaperRow.sheet_id)
            .where(PaperRow.signature_id.in_(signature_ids))
        ).all()
    }
