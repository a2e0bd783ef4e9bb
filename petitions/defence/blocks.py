"""The block-list: connections, mail domains and addresses whose signatures are quarantined.

Blocked senders are taken as everybody else (the same answers, mail and thanks) and held for
review with the reason ``blocked``: a flooder who is blocked cannot tell, and a person blocked
by mistake is released by an organizer with nothing lost. Read at most every few seconds per
process, so a sign POST costs no query for it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cachetools import TTLCache
from sqlalchemy import delete, select

from petitions.clock import utcnow
from petitions.defence.models import BlockedSender
from petitions.extensions import db
from petitions.memo import Memo
from petitions.privacy.hashing import keyed_hash

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

KINDS = ("network", "domain", "address")
#: The widest networks the list takes: a provider's or a data centre's, never half the internet.
_WIDEST = {4: 8, 6: 16}


class BlockRefused(ValueError):
    """The entry asked for is not one the list takes (the message says why)."""


def _address_key(normalized_email: str) -> str:
    return keyed_hash(normalized_email, "blocked-address")


def _entry_value(kind: str, text: str, normalize: Callable[[str], str]) -> str:
    text = text.strip()
    if kind == "network":
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise BlockRefused(f"{text!r} is not an IP address or network.") from None
        if network.prefixlen < _WIDEST[network.version]:
            widest = _WIDEST[network.version]
            raise BlockRefused(f"{network} is too wide to block: at most a /{widest}.")
        return str(network)
    if kind == "domain":
        domain = text.lower().rstrip(".")
        labels = domain.split(".")
        if len(labels) < 2 or not all(label and len(label) <= 63 for label in labels):
            raise BlockRefused(f"{text!r} is not a mail domain.")
        return domain
    if kind == "address":
        local, at, domain = text.rpartition("@")
        if not at or not local or "." not in domain:
            raise BlockRefused(f"{text!r} is not an email address.")
        return _address_key(normalize(text))
    raise BlockRefused(f"{kind!r} is not one of {', '.join(KINDS)}.")


def block(
    kind: str, text: str, note: str, by: str, normalize: Callable[[str], str] = str.lower
) -> BlockedSender:
    """Add a sender to the block-list.

    :param normalize: reduces an address to the one spelling per mailbox that signing keeps
        (signing's normalize_email; this area sits below signing).

    :raises BlockRefused: for a value that is not of its kind, or a network too wide.
    """
    entry = BlockedSender(
        kind=kind,
        value=_entry_value(kind, text, normalize),
        note=note.strip()[:200],
        by=by[:320],
        created_at=utcnow(),
    )
    db.session.add(entry)
    db.session.commit()
    _lists.forget("all")
    return entry


def unblock(entry_id: int) -> bool:
    """Take an entry off the list; False if there is none by that id."""
    gone = db.session.execute(delete(BlockedSender).where(BlockedSender.id == entry_id))
    db.session.commit()
    _lists.forget("all")
    return bool(gone.rowcount)  # type: ignore[attr-defined]


def entries() -> list[BlockedSender]:
    return list(db.session.execute(select(BlockedSender).order_by(BlockedSender.id)).scalars())


@dataclass(frozen=True)
class _Lists:
    networks: tuple[Network, ...]
    domains: frozenset[str]
    addresses: frozenset[str]


_lists: Memo[str, _Lists] = Memo(
    "petitions.defence.blocks", lambda config: TTLCache(maxsize=1, ttl=10)
)


def _current() -> _Lists:
    found = _lists.get("all")
    if found is None:
        rows = db.session.execute(select(BlockedSender.kind, BlockedSender.value)).all()
        found = _Lists(
            networks=tuple(ipaddress.ip_network(v) for k, v in rows if k == "network"),
            domains=frozenset(v for k, v in rows if k == "domain"),
            addresses=frozenset(v for k, v in rows if k == "address"),
        )
        _lists.set("all", found)
    return found


def is_blocked(client: str, normalized_email: str) -> bool:
    """Tell whether this connection, the address's domain (or a parent) or the address is
    on the list."""
    lists = _current()
    if not (lists.networks or lists.domains or lists.addresses):
        return False
    domain = normalized_email.rpartition("@")[2]
    labels = domain.split(".")
    if any(".".join(labels[n:]) in lists.domains for n in range(len(labels) - 1)):
        return True
    if lists.addresses and _address_key(normalized_email) in lists.addresses:
        return True
    return connection_in(client, lists.networks)


def connection_in(client: str, networks: Iterable[Network]) -> bool:
    """Tell whether a client (an IPv4 address or an IPv6 /64, as limits key it) lies in, or
    overlaps, one of ``networks``."""
    try:
        connection = ipaddress.ip_network(client, strict=False)
    except ValueError:
        return False
    return any(
        connection.version == network.version and connection.overlaps(network)
        for network in networks
    )
