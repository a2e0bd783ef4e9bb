"""Guards for organizer pages: anonymous visitors go to the login page, others' cases are 404."""

from __future__ import annotations

from flask import Response, abort
from flask_login import current_user

from petitions.accounts import services
from petitions.accounts.models import Organizer
from petitions.cases.models import Case, Petition


def keep_out_of_caches(response: Response) -> Response:
    """Forbid any cache to keep an organizer page: they show signers' names and comments."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def current_organizer() -> Organizer:
    """Return the logged-in organizer (views are behind login_required)."""
    organizer = current_user._get_current_object()
    assert isinstance(organizer, Organizer)
    return organizer


def case_or_404(slug: str) -> Case:
    """Return a case the current organizer may run.

    :raises NotFound: for a missing case and for somebody else's alike, so an organizer cannot
        even learn which other cases exist.
    """
    return services.case_for(current_organizer(), slug) or abort(404)


def petition_or_404(slug: str) -> Petition:
    """Return a petition whose case the current organizer may run, else 404 (see case_or_404)."""
    return services.petition_for(current_organizer(), slug) or abort(404)
