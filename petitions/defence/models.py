"""What organizers tell the defences: connections allowed past the per-client limits, senders
blocked, and how each mail domain spells a mailbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String
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


class EmailDomainRule(db.Model):  # type: ignore[name-defined,misc]
    """How one mail domain spells a mailbox, as an admin set it: whether dots in the local part
    matter, which character starts a ``+tag``, or which other domain it is an alias of.

    Overrides the built-in rule of its domain (petitions/defence/addresses.py). Read when a
    signature is made: signatures already stored keep the form they were stored with.
    """

    __tablename__ = "email_domain_rules"
    __table_args__ = (
        CheckConstraint(
            "tag_separator IS NULL OR tag_separator IN ('+', '-')", name="known_separator"
        ),
        CheckConstraint("alias_of IS NULL OR alias_of != domain", name="not_its_own_alias"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower case, IDNA-normalised and in Unicode (``bücher.de``), as email-validator writes
    #: the domain of an address signed with: the form a lookup meets.
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    #: Whether ``a.b@`` and ``ab@`` reach the same mailbox (False for an alias: unused).
    ignore_dots: Mapped[bool]
    #: The character that starts a tag (``me+news@``), or NULL when every character is part of
    #: the mailbox (and for an alias, whose target's rule applies).
    tag_separator: Mapped[str | None] = mapped_column(String(1))
    #: The domain whose mailboxes these are (``ya.ru`` → ``yandex.ru``), whose rule applies.
    alias_of: Mapped[str | None] = mapped_column(String(253))
    #: Why, for the record ("Yandex delivers me-news@ to me@").
    note: Mapped[str] = mapped_column(String(200))
    #: Who set it (an admin's address, or the command line's operator).
    by: Mapped[str] = mapped_column(String(320))
    updated_at: Mapped[dt.datetime]
