"""A prisoner's case: who, where, their status and the periods they were held."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petitions.extensions import db
from petitions.models import enum_column

if TYPE_CHECKING:
    from petitions.cases.models.petition import Petition
    from petitions.cases.models.pictures import Portrait
    from petitions.cases.models.timeline import TimelineEntry


class CaseStatus(enum.Enum):
    DETAINED = "detained"
    RELEASED = "released"
    IN_EXILE = "in_exile"
    DECEASED = "deceased"
    UNKNOWN = "unknown"


class Case(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Used in URLs: /cases/<slug>.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: The prisoner's name as the campaign writes it.
    prisoner_name: Mapped[str] = mapped_column(String(200))
    #: ISO 3166 alpha-2 code of the country holding the prisoner.
    detention_country: Mapped[str] = mapped_column(String(2))
    #: Prison, colony or detention centre.
    detention_place: Mapped[str] = mapped_column(String(300))
    #: Day of the first arrest: the start of the earliest detention period, kept in step by
    #: cases/periods.py (a copy, so lists and the API need no join); given on the new-case form,
    #: where it opens the first period.
    arrested_on: Mapped[dt.date]
    #: The sentence as handed down, in words.
    sentence: Mapped[str] = mapped_column(String(300), default="")
    #: Detained, released, in exile, deceased or unknown (cases/status.py says it to readers).
    status: Mapped[CaseStatus] = mapped_column(
        enum_column(CaseStatus, "case_status"), default=CaseStatus.DETAINED
    )
    #: The day the status began where no period says it: the day of death, or since when in
    #: exile. NULL when not known (or for detained and released, which the periods date).
    status_since: Mapped[dt.date | None]
    #: A short biography (plain text).
    bio: Mapped[str] = mapped_column(Text, default="")
    #: What the portrait shows, for those who cannot see it (translatable); empty: "Portrait
    #: of NAME".
    portrait_alt: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: The language the organizers wrote the case in (its original; translations are in
    #: content_translations), a code of LANGUAGES.
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    #: When the case was created here.
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())

    timeline: Mapped[list[TimelineEntry]] = relationship(
        back_populates="case",
        order_by="[TimelineEntry.happened_on.desc(), TimelineEntry.id.desc()]",
        cascade="all, delete-orphan",
    )
    detentions: Mapped[list[DetentionPeriod]] = relationship(
        back_populates="case",
        order_by="DetentionPeriod.started_on",
        cascade="all, delete-orphan",
    )
    petitions: Mapped[list[Petition]] = relationship(back_populates="case")
    portrait: Mapped[Portrait | None] = relationship(
        back_populates="case", cascade="all, delete-orphan", uselist=False
    )

    @property
    def open_detention(self) -> DetentionPeriod | None:
        """The period of detention not ended yet, if any (there is at most one)."""
        return next((each for each in self.detentions if each.ended_on is None), None)

    @property
    def last_detention(self) -> DetentionPeriod | None:
        """The latest period of detention, ended or not."""
        return self.detentions[-1] if self.detentions else None

    @property
    def periods_disagree(self) -> bool:
        """Tell whether the status and the periods disagree (its organizers are asked to fix
        it): detained with no open period, or not detained with a period still open."""
        still_open = self.open_detention is not None
        return still_open != (self.status is CaseStatus.DETAINED)


class DetentionPeriod(db.Model):  # type: ignore[name-defined,misc]
    """A stretch of days a prisoner was held, from arrest to release (or still going on).

    The database refuses an end before the start and a second open period of one case; that
    periods of a case do not overlap is checked by cases/periods.py (an exclusion constraint
    would need PostgreSQL's btree_gist and has no SQLite counterpart).
    """

    __tablename__ = "detention_periods"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ends_after_start"),
        Index(
            "uq_detention_periods_one_open",
            "case_id",
            unique=True,
            sqlite_where=text("ended_on IS NULL"),
            postgresql_where=text("ended_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The case of the prisoner held.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: Day of the arrest.
    started_on: Mapped[dt.date]
    #: Day of the release (or of death in custody); NULL while still held.
    ended_on: Mapped[dt.date | None]
    #: Where the prisoner was held (translatable), e.g. "Penal colony No. 9, Gorki".
    place: Mapped[str] = mapped_column(String(300), default="")
    #: A line for readers (translatable), e.g. "Freed early under an amnesty".
    note: Mapped[str] = mapped_column(String(500), default="")

    case: Mapped[Case] = relationship(back_populates="detentions")
