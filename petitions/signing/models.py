"""A signature: born pending, counted once confirmed, erased when withdrawn.

A signature over a quarantine limit (petitions/defence/) is taken as any other, but confirming
it makes it quarantined: confirmed by mail, not counted, waiting for an organizer's review.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petitions.cases.models import Petition
from petitions.defence.models import EvidenceKey
from petitions.extensions import db
from petitions.models import enum_column


class SignatureState(enum.Enum):
    PENDING = "pending"
    #: Confirmed by mail and counted.
    CONFIRMED = "confirmed"
    #: Confirmed by mail but not counted: it was over a quarantine limit (set_aside_reason).
    QUARANTINED = "quarantined"
    #: Set aside by an organizer's rule; not counted.
    INVALIDATED = "invalidated"
    WITHDRAWN = "withdrawn"


class SignatureOrigin(enum.Enum):
    #: Signed on the site (or a partner's embed) and confirmed by mail.
    ONLINE = "online"
    #: Written on a paper sheet and entered by an organizer (petitions/paper/): born confirmed,
    #: with no address of its own to mail (the sheet's email, if any, stays with the sheet).
    PAPER = "paper"


#: The states whose owners confirmed by mail: their link answers "thank you" alike, so a
#: flooder cannot tell a quarantined signature from a counted one.
CONFIRMED_BY_MAIL = frozenset({SignatureState.CONFIRMED, SignatureState.QUARANTINED})


#: Mails one signature may ever cause, confirmations and "already signed" notes together, so the
#: form cannot be turned into a way of flooding somebody's inbox.
MAX_MAILS_PER_SIGNATURE = 5


class Signature(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "signatures"
    __table_args__ = (
        # NULLs are distinct, so erased (withdrawn) signatures never block signing again.
        UniqueConstraint("petition_id", "email_normalized", name="uq_signatures_petition_email"),
        CheckConstraint(
            "state != 'confirmed' OR confirmed_at IS NOT NULL", name="confirmed_has_time"
        ),
        CheckConstraint(
            "state != 'withdrawn' OR (withdrawn_at IS NOT NULL AND email IS NULL)",
            name="withdrawn_is_erased",
        ),
        CheckConstraint(f"mails_sent <= {MAX_MAILS_PER_SIGNATURE}", name="mail_cap"),
        CheckConstraint(
            "state NOT IN ('quarantined', 'invalidated') OR set_aside_reason IS NOT NULL",
            name="set_aside_has_reason",
        ),
        Index("ix_signatures_petition_state_confirmed", "petition_id", "state", "confirmed_at"),
        # The paper share of a count reads only the paper rows of one petition.
        Index("ix_signatures_petition_origin_state", "petition_id", "origin", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The petition signed.
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    #: pending until the owner clicks the mailed link (then confirmed, or quarantined when
    #: set_aside_reason says so); withdrawn when they take it back.
    state: Mapped[SignatureState] = mapped_column(
        enum_column(SignatureState, "signature_state"), default=SignatureState.PENDING
    )
    #: The signer's name as typed; printed in the delivered bundle. Emptied on withdrawal.
    full_name: Mapped[str] = mapped_column(String(120))
    #: The address as typed, for sending; never shown publicly or printed. NULL once erased.
    email: Mapped[str | None] = mapped_column(String(320))
    #: The address reduced to one form per mailbox; unique per petition. NULL once erased.
    email_normalized: Mapped[str | None] = mapped_column(String(320))
    #: ISO 3166 alpha-2 code of the signer's country.
    country: Mapped[str] = mapped_column(String(2))
    #: The signer's city, as typed.
    city: Mapped[str] = mapped_column(String(120))
    #: An optional comment for the addressee.
    comment: Mapped[str | None] = mapped_column(String(500))
    #: When an organizer hid the comment from public pages and bundles; NULL while shown.
    comment_hidden_at: Mapped[dt.datetime | None]
    #: Who hid it.
    comment_hidden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )
    #: The signer agreed to have their name shown on public pages.
    show_name_publicly: Mapped[bool] = mapped_column(default=False)
    #: The name (and city, and comment) may be printed in the bundle delivered to the
    #: addressee; otherwise the bundle lists "a supporter from <country>". Decided when signing
    #: (see signing.statements.name_in_bundle).
    name_in_bundle: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    #: The signer agreed to be contacted by the organizers later.
    may_contact: Mapped[bool] = mapped_column(default=False)
    #: The locale the signer used, so later mails speak their language.
    locale: Mapped[str] = mapped_column(String(10), default="en")
    #: Online (signed on the site) or paper (entered from a sheet, petitions/paper/).
    origin: Mapped[SignatureOrigin] = mapped_column(
        enum_column(SignatureOrigin, "signature_origin"),
        default=SignatureOrigin.ONLINE,
        server_default=SignatureOrigin.ONLINE.value,
    )
    #: Where the signature came from: a ?ref= code or a partner's code.
    source: Mapped[str | None] = mapped_column(String(40))
    #: The partner page the signer came from (an embed), offered as the way back after confirming.
    return_url: Mapped[str | None] = mapped_column(String(500))
    #: Why the signature is (or, once confirmed, will be) set aside: a quarantine limit it was
    #: over when signed (petitions/defence/reasons.py), or an invalidation. NULL: counted.
    set_aside_reason: Mapped[str | None] = mapped_column(String(40))
    #: Where the signature came from, as evidence for review and invalidations, kept only for
    #: EVIDENCE_RETENTION_DAYS (petitions/defence/evidence.py): the day's key, and keyed hashes
    #: of the client (IPv4 address or IPv6 /64) and of its group (IPv4 /24 or IPv6 /48). All
    #: NULL once erased, and for signatures made before evidence was kept.
    client_key_id: Mapped[int | None] = mapped_column(
        ForeignKey(EvidenceKey.id, ondelete="SET NULL")
    )
    client_hash: Mapped[str | None] = mapped_column(String(24))
    client_group_hash: Mapped[str | None] = mapped_column(String(24))
    #: Mails this signature has caused so far (see MAX_MAILS_PER_SIGNATURE).
    mails_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    #: When the last of those mails was queued.
    last_mail_at: Mapped[dt.datetime | None]
    #: When the signer submitted the form.
    created_at: Mapped[dt.datetime]
    #: When the signer confirmed by mail.
    confirmed_at: Mapped[dt.datetime | None]
    #: When the signer withdrew.
    withdrawn_at: Mapped[dt.datetime | None]

    petition: Mapped[Petition] = relationship()

    @property
    def visible_comment(self) -> str | None:
        """Return the comment unless an organizer hid it."""
        return None if self.comment_hidden_at is not None else self.comment

    @property
    def public_name(self) -> str | None:
        """Return the name if its owner agreed to show it, else None."""
        return self.full_name if self.show_name_publicly else None


class ReviewAction(enum.Enum):
    #: Quarantined signatures counted after all.
    RELEASE = "release"
    #: Quarantined signatures set aside for good.
    INVALIDATE = "invalidate"


class ReviewDecision(db.Model):  # type: ignore[name-defined,misc]
    """One decision on quarantined signatures: who took it, when, on what, and how many."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    action: Mapped[ReviewAction] = mapped_column(enum_column(ReviewAction, "review_action"))
    #: The organizer who decided; NULL from the command line (its operator is named in ``by``).
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )
    #: Who decided, as shown in the record: the organizer's name or the CLI's operator.
    by: Mapped[str] = mapped_column(String(120))
    #: What the decision was taken on, as the filter read ("reason client-burst", "all").
    subject: Mapped[str] = mapped_column(String(300))
    #: Signatures the decision changed.
    changed: Mapped[int]
    decided_at: Mapped[dt.datetime]


class InvalidationStatus(enum.Enum):
    #: Made and previewed; the worker starts it at its next round.
    QUEUED = "queued"
    #: The worker is taking its signatures, a batch at a time.
    RUNNING = "running"
    #: Every signature it matched has been taken.
    DONE = "done"
    #: Stopped by an organizer; the batches already taken stay taken until undone.
    CANCELLED = "cancelled"
    #: Its signatures were given back the states they had.
    UNDONE = "undone"


class Invalidation(db.Model):  # type: ignore[name-defined,misc]
    """An organizer's rule setting aside every signature of a petition it matches, pending,
    counted or quarantined: run in batches by the worker (signing/invalidations.py)."""

    __tablename__ = "invalidations"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    status: Mapped[InvalidationStatus] = mapped_column(
        enum_column(InvalidationStatus, "invalidation_status"), default=InvalidationStatus.QUEUED
    )
    # The rule: every criterion given must match (see invalidations.Rule).
    #: An IP address or range, matched through the signatures' evidence (defence/evidence.py).
    ip_range: Mapped[str | None] = mapped_column(String(50))
    #: A connection group (a hash of the evidence, as the review queue and trending name it):
    #: "<key id>:<hash>".
    client_group: Mapped[str | None] = mapped_column(String(40))
    #: An email domain; its subdomains match too.
    domain: Mapped[str | None] = mapped_column(String(255))
    #: A pattern for the signer's name, ``*`` for any text (case-insensitive).
    name_pattern: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(2))
    #: Signed at or after this moment (UTC).
    signed_from: Mapped[dt.datetime | None]
    #: Signed before this moment (UTC).
    signed_until: Mapped[dt.datetime | None]
    #: The signature's source (a ?ref= code or a partner's code).
    source: Mapped[str | None] = mapped_column(String(40))
    #: The rule as the organizer reads it.
    subject: Mapped[str] = mapped_column(String(300))
    #: Signatures the preview matched when the rule was made: the progress bar's end.
    matched: Mapped[int]
    #: Signatures taken so far.
    taken: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Of those, how many were counted (the count went down by this).
    uncounted: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Signatures given back by the undo.
    restored: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The highest signature id examined: the next batch starts after it.
    cursor: Mapped[int] = mapped_column(default=0, server_default="0")
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )
    #: Who made it, as shown in the record: the organizer's address or the CLI's operator.
    by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[dt.datetime]
    finished_at: Mapped[dt.datetime | None]
    cancelled_at: Mapped[dt.datetime | None]
    undone_at: Mapped[dt.datetime | None]
    undone_by: Mapped[str | None] = mapped_column(String(120))


class InvalidatedSignature(db.Model):  # type: ignore[name-defined,misc]
    """One signature an invalidation took, and what it was before: what an undo gives back."""

    __tablename__ = "invalidated_signatures"

    invalidation_id: Mapped[int] = mapped_column(
        ForeignKey("invalidations.id", ondelete="CASCADE"), primary_key=True
    )
    signature_id: Mapped[int] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), primary_key=True
    )
    prior_state: Mapped[SignatureState] = mapped_column(enum_column(SignatureState, "prior_state"))
    prior_reason: Mapped[str | None] = mapped_column(String(40))
