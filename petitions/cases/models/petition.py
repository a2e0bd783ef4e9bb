"""A petition for a case: its states, and its count spread over shards."""

from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship
from sqlalchemy.sql.expression import ScalarSelect

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.models import enum_column

if TYPE_CHECKING:
    from petitions.cases.models.case import Case


class PetitionStatus(enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


#: How long an organizer may undo closing a petition by hand (a slip of the finger, a close
#: before a delivery was postponed). Bundles printed meanwhile keep the count they printed.
REOPEN_WITHIN = dt.timedelta(days=1)


class IllegalTransition(Exception):
    """A petition was asked to move to a state it cannot reach from where it is."""


def percent_of_goal(signature_count: int, goal: int, *, capped: bool) -> int:
    """Return the whole percent of the goal reached: the one reckoning of every page and badge.

    Rounded down: 999 of 1,000 is not yet 100 %. ``capped`` stops at 100 for a progress bar;
    uncapped, the words can tell the real share (400 %).
    """
    percent = signature_count * 100 // goal if goal else 0
    return min(100, percent) if capped else percent


#: Rows each petition's count is spread over. A confirmation adds to the row its signature's id
#: picks, so two confirmations wait for each other only when their ids agree modulo this (1 in
#: 16 with two at once); a read sums at most this many rows, found by the primary key.
COUNT_SHARDS = 16


class PetitionCountShard(db.Model):  # type: ignore[name-defined,misc]
    """One share of a petition's count: what the confirmations and withdrawals that picked it added.

    Confirmations used to increment ``petitions.signature_count``, so every confirmation of a
    petition queued on that one row's lock (PostgreSQL) and rewrote the whole petition row.
    Here each touches one small row of its own shard (``signing.counts.count_change``), and
    the count is the petition's ``count_base`` plus the sum of its shards, exact at every read.
    A shard may be negative: a withdrawal takes off from its own shard a signature that the base
    may hold.
    """

    __tablename__ = "petition_count_shards"

    petition_id: Mapped[int] = mapped_column(
        ForeignKey("petitions.id", ondelete="CASCADE"), primary_key=True
    )
    #: ``signature id % COUNT_SHARDS`` of the signatures counted here.
    shard: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: Confirmations minus withdrawals of confirmed signatures that picked this shard.
    delta: Mapped[int] = mapped_column(default=0, server_default="0")


def shards_sum(petition_id: Any) -> ScalarSelect[int]:
    """Return the SQL sum of a petition's shards (0 without any): one indexed range read."""
    return (
        select(func.coalesce(func.sum(PetitionCountShard.delta), 0))
        .where(PetitionCountShard.petition_id == petition_id)
        .correlate_except(PetitionCountShard)
        .scalar_subquery()
    )


class Petition(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "petitions"
    __table_args__ = (
        CheckConstraint("signature_count >= 0", name="count_not_negative"),
        CheckConstraint("goal > 0", name="goal_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Used in URLs: /p/<slug>.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: The case this petition is for.
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: The petition's headline.
    title: Mapped[str] = mapped_column(String(200))
    #: One or two sentences for lists and previews.
    summary: Mapped[str] = mapped_column(String(500))
    #: The petition text in Markdown; rendered with raw HTML disabled.
    body: Mapped[str] = mapped_column(Text)
    #: Who receives the petition, e.g. an embassy or a ministry.
    addressee: Mapped[str] = mapped_column(String(300))
    #: The language the petition was written in (its original), a code of LANGUAGES.
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    #: ISO 3166 alpha-2 code of the addressee's country (the state the embassy represents), or
    #: NULL. Signers living there are not named in its bundle unless they ask to be.
    addressee_country: Mapped[str | None] = mapped_column(String(2))
    #: Signatures the campaign is aiming for.
    goal: Mapped[int]
    #: draft → open → closed; only open petitions accept signatures.
    status: Mapped[PetitionStatus] = mapped_column(
        enum_column(PetitionStatus, "petition_status"), default=PetitionStatus.DRAFT
    )
    #: When the petition opened for signatures.
    opened_at: Mapped[dt.datetime | None]
    #: When it closed, or is planned to close.
    closes_at: Mapped[dt.datetime | None]
    #: When an organizer closed it by hand (NULL otherwise): for REOPEN_WITHIN, an undo.
    closed_by_hand_at: Mapped[dt.datetime | None]
    #: The planned close it had then, which reopening gives back.
    planned_closes_at: Mapped[dt.datetime | None]
    #: The part of the count kept on the petition row: the confirmed signatures counted before
    #: the count moved to petition_count_shards (migration 9d4b7e21c6a3), which no confirmation
    #: changes any more. Its column keeps the old name, so the migration rewrote no table.
    count_base: Mapped[int] = mapped_column("signature_count", default=0, server_default="0")
    #: Confirmed, not withdrawn signatures: the base plus the petition's shards, summed by the
    #: query that loads the petition (one indexed subquery of at most COUNT_SHARDS rows), so
    #: every page, list, API answer and bundle reads the same exact number. Read-only: the
    #: count changes only through signing.counts.count_change, in the transaction that
    #: changes the signature's state.
    signature_count: Mapped[int] = column_property(count_base + shards_sum(id))
    #: When the petition was created here.
    created_at: Mapped[dt.datetime] = mapped_column(server_default=func.current_timestamp())
    #: When the retention run anonymised its signers (petitions/retention/): names, addresses,
    #: cities, comments and evidence erased, states, countries and times kept. NULL: not yet.
    signers_anonymised_at: Mapped[dt.datetime | None]

    case: Mapped[Case] = relationship(back_populates="petitions")

    @property
    def is_open(self) -> bool:
        """Tell whether the petition accepts signatures now."""
        if self.status is not PetitionStatus.OPEN:
            return False
        return self.closes_at is None or self.closes_at > utcnow()

    @property
    def progress_percent(self) -> int:
        """Return the share of the goal reached, capped at 100."""
        return percent_of_goal(self.signature_count, self.goal, capped=True)

    def open(self, now: dt.datetime) -> None:
        """Open a draft petition for signatures.

        :raises IllegalTransition: if the petition is not a draft.
        """
        if self.status is not PetitionStatus.DRAFT:
            raise IllegalTransition(
                f"Only a draft can be opened; this petition is {self.status.value}."
            )
        self.status = PetitionStatus.OPEN
        self.opened_at = now

    def close(self, now: dt.datetime) -> None:
        """Stop accepting signatures; the page and the count stay.

        :raises IllegalTransition: if the petition is not open.
        """
        if self.status is not PetitionStatus.OPEN:
            raise IllegalTransition(
                f"Only an open petition can be closed; this one is {self.status.value}."
            )
        self.status = PetitionStatus.CLOSED
        self.planned_closes_at = self.closes_at
        self.closes_at = now
        self.closed_by_hand_at = now

    def reopen_until(self, now: dt.datetime) -> dt.datetime | None:
        """Until when a close by hand can be undone; None if this one cannot (any more)."""
        if self.status is not PetitionStatus.CLOSED or self.closed_by_hand_at is None:
            return None
        until = self.closed_by_hand_at + REOPEN_WITHIN
        if self.planned_closes_at is not None and self.planned_closes_at < until:
            until = self.planned_closes_at  # past its planned end, it stays closed
        return until if now < until else None

    def reopen(self, now: dt.datetime) -> None:
        """Undo a close by hand within REOPEN_WITHIN: open again, with the planned close back.

        :raises IllegalTransition: if it was not closed by hand, or too long ago.
        """
        if self.reopen_until(now) is None:
            raise IllegalTransition("Only a petition closed by hand within a day can reopen.")
        self.status = PetitionStatus.OPEN
        self.closes_at = self.planned_closes_at
        self.closed_by_hand_at = None
        self.planned_closes_at = None
