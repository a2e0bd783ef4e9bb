"""Where signatures came from, kept as evidence only as long as a review needs it.

A flood is told apart from a campaign by where its signatures come from, so each signature
keeps two keyed hashes: of its client (the IPv4 address, or the IPv6 /64 a subscriber gets) and
of the client's group (the IPv4 /24 or IPv6 /48 around it: one office, one provider's pool).
The review queue groups by them, the dashboard's trending flags a group with an unusual share of
the last hour, and an invalidation rule names an IP range that is matched by hashing it again.
No address is stored.

The hashing key changes every UTC day: it is derived from the app's secret and the day's random
salt (``evidence_keys``). A hash is only comparable with hashes of the same day, and neither a
copy of the database (without the secret) nor the secret (without the salts) recovers an
address by trying them all. After EVIDENCE_RETENTION_DAYS the evidence is erased from the
signatures and the day's salt deleted (signing/evidence.py runs it for the worker), after which
even the holder of both cannot link that day's signatures to a connection.

Hand-written rather than a library's: it is a few HMACs; what matters is the key's life.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass

from cachetools import TTLCache
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from petitions.clock import utcnow
from petitions.defence.models import EvidenceKey
from petitions.extensions import client_network, db
from petitions.memo import Memo

#: The group around a client: an IPv4 /24 or an IPv6 /48 (a site's allocation).
GROUP_PREFIX = {4: 24, 6: 48}
#: The client itself: an IPv4 address or an IPv6 /64 (see extensions.client_network).
CLIENT_PREFIX = {4: 32, 6: 64}
#: The most networks of a stored kind one IP range may stand for: a rule is matched by hashing
#: each of them under each live key, so a /8 (65,536 groups) is refused, a /16 (256) is not.
MAX_RANGE_PARTS = 1024
#: Hex digits kept of each HMAC-SHA256: 96 bits, no collisions among a day's connections.
HASH_LENGTH = 24


class RangeRefused(ValueError):
    """An IP range a rule cannot be matched by (the message says why)."""


@dataclass(frozen=True)
class Evidence:
    """What a new signature keeps about its connection (the Signature columns of these names)."""

    client_key_id: int | None
    client_hash: str | None
    client_group_hash: str | None


_NO_EVIDENCE = Evidence(None, None, None)


def _derived(salt: str) -> bytes:
    secret = current_app.secret_key
    secret_bytes = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret_bytes, b"evidence:" + salt.encode(), hashlib.sha256).digest()


def _hash(key: bytes, network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    return hmac.new(key, str(network).encode(), hashlib.sha256).hexdigest()[:HASH_LENGTH]


#: The day's key per process: (day, key id, derived key). A sign POST costs no query for it.
_today: Memo[str, tuple[dt.date, int, bytes]] = Memo(
    "petitions.defence.evidence_key", lambda config: TTLCache(maxsize=1, ttl=300)
)


def _key_of(day: dt.date) -> tuple[int, bytes]:
    kept = _today.get("today")
    if kept is not None and kept[0] == day:
        return kept[1], kept[2]
    with db.engine.begin() as connection:
        # The first signature of a day makes its key; ON CONFLICT DO NOTHING lets two workers
        # race to it and agree on whichever row won.
        dialect_insert = (
            postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        )
        connection.execute(
            dialect_insert(EvidenceKey.__table__)
            .values(day=day, salt=secrets.token_hex(32), created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["day"])
        )
        key_id, salt = connection.execute(
            select(EvidenceKey.id, EvidenceKey.salt).where(EvidenceKey.day == day)
        ).one()
    derived = _derived(salt)
    _today.set("today", (day, key_id, derived))
    return key_id, derived


def of_request() -> Evidence:
    """The evidence a signature made by this request keeps (none for an unparsable address)."""
    try:
        client = ipaddress.ip_network(client_network(), strict=False)
    except ValueError:
        return _NO_EVIDENCE
    key_id, key = _key_of(utcnow().date())
    group = client.supernet(new_prefix=GROUP_PREFIX[client.version])
    return Evidence(key_id, _hash(key, client), _hash(key, group))


def live_keys() -> list[tuple[int, dt.date, bytes]]:
    """The keys whose evidence is still kept: (id, day, derived key), the newest first."""
    rows = db.session.execute(
        select(EvidenceKey.id, EvidenceKey.day, EvidenceKey.salt)
        .where(EvidenceKey.day >= oldest_kept_day())
        .order_by(EvidenceKey.day.desc())
    ).all()
    return [(key_id, day, _derived(salt)) for key_id, day, salt in rows]


def oldest_kept_day(now: dt.datetime | None = None) -> dt.date:
    """The first UTC day whose evidence is still kept: today minus EVIDENCE_RETENTION_DAYS."""
    days = int(current_app.config["EVIDENCE_RETENTION_DAYS"])
    return (now or utcnow()).date() - dt.timedelta(days=days)


@dataclass(frozen=True)
class RangeHashes:
    """An IP range as the hashes that stand for it: per key id, the client or group hashes."""

    #: "client_hash" or "client_group_hash": which column the hashes are of.
    column: str
    by_key: dict[int, list[str]]

    @property
    def count(self) -> int:
        return sum(len(hashes) for hashes in self.by_key.values())


def parse_range(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    """Read an IP address or range as an organizer types it (``203.0.113.0/24``)."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise RangeRefused(f"{text.strip()!r} is not an IP address or range.") from None


def range_hashes(text: str) -> RangeHashes:
    """Hash an IP range the way signatures' evidence is, under every live key.

    A range is cut into the networks of the coarsest stored kind that fits in it (groups for a
    range at least a group wide, clients otherwise), at most MAX_RANGE_PARTS of them.

    :raises RangeRefused: for a bad range, or one that stands for too many networks.
    """
    network = parse_range(text)
    version = network.version
    group, client = GROUP_PREFIX[version], CLIENT_PREFIX[version]
    if network.prefixlen <= group:
        column, prefix = "client_group_hash", group
    else:
        column, prefix = "client_hash", client
    if network.prefixlen > prefix:  # narrower than one client (an IPv6 /80): its client
        network = network.supernet(new_prefix=prefix)
    if 2 ** (prefix - network.prefixlen) > MAX_RANGE_PARTS:
        raise RangeRefused(
            f"{network} is too wide to match: name a range of at most {MAX_RANGE_PARTS} "
            f"/{prefix} networks."
        )
    parts: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = list(
        network.subnets(new_prefix=prefix)
    )
    return RangeHashes(
        column, {key_id: [_hash(key, part) for part in parts] for key_id, _day, key in live_keys()}
    )


#: A connection group as pages and commands name it: "<key id>:<group hash>" (a hash is only
#: comparable with those made under the same day's key).
GROUP_TOKEN = re.compile(rf"^(\d{{1,10}}):([0-9a-f]{{{HASH_LENGTH}}})$")


def group_token(key_id: int, group_hash: str) -> str:
    return f"{key_id}:{group_hash}"


def parse_group(token: str) -> tuple[int, str] | None:
    """Read a connection group's token: (key id, group hash), or None if it is not one."""
    found = GROUP_TOKEN.match(token)
    return (int(found[1]), found[2]) if found else None


def group_label(token: str) -> str:
    """Name a connection group on screen: the start of its hash (it names nothing else)."""
    return token.partition(":")[2][:8]


def expired_key_ids(now: dt.datetime | None = None) -> list[int]:
    """The keys whose day is past the retention period: their evidence is due for erasure."""
    return list(
        db.session.execute(
            select(EvidenceKey.id).where(EvidenceKey.day < oldest_kept_day(now))
        ).scalars()
    )


def delete_keys(key_ids: list[int]) -> None:
    """Delete keys (in the caller's transaction), once no signature keeps evidence under them."""
    if key_ids:
        db.session.execute(delete(EvidenceKey).where(EvidenceKey.id.in_(key_ids)))
    _today.forget("today")
