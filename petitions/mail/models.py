"""The outbox: every mail is a row written in the transaction that caused it.

A row names the mail (its kind and signature) and holds no address and no body: those are
rendered from the signature when the mail is sent (see mail/messages.py).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from petitions.extensions import db
from petitions.models import enum_column


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which mail: a kind an area registered with mail/messages.py (signing: MailKind).
    kind: Mapped[str] = mapped_column(String(60))
    #: The signature that caused it, so erasing a signature erases its unsent mail too.
    signature_id: Mapped[int | None] = mapped_column(
        ForeignKey("signatures.id", ondelete="SET NULL"), index=True
    )
    #: The letter that caused it (petitions/letters/), for the kinds letters register; its
    #: withdrawal erases its unsent mail. NULL for signers' mails.
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("letters.id", ondelete="SET NULL"), index=True
    )
    #: The update recipient it is the mail of (petitions/updates/), for the updates' kinds: the
    #: builder reads it; erasing the recipient (a withdrawal) leaves nothing to send.
    update_recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("update_recipients.id", ondelete="SET NULL"), index=True
    )
    #: Fixed when queued, so a retry after an unclear failure carries the same Message-ID.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    #: Delivery attempts so far.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Not to be tried before this time (backoff after a temporary failure).
    next_attempt_at: Mapped[dt.datetime]
    #: A worker holds the message until then; after it, another worker may take it over.
    claimed_until: Mapped[dt.datetime | None]
    #: The last failure, without addresses.
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime]
    sent_at: Mapped[dt.datetime | None]
