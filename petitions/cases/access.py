"""Who may run which case: the organizer side of a case, and the guards of organizer pages.

Accounts sit below cases (an organizer exists before any case does), so what needs both an
organizer and a case lives here, in cases, and ``petitions.accounts`` imports nothing from
cases. Another organizer's case or petition is a 404, never a 403: an organizer cannot even
learn which other cases exist.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort
from sqlalchemy import select

from petitions.accounts.access import current_organizer
from petitions.accounts.models import CaseRole, Organizer
from petitions.accounts.services import AccountError, grant, may_run, organizer_by_email
from petitions.cases.models import Case, Petition
from petitions.extensions import db


def assign(organizer_email: str, case_slug: str) -> None:
    """Let an organizer run a case (idempotent).

    :raises AccountError: if the organizer or the case does not exist.
    """
    organizer = organizer_by_email(organizer_email)
    if organizer is None:
        raise AccountError(f"There is no organizer with the address {organizer_email}.")
    case = db.session.execute(select(Case).where(Case.slug == case_slug)).scalar_one_or_none()
    if case is None:
        raise AccountError(f"There is no case {case_slug!r}.")
    grant(organizer, case.id)
    db.session.commit()


def cases_run_by(organizer: Organizer) -> Sequence[Case]:
    """Return the cases an organizer may run, newest first."""
    query = select(Case).order_by(Case.created_at.desc(), Case.id.desc())
    if not organizer.is_admin:
        query = query.join(CaseRole, CaseRole.case_id == Case.id).where(
            CaseRole.organizer_id == organizer.id
        )
    return db.session.execute(query).scalars().all()


def case_for(organizer: Organizer, slug: str) -> Case | None:
    """Return the case if it exists and the organizer may run it, else None."""
    case = db.session.execute(select(Case).where(Case.slug == slug)).scalar_one_or_none()
    if case is None or not may_run(organizer, case.id):
        return None
    return case


def petition_for(organizer: Organizer, slug: str) -> Petition | None:
    """Return the petition (any status) if the organizer may run its case, else None."""
    petition = db.session.execute(
        select(Petition).where(Petition.slug == slug)
    ).scalar_one_or_none()
    if petition is None or not may_run(organizer, petition.case_id):
        return None
    return petition


def case_or_404(slug: str) -> Case:
    """Return a case the current organizer may run.

    :raises NotFound: for a missing case and for somebody else's alike.
    """
    return case_for(current_organizer(), slug) or abort(404)


def petition_or_404(slug: str) -> Petition:
    """Return a petition whose case the current organizer may run, else 404 (see case_or_404)."""
    return petition_for(current_organizer(), slug) or abort(404)
