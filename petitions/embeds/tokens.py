"""The embedded form's stateless CSRF defence: a signed ticket instead of a session cookie.

Third-party cookies are blocked in most browsers, so an iframe on a partner's page cannot rely on
our session. The ticket is signed with the secret (itsdangerous), names the petition and the
partner, and carries its issue time, which also gives the minimum fill time for free. Its
random id lets it sign only once (see :func:`petitions.embeds.services.spend_ticket`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PURPOSE = "petitions.embeds.sign"


class TicketInvalid(Exception):
    """The ticket was forged, changed, made for another form, or is too old.

    A genuine but stale ticket still says where the form was shown, so the form can be shown
    again in the same place.
    """

    def __init__(
        self, expired: bool = False, parent_origin: str | None = None, return_url: str | None = None
    ) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired
        self.parent_origin = parent_origin
        self.return_url = return_url


@dataclass(frozen=True)
class Ticket:
    #: Random, unique per form shown; spent by the first signature sent with it.
    id: str
    petition_id: int
    partner_code: str
    parent_origin: str | None
    return_url: str | None
    issued_at: dt.datetime


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=PURPOSE)  # type: ignore[arg-type]


def issue(
    petition_id: int, partner_code: str, parent_origin: str | None, return_url: str | None
) -> str:
    """Return a ticket for one embedded form."""
    return _serializer().dumps(
        {
            "n": secrets.token_urlsafe(16),
            "p": petition_id,
            "c": partner_code,
            "o": parent_origin,
            "r": return_url,
        }
    )


def _made_for(payload: object, petition_id: int, partner_code: str) -> bool:
    return (
        isinstance(payload, dict)
        and payload.get("p") == petition_id
        and payload.get("c") == partner_code
        # A ticket without an id (issued before tickets had one) could sign any number of times.
        and isinstance(payload.get("n"), str)
    )


def read(token: str, petition_id: int, partner_code: str) -> Ticket:
    """Return the ticket if it is genuine, fresh enough and made for this petition and partner.

    :raises TicketInvalid: otherwise (``expired`` tells a stale form from a forged one).
    """
    serializer = _serializer()
    try:
        payload, issued = serializer.loads(
            token, max_age=current_app.config["EMBED_TICKET_MAX_AGE"], return_timestamp=True
        )
    except SignatureExpired as expired:
        stale = serializer.load_payload(expired.payload) if expired.payload else None
        if not isinstance(stale, dict) or not _made_for(stale, petition_id, partner_code):
            raise TicketInvalid() from None
        origin, page = stale.get("o"), stale.get("r")
        raise TicketInvalid(
            expired=True,
            parent_origin=origin if isinstance(origin, str) else None,
            return_url=page if isinstance(page, str) else None,
        ) from None
    except BadSignature:
        raise TicketInvalid() from None
    if not _made_for(payload, petition_id, partner_code):
        raise TicketInvalid()
    origin, page = payload.get("o"), payload.get("r")
    return Ticket(
        id=payload["n"],
        petition_id=petition_id,
        partner_code=partner_code,
        parent_origin=origin if isinstance(origin, str) else None,
        return_url=page if isinstance(page, str) else None,
        issued_at=issued.astimezone(dt.UTC).replace(tzinfo=None),
    )
