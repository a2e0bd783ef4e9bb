"""Guards for organizer pages: sessions that went idle are over, caches keep nothing.

The guards that need a case (others' cases are a 404) are in :mod:`petitions.cases.access`.
"""

from __future__ import annotations

import time

from flask import Blueprint, Response, current_app, session
from flask_login import current_user, login_required

from petitions.accounts import services
from petitions.accounts.models import Organizer


def keep_out_of_caches(response: Response) -> Response:
    """Forbid any cache to keep an organizer page: they show signers' names and comments."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def organizers_only(bp: Blueprint) -> Blueprint:
    """Guard every page of ``bp``: anonymous visitors go to the login page, and no cache keeps
    an answer. The one way organizer blueprints are guarded, so a new one cannot forget half."""
    bp.after_request(keep_out_of_caches)

    @bp.before_request
    @login_required  # type: ignore[untyped-decorator]
    def _organizers_only() -> None:
        """Send anonymous visitors of any page here to the login page."""

    return bp


#: Where the login session keeps the time of the organizer's last request.
LAST_SEEN = "organizer_seen"


def load_session_organizer(session_id: str) -> Organizer | None:
    """Return the organizer of this login session unless it has been idle too long (user loader).

    The time lives inside the signed session cookie, so a cookie copied and left unused for
    ORGANIZER_IDLE_SECONDS is dead even though the browser's copy would still be sent.
    """
    now = int(time.time())
    last_seen = session.get(LAST_SEEN)
    if (
        not isinstance(last_seen, int)
        or now - last_seen > current_app.config["ORGANIZER_IDLE_SECONDS"]
    ):
        return None
    if now - last_seen >= 60:
        session[LAST_SEEN] = now  # at most one new cookie a minute, not one per request
    return services.load_organizer(session_id)


def mark_seen() -> None:
    """Start the idle clock of a session that has just logged in."""
    session[LAST_SEEN] = int(time.time())


def current_organizer() -> Organizer:
    """Return the logged-in organizer (views are behind login_required)."""
    organizer = current_user._get_current_object()
    assert isinstance(organizer, Organizer)
    return organizer
