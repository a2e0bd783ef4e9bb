"""Partners and their embeds: which origins may frame the form, and where a signer came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.embeds.models import Partner, SpentTicket
from petitions.extensions import db
from petitions.signing import signals
from petitions.signing.busy import retryable
from petitions.signing.forms import SOURCE_PATTERN


class PartnerError(Exception):
    """A partner could not be registered; the message says why."""


def normalize_origin(value: str) -> str:
    """Return ``scheme://host[:port]`` in lower case.

    :raises PartnerError: for anything that is not a bare http(s) origin.
    """
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise PartnerError(f"{value!r} is not an origin like https://amnesty.nl.")
    if parts.path not in {"", "/"} or parts.query or parts.fragment or parts.username:
        raise PartnerError(
            f"{value!r} has more than an origin: give only scheme and host, like https://amnesty.nl."
        )
    host = parts.hostname.lower()
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def origin_of(url: str | None) -> str | None:
    """Return the origin of a URL, or None if it has none."""
    if not url:
        return None
    try:
        return normalize_origin(
            f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" if "://" in url else url
        )
    except (PartnerError, ValueError):
        return None


def add_partner(petition: Petition, name: str, code: str, origins: Iterable[str]) -> Partner:
    """Register a partner that may embed the petition's sign form from the given origins.

    :raises PartnerError: for a malformed code or origin, no origin, or a code in use.
    """
    if not SOURCE_PATTERN.fullmatch(code):
        raise PartnerError(
            f"{code!r} is not a usable code: use 1 to 40 letters, digits, '.', '_' or '-'."
        )
    allowed = sorted({normalize_origin(origin) for origin in origins if origin.strip()})
    if not allowed:
        raise PartnerError("Give at least one origin allowed to embed the form.")
    if not name.strip():
        raise PartnerError("Give the partner a name.")
    partner = Partner(
        petition_id=petition.id,
        name=name.strip(),
        code=code,
        allowed_origins=" ".join(allowed),
        created_at=utcnow(),
    )
    db.session.add(partner)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise PartnerError(f"The code {code!r} is already used on this petition.") from None
    return partner


def partner_for(petition_id: int, code: str | None) -> Partner | None:
    """Return the petition's partner with this code, or None."""
    if not code:
        return None
    return db.session.execute(
        select(Partner).where(Partner.petition_id == petition_id, Partner.code == code)
    ).scalar_one_or_none()


@signals.came_from.connect
def _partner_name(
    sender: object, petition_id: int, source: str | None, **extra: object
) -> str | None:
    # Signing's "confirmed" page offers the way back to the partner page a signer came from;
    # signing sits below embeds and asks through this signal.
    partner = partner_for(petition_id, source)
    return None if partner is None else partner.name


def partners_of(petition_id: int) -> Sequence[Partner]:
    """Return a petition's partners, oldest first."""
    return (
        db.session.execute(
            select(Partner).where(Partner.petition_id == petition_id).order_by(Partner.id)
        )
        .scalars()
        .all()
    )


def too_fast(issued_at: dt.datetime, minimum_seconds: float) -> bool:
    """Tell whether a form came back quicker than a person can fill it."""
    return (utcnow() - issued_at).total_seconds() < minimum_seconds


@retryable
def spend_ticket(ticket_id: str, expires_at: dt.datetime) -> bool:
    """Mark an embed ticket as used, once: its first signature spends it.

    The primary key decides between two requests racing with one ticket, on any instance. Rows
    of tickets that expired are purged in the same transaction: such a ticket is refused anyway.

    :returns: False if the ticket was spent before.
    :raises DatabaseBusy: if the database could not take the write.
    """
    try:
        with db.engine.begin() as connection:
            connection.execute(delete(SpentTicket).where(SpentTicket.expires_at < utcnow()))
            connection.execute(insert(SpentTicket).values(id=ticket_id, expires_at=expires_at))
    except IntegrityError:
        return False
    return True
