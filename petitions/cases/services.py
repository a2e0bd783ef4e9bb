"""Reading and writing cases, their timelines and petitions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from petitions.cases.models import Case, Petition, PetitionStatus
from petitions.extensions import db
from petitions.signing.models import Signature, SignatureState

#: Petitions visible on public pages; drafts are only for their organizers.
PUBLIC_STATUSES = (PetitionStatus.OPEN, PetitionStatus.CLOSED)


def open_petitions() -> Sequence[Petition]:
    """Return open petitions, the most signed first."""
    return (
        db.session.execute(
            select(Petition)
            .where(Petition.status == PetitionStatus.OPEN)
            .options(selectinload(Petition.case))
            .order_by(Petition.signature_count.desc(), Petition.id)
        )
        .scalars()
        .all()
    )


def public_case(slug: str) -> Case | None:
    """Return a case by slug, or None."""
    return db.session.execute(
        select(Case).where(Case.slug == slug).options(selectinload(Case.timeline))
    ).scalar_one_or_none()


def public_petitions_of(case: Case) -> Sequence[Petition]:
    """Return a case's open and closed petitions."""
    return (
        db.session.execute(
            select(Petition)
            .where(Petition.case_id == case.id, Petition.status.in_(PUBLIC_STATUSES))
            .order_by(Petition.id)
        )
        .scalars()
        .all()
    )


def public_petition(slug: str) -> Petition | None:
    """Return an open or closed petition by slug, or None (drafts are not public)."""
    return db.session.execute(
        select(Petition)
        .where(Petition.slug == slug, Petition.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Petition.case))
    ).scalar_one_or_none()


def latest_public_signers(petition: Petition, limit: int = 10) -> Sequence[Signature]:
    """Return the latest confirmed signatures; callers show names only where consented."""
    return (
        db.session.execute(
            select(Signature)
            .where(
                Signature.petition_id == petition.id, Signature.state == SignatureState.CONFIRMED
            )
            .order_by(Signature.confirmed_at.desc(), Signature.id.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )
