"""An update, its texts (the original and translations) and its recipients, one row each."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petitions.cases.models import Case, Petition
from petitions.extensions import db
from petitions.models import enum_column


class UpdateStatus(enum.Enum):
    #: Being written: previewed and tested, sent to nobody.
    DRAFT = "draft"
    #: To be sent at send_at; the worker starts it then.
    SCHEDULED = "scheduled"
    #: The worker is queueing its recipients, a batch at a time.
    SENDING = "sending"
    #: Every recipient has been queued.
    SENT = "sent"


class Update(db.Model):  # type: ignore[name-defined,misc]
    """News for the consenting signers of one petition, or of every petition of a case."""

    __tablename__ = "updates"
    __table_args__ = (
        CheckConstraint("(petition_id IS NULL) != (case_id IS NULL)", name="petition_or_case"),
        CheckConstraint("status IN ('draft') OR send_at IS NOT NULL", name="sent_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The petition whose signers it reaches; NULL for a case-wide update.
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"), index=True)
    #: The case whose petitions' signers it reaches (one mail per address); NULL for a petition's.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    #: The language it was written in: a signer whose language has no text gets this one.
    original_locale: Mapped[str] = mapped_column(String(10))
    status: Mapped[UpdateStatus] = mapped_column(
        enum_column(UpdateStatus, "update_status"), default=UpdateStatus.DRAFT
    )
    #: When it goes out (scheduled or "now"); NULL while a draft.
    send_at: Mapped[dt.datetime | None]
    #: The pace: the next batch of recipients is queued once this has passed (the moment the
    #: last queued mail falls due).
    next_due_at: Mapped[dt.datetime | None]
    #: Recipients queued so far.
    queued: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Who wrote it.
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime]
    #: When its last recipient was queued.
    finished_at: Mapped[dt.datetime | None]

    petition: Mapped[Petition | None] = relationship()
    case: Mapped[Case | None] = relationship()
    texts: Mapped[list[UpdateText]] = relationship(
        back_populates="update", order_by="UpdateText.locale", cascade="all, delete-orphan"
    )

    @property
    def editable(self) -> bool:
        """Whether its texts and time may still change (nothing has been queued)."""
        return self.status in {UpdateStatus.DRAFT, UpdateStatus.SCHEDULED}

    def text_for(self, locale: str) -> UpdateText:
        """Return the text in ``locale`` if written, else the original."""
        by_locale = {text.locale: text for text in self.texts}
        return by_locale.get(locale) or by_locale[self.original_locale]


class UpdateText(db.Model):  # type: ignore[name-defined,misc]
    """An update in one language."""

    __tablename__ = "update_texts"
    __table_args__ = (UniqueConstraint("update_id", "locale", name="uq_update_texts_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(String(10))
    #: The mail's subject.
    subject: Mapped[str] = mapped_column(String(200))
    #: The mail's body, plain text (paragraphs split by blank lines).
    body: Mapped[str] = mapped_column(Text)

    update: Mapped[Update] = relationship(back_populates="texts")


class UpdateRecipient(db.Model):  # type: ignore[name-defined,misc]
    """One signer an update is (being) mailed to, written before their outbox row is.

    Unique per update and signature: a batch queued twice (two workers, a restart) fails on
    the constraint instead of mailing anybody twice. A test mail to the organizer is a row
    naming the organizer instead.
    """

    __tablename__ = "update_recipients"
    __table_args__ = (
        UniqueConstraint("update_id", "signature_id", name="uq_update_recipients_signature"),
        CheckConstraint(
            "signature_id IS NOT NULL OR organizer_id IS NOT NULL", name="names_somebody"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("updates.id", ondelete="CASCADE"), index=True)
    #: The signature it goes to; erased with it (updates/erasure.py).
    signature_id: Mapped[int | None] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), index=True
    )
    #: The organizer a test mail goes to; NULL for a signer.
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="CASCADE")
    )
    #: The language of the text it gets (the signer's, if written, else the original).
    locale: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[dt.datetime]

    update: Mapped[Update] = relationship()
