"""Judging a signature as it is made: past a quarantine limit, or from a throwaway inbox?

A signature over a quarantine limit is not refused: signing answers, mails and thanks exactly
as for any other, and ``set_aside_reason`` on its row makes its confirmation a quarantine
instead of a count (signing/services.py). A bot learns nothing from the answers; a real person
behind a busy connection loses nothing, and an organizer can release them after review.
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress

from cachetools import TTLCache
from disposable_email_domains import blocklist as _disposable_domains
from flask import current_app
from sqlalchemy import select, update

from petitions import limits
from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.defence import blocks
from petitions.defence.blocks import Network
from petitions.defence.models import AllowedClient
from petitions.defence.reasons import SetAsideReason
from petitions.extensions import client_network, db
from petitions.memo import Memo

#: Privacy relays give each site an address of its own that reaches a real person: legitimate,
#: never treated as disposable even should the list ever name them.
PRIVACY_RELAYS = frozenset(
    {
        "duck.com",
        "mozmail.com",
        "relay.firefox.com",
        "privaterelay.appleid.com",
        "simplelogin.com",
        "simplelogin.co",
        "slmail.me",
        "aleeas.com",
        "anonaddy.com",
        "anonaddy.me",
        "addy.io",
        "passmail.net",
        "passinbox.com",
    }
)

#: Which quarantine limit says which reason, in the order reasons are preferred.
_REASONS = (
    (limits.CLIENT_BURST, SetAsideReason.CLIENT_BURST),
    (limits.CLIENT_SUSTAINED, SetAsideReason.CLIENT_SUSTAINED),
    (limits.FROM_DOMAIN, SetAsideReason.DOMAIN),
    (limits.FROM_COUNTRY, SetAsideReason.COUNTRY),
)


def _parents(domain: str) -> list[str]:
    """``a.b.example.org`` → itself, ``b.example.org``, ``example.org`` (not the bare TLD)."""
    labels = domain.split(".")
    return [".".join(labels[n:]) for n in range(max(1, len(labels) - 1))]


def is_disposable(domain: str) -> bool:
    """Tell whether mail to ``domain`` (or a parent of it) is a throwaway inbox."""
    names = _parents(domain.lower().rstrip("."))
    if any(name in PRIVACY_RELAYS for name in names):
        return False
    return any(name in _disposable_domains for name in names)


@functools.cache
def _exempt(setting: str) -> frozenset[str]:
    return frozenset(part.strip().lower() for part in setting.split(",") if part.strip())


def exempt_domains() -> frozenset[str]:
    """The big mail providers with no domain limit (QUARANTINE_DOMAIN_EXEMPT)."""
    return _exempt(current_app.config["QUARANTINE_DOMAIN_EXEMPT"])


def assess(slug: str, normalized_email: str, country: str) -> SetAsideReason | None:
    """Count a sign attempt against the quarantine limits; say why to set it aside, if at all.

    Called for every valid sign POST, before the signature is written, whether or not the
    address has signed before, so the work (and the time it takes) tells nobody anything.
    Every limit is counted even when an earlier one is past, so each window sees the whole flow.
    """
    domain = normalized_email.rpartition("@")[2]
    client = client_network()
    subjects = [(limits.FROM_COUNTRY, f"{slug}|{country}")]
    if not _allowed(slug, client):
        subjects += [
            (limits.CLIENT_BURST, f"{slug}|{client}"),
            (limits.CLIENT_SUSTAINED, f"{slug}|{client}"),
        ]
    if domain not in exempt_domains():
        subjects.append((limits.FROM_DOMAIN, f"{slug}|{domain}"))
    past = limits.past_quarantine_limits(subjects)
    if blocks.is_blocked(client, normalized_email):
        return SetAsideReason.BLOCKED
    for limit, reason in _REASONS:
        if limit in past:
            return reason
    if is_disposable(domain):
        return SetAsideReason.DISPOSABLE
    return None


# --- allowed connections (a street stall) -----------------------------------------------------

#: The narrowest networks an organizer may allow: a street stall is one connection, and a wider
#: allowance would switch the per-client limits off for a whole provider.
_WIDEST = {4: 24, 6: 48}
#: The longest an allowance lasts: a stall is a day or a weekend, not a campaign.
MAX_ALLOW_HOURS = 7 * 24


class AllowRefused(ValueError):
    """The allowance asked for is not one the service takes (the message says why)."""


def parse_network(text: str) -> Network:
    """Read an IP address or network as an organizer types it; refuse one too wide."""
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise AllowRefused(f"{text.strip()!r} is not an IP address or network.") from None
    widest = _WIDEST[network.version]
    if network.prefixlen < widest:
        raise AllowRefused(
            f"{network} is too wide: allow at most a /{widest} (one connection or one site)."
        )
    return network


def allow_client(petition: Petition, text: str, hours: int, note: str, by: str) -> AllowedClient:
    """Let one connection's signatures on ``petition`` skip the per-client limits for a while.

    :raises AllowRefused: for a bad or too wide network, or hours outside 1…MAX_ALLOW_HOURS.
    """
    network = parse_network(text)
    if not 1 <= hours <= MAX_ALLOW_HOURS:
        raise AllowRefused(f"Allow a connection for 1 to {MAX_ALLOW_HOURS} hours, not {hours}.")
    now = utcnow()
    allowed = AllowedClient(
        petition_id=petition.id,
        network=str(network),
        until=now + dt.timedelta(hours=hours),
        note=note.strip()[:200],
        by=by[:320],
        created_at=now,
    )
    db.session.add(allowed)
    db.session.commit()
    _allowances.forget(petition.slug)
    return allowed


def allowed_clients_of(petition_id: int) -> list[AllowedClient]:
    """The petition's allowances still running, the latest first."""
    return list(
        db.session.execute(
            select(AllowedClient)
            .where(AllowedClient.petition_id == petition_id, AllowedClient.until > utcnow())
            .order_by(AllowedClient.id.desc())
        ).scalars()
    )


def end_allowance(petition: Petition, allowance_id: int) -> bool:
    """End a running allowance of this petition now; False if it has none by that id.

    Ended, not deleted: the record of who allowed which connection, and until when, stays.
    """
    now = utcnow()
    ended = db.session.execute(
        update(AllowedClient)
        .where(
            AllowedClient.id == allowance_id,
            AllowedClient.petition_id == petition.id,
            AllowedClient.until > now,
        )
        .values(until=now)
    )
    db.session.commit()
    _allowances.forget(petition.slug)
    return bool(ended.rowcount)  # type: ignore[attr-defined]


#: Each petition's running allowances, read at most every few seconds per process: a sign POST
#: under a crowd costs no query for them.
_allowances: Memo[str, tuple[tuple[Network, dt.datetime], ...]] = Memo(
    "petitions.defence.allowances", lambda config: TTLCache(maxsize=1024, ttl=10)
)


def _allowed(slug: str, client: str) -> bool:
    running = _allowances.get(slug)
    if running is None:
        rows = db.session.execute(
            select(AllowedClient.network, AllowedClient.until)
            .join(Petition, Petition.id == AllowedClient.petition_id)
            .where(Petition.slug == slug, AllowedClient.until > utcnow())
        ).all()
        running = tuple((ipaddress.ip_network(network), until) for network, until in rows)
        _allowances.set(slug, running)
    now = utcnow()
    return blocks.connection_in(client, (network for network, until in running if until > now))
