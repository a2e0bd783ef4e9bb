"""Partners and their embeds: which origins may frame the form, and where a signer came from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from cachetools import TTLCache
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.embeds.models import Partner, SpentTicket
from petitions.extensions import db
from petitions.memo import Memo
from petitions.signing.busy import retryable
from petitions.signing.forms import SOURCE_PATTERN
from petitions.transactions import commit_or_raise


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
    commit_or_raise(PartnerError(f"The code {code!r} is already used on this petition."))
    return partner


def partner_for(petition_id: int, code: str | None) -> Partner | None:
    """Return the petition's partner with this code, or None."""
    if not code:
        return None
    return db.session.execute(
        select(Partner).where(Partner.petition_id == petition_id, Partner.code == code)
    ).scalar_one_or_none()


#: Origins of partners found, kept per process as long as the public numbers they frame
#: (COUNT_CACHE_SECONDS): a partner's counter then costs no query at all. A partner not found
#: is not kept, so one registered a moment ago is found at once.
_origins: Memo[tuple[int, str], tuple[str, ...]] = Memo(
    "petitions.partner_origins",
    lambda config: TTLCache(maxsize=4096, ttl=config["COUNT_CACHE_SECONDS"]),
)


def partner_origins(petition_id: int, code: str | None) -> tuple[str, ...] | None:
    """Return the origins the petition's partner with this code may frame from, or None."""
    if not code:
        return None
    origins = _origins.get((petition_id, code))
    if origins is None:
        partner = partner_for(petition_id, code)
        if partner is None:
            return None
        origins = partner.origins
        _origins.set((petition_id, code), origins)
    return origins


def partners_of(petition_id: int) -> Sequence[Partner]:
    """Return a petition's partners, oldest first."""
    return (
        db.session.execute(
            select(Partner).where(Partner.petition_id == petition_id).order_by(Partner.id)
        )
        .scalars()
        .all()
    )


def partner_names(petition_id: int) -> dict[str, str]:
    """Return code → name for a petition's partners (for labelling sources)."""
    return {partner.code: partner.name for partner in partners_of(petition_id)}


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
