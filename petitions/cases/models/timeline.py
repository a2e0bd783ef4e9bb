"""A case's timeline: the dated solidarity actions and events the case page lists by year."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petitions.extensions import db
from petitions.models import enum_column

if TYPE_CHECKING:
    from petitions.cases.models.case import Case
    from petitions.cases.models.pictures import TimelinePhoto


class EntryKind(enum.Enum):
    """What kind of event an entry records; the page shows it as a label."""

    AWARD = "award"
    HONORARY_CITIZENSHIP = "honorary_citizenship"
    LETTER = "letter"
    VISIT = "visit"
    DELIVERY = "delivery"
    COURT_DECISION = "court_decision"
    OTHER = "other"


class TimelineEntry(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "timeline_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The case this action was for.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: Day of the action (an award, a visit to an embassy, a letter).
    happened_on: Mapped[dt.date]
    #: An award, honorary citizenship, letter, visit, delivery, court decision or other.
    kind: Mapped[EntryKind] = mapped_column(
        enum_column(EntryKind, "entry_kind"), default=EntryKind.OTHER, server_default="other"
    )
    #: One line saying what happened.
    title: Mapped[str] = mapped_column(String(200))
    #: A paragraph of plain text.
    text: Mapped[str] = mapped_column(Text, default="")
    #: Where to read more; optional.
    link: Mapped[str | None] = mapped_column(String(500))
    #: What the photo shows, for those who cannot see it (translatable); empty: the title.
    photo_alt: Mapped[str] = mapped_column(String(300), default="", server_default="")

    case: Mapped[Case] = relationship(back_populates="timeline")
    photo: Mapped[TimelinePhoto | None] = relationship(
        back_populates="entry", cascade="all, delete-orphan", uselist=False
    )
