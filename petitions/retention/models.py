"""An organizer's extension of a petition's retention period, with its reason on record."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from petitions.extensions import db


class RetentionExtension(db.Model):  # type: ignore[name-defined,misc]
    """A petition's signers are not anonymised before ``until``: who asked, when, and why.

    Rows are never changed: the latest one of a petition says how long it is held off, and the
    earlier ones stay as the record.
    """

    __tablename__ = "retention_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), index=True
    )
    #: Anonymisation waits until the end of this day (UTC).
    until: Mapped[dt.date]
    #: Why ("the court hearing on appeal needs the signers' list").
    reason: Mapped[str] = mapped_column(String(500))
    #: The organizer who asked; NULL once their account is removed (``by`` keeps the name).
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )
    #: Who asked, as the record shows it (the organizer's address).
    by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[dt.datetime]
