"""What organizers tell the defences: connections allowed past the per-client limits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from petitions.extensions import db


class AllowedClient(db.Model):  # type: ignore[name-defined,misc]
    """A connection (an IP address or network) whose signatures on one petition skip the
    per-client quarantine limits until ``until``: a street stall's tablet behind one Wi-Fi.

    The domain and country limits, the disposable-mail check and the hard ceiling still apply.
    """

    __tablename__ = "allowed_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    #: The network as Python's ipaddress writes it (``203.0.113.7/32``, ``2001:db8:1:2::/64``).
    network: Mapped[str] = mapped_column(String(50))
    until: Mapped[dt.datetime]
    #: What it is for ("Stall at the Hague Central station, Saturday").
    note: Mapped[str] = mapped_column(String(200))
    #: Who allowed it (an organizer's address, or the command line's operator).
    by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime]


class BlockedSender(db.Model):  # type: ignore[name-defined,misc]
    """A connection, mail domain or address whose signatures are all quarantined, on every
    petition: never refused (the sender learns nothing), never counted until released."""

    __tablename__ = "blocked_senders"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "network", "domain" or "address".
    kind: Mapped[str] = mapped_column(String(10))
    #: A network as ipaddress writes it, a lower-case domain (its subdomains are blocked too),
    #: or the keyed hash of a normalised address: the list holds no address in clear.
    value: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(String(200))
    by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime]


class EvidenceKey(db.Model):  # type: ignore[name-defined,misc]
    """The day's salt for hashing where signatures came from (petitions/defence/evidence.py).

    One row per UTC day. The hashing key is derived from the app's secret and this salt, so
    neither a copy of the database nor the secret alone can tell which connection a hash
    names; deleting the row once its evidence is erased makes that day's hashes unlinkable for
    good, even to whoever holds both.
    """

    __tablename__ = "evidence_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The UTC day whose signatures the key hashes.
    day: Mapped[dt.date] = mapped_column(unique=True)
    #: Random, 32 bytes in hex.
    salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
