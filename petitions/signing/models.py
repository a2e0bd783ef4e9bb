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
    #: Where the signature came from: a ?ref= code or a partner's code.
    source: Mapped[str | None] = mapped_column(String(40))
    #: The partner page the signer came from (an embed), offered as the way back after confirming.
    return_url: Mapped[str | None] = mapped_column(String(500))
    #: Why the signature is (or, once confirmed, will be) set aside: a quarantine limit it was
    #: over when signed (petitions/defence/reasons.py), or an invalidation. NULL: counted.
    set_aside_reason: Mapped[str | None] = mapped_column(String(40))
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
