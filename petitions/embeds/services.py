"""Partners and their embeds: which origins may frame the form, where a signer came from, and
whether a form sent from an embed may sign.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cachetools import TTLCache
from flask import current_app
from sqlalchemy import select

from petitions import senders, tokens
from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.embeds.forms import EmbedSignForm
from petitions.embeds.models import Partner
from petitions.extensions import db
from petitions.links import site_origin
from petitions.memo import Memo
from petitions.signing import services as signing
from petitions.signing import signals
from petitions.signing.busy import DatabaseBusy
from petitions.signing.forms import SOURCE_PATTERN
from petitions.transactions import commit_or_raise


class PartnerError(Exception):
    """A partner could not be registered; the message says why."""


def normalize_origin(value: str) -> str:
    """Return ``scheme://host[:port]`` in lower case.

    :raises PartnerError: for anything that is not a bare http(s) origin.
    """
    try:
        return senders.normalize_origin(value)
    except senders.NotAnOrigin as error:
        raise PartnerError(str(error)) from None


#: The origin of a URL, or None (the one parser the sign forms' origin check uses too).
origin_of = senders.origin_of


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


# --- a form sent from an embed ------------------------------------------------------------------


class Refusal(enum.Enum):
    """Why a form sent from an embed did not sign; each is shown again with the input kept."""

    #: The ticket is older than EMBED_TICKET_MAX_AGE: the form was open too long.
    EXPIRED = "expired"
    #: The ticket is forged, or made for another petition or partner.
    UNREADABLE = "unreadable"
    #: Another site posted into the form (neither our origin nor the partner's).
    ELSEWHERE = "elsewhere"
    #: The honeypot field, hidden from people, was filled in.
    HONEYPOT = "honeypot"
    #: Sent back quicker than EMBED_MIN_FILL_SECONDS after the form was shown.
    TOO_FAST = "too_fast"
    #: A field is missing or wrong; the form's own errors say which.
    INVALID = "invalid"
    #: The database could not take the write; nothing was recorded.
    BUSY = "busy"


@dataclass(frozen=True)
class Refused:
    reason: Refusal
    #: From the ticket, even a stale one: where the form shown again is framed, and the way
    #: back it keeps.
    parent_origin: str | None
    return_url: str | None


@dataclass(frozen=True)
class Admitted:
    details: signing.SignerDetails
    ticket: tokens.Ticket


def _sent_from_here(
    origin: str | None, referer: str | None, fetch_site: str | None, host_url: str, partner: Partner
) -> bool:
    # The form is served from our origin inside the partner's frame, so a genuine POST comes
    # from our own origin; the partner's origins are accepted too. Anything else is another
    # site posting into the form (the rule, and a POST without any of the headers, are
    # explained in petitions/senders.py).
    return senders.sent_from_allowed_site(
        {origin_of(site_origin()), origin_of(host_url)},
        partner.origins,
        origin=origin,
        referer=referer,
        fetch_site=fetch_site,
    )


def _refusal(
    form: EmbedSignForm,
    petition: Petition,
    partner: Partner,
    ticket: tokens.Ticket,
    sent_from_here: bool,
) -> Refusal | None:
    """Return why a form with a good ticket may not sign, or None; the cheap checks first."""
    if not sent_from_here:
        return Refusal.ELSEWHERE
    if form.website.data:
        return Refusal.HONEYPOT
    if too_fast(ticket.issued_at, current_app.config["EMBED_MIN_FILL_SECONDS"]):
        return Refusal.TOO_FAST
    if not petition.is_open:
        raise signing.PetitionNotOpen()
    return None if form.validate() else Refusal.INVALID


def admit(
    form: EmbedSignForm,
    petition: Petition,
    partner: Partner,
    *,
    origin: str | None,
    referer: str | None,
    fetch_site: str | None = None,
    host_url: str,
    locale: str,
) -> Admitted | Refused:
    """Check a form sent from an embed: its ticket, the site that sent it, the honeypot, the time
    taken to fill it in, the petition, and the fields; in that order.

    :param origin: the request's ``Origin`` header; ``referer`` its ``Referer`` header;
        ``fetch_site`` its ``Sec-Fetch-Site`` header.
    :param host_url: the URL of our own host as the request named it.
    :param locale: the signer's language, for the mails that follow.
    :returns: the details to sign with the ticket to spend, or why not.
    :raises PetitionNotOpen: if the petition does not take signatures now.
    """
    try:
        ticket = tokens.read_ticket(str(form.ticket.data or ""), petition.id, partner.code)
    except tokens.TicketInvalid as invalid:
        reason = Refusal.EXPIRED if invalid.expired else Refusal.UNREADABLE
        return Refused(reason, invalid.parent_origin, invalid.return_url)
    here = _sent_from_here(origin, referer, fetch_site, host_url, partner)
    refusal = _refusal(form, petition, partner, ticket, here)
    if refusal is not None:
        return Refused(refusal, ticket.parent_origin, ticket.return_url)
    details = form.details(locale=locale, source=partner.code, return_url=ticket.return_url)
    return Admitted(details, ticket)


def sign_once(admitted: Admitted, slug: str) -> Refused | None:
    """Sign with what an admitted form holds.

    The ticket is not spent: a cached form hands one ticket to many signers (see the ticket in
    petitions/tokens.py). One address still signs a petition once (the unique constraint),
    and a signature counts only once its mailed link is clicked.

    :returns: None once signed, else why not (the database busy).
    :raises PetitionNotOpen: if the petition stopped taking signatures in between.
    """
    ticket = admitted.ticket
    try:
        signing.sign(slug, admitted.details)
    except DatabaseBusy:
        return Refused(Refusal.BUSY, ticket.parent_origin, ticket.return_url)
    return None
