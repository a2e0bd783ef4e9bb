"""Paper sheets, the signatures written on them, and the pairs of paper and online twins.

Each row of a sheet is stored as a :class:`~petitions.signing.models.Signature` with origin
``paper`` (state confirmed, counted through its shard like any other), plus a
:class:`PaperRow` naming its sheet and line. Chosen over a table of paper signatures of its own
because everything that must see paper signatures already reads ``signatures``: the count and
its shards, the nightly drift check, per-country totals, bundles and their fingerprints,
exports, invalidation rules, and the erasure and retention of signers' data. A second table
would have to be added to each of those, and one forgotten place would count or keep paper
signers differently. What is only about paper (the sheet, the line, the matching keys, the
email written on the sheet) stays here, above signing, so online signing knows nothing of it.

The email a paper signer wrote stays in :class:`PaperRow`, not in ``signatures.email``:
``signatures.email`` is where mail goes, and nobody confirmed a paper address.

A person who signed both ways counts once: the online signature counts and its paper twin is
set aside (state invalidated, reason ``paper-twin``, published with the other reasons), see
matching.py.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petitions.extensions import db
from petitions.models import enum_column
from petitions.signing.models import Signature

#: A sheet still counted: one of each number per petition (a removed one frees its number).
_LIVE = text("removed_at IS NULL")


class PaperSheet(db.Model):  # type: ignore[name-defined,misc]
    """One sheet of signatures collected on paper, entered whole or not at all.

    A sheet entered in error (twice under another number, or for the wrong petition) is
    removed, never deleted (services.remove_sheet): its signatures stop counting and lose their
    personal data, and the sheet stays listed with who removed it, when and why. Its number
    is free again, so the right sheet can be entered under it.
    """

    __tablename__ = "paper_sheets"
    __table_args__ = (
        Index(
            "uq_paper_sheets_live_number",
            "petition_id",
            "number",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
        CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    #: The number written on the sheet; one sheet of each number per petition.
    number: Mapped[int]
    #: Where it was collected ("Stall at Dam Square, Amsterdam").
    place: Mapped[str] = mapped_column(String(200))
    #: The day it was collected.
    collected_on: Mapped[dt.date] = mapped_column(Date)
    #: The organizer who entered it; NULL once their account is gone (``entered_by`` stays).
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )
    #: Who entered it, as the record shows them.
    entered_by: Mapped[str] = mapped_column(String(320))
    entered_at: Mapped[dt.datetime]
    #: Signatures on it, as entered.
    signatures: Mapped[int]
    #: When it was removed as entered in error; NULL while it counts.
    removed_at: Mapped[dt.datetime | None]
    #: The organizer who removed it; NULL once their account is gone (``removed_by`` stays).
    removed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )
    removed_by: Mapped[str | None] = mapped_column(String(320))
    #: Why, as the organizer wrote it.
    removal_reason: Mapped[str | None] = mapped_column(String(500))


class PaperRow(db.Model):  # type: ignore[name-defined,misc]
    """The line of a sheet a paper signature was written on, and what matching compares."""

    __tablename__ = "paper_rows"
    __table_args__ = (
        UniqueConstraint("sheet_id", "line", name="uq_paper_rows_sheet_line"),
        Index("ix_paper_rows_petition_name", "petition_id", "name_key"),
        Index("ix_paper_rows_petition_email", "petition_id", "email_normalized"),
    )

    #: The signature this line is.
    signature_id: Mapped[int] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), primary_key=True
    )
    sheet_id: Mapped[int] = mapped_column(ForeignKey("paper_sheets.id", ondelete="CASCADE"))
    #: The sheet's petition (the signature's too), so matching looks within one petition.
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    #: The line on the sheet (the row of the CSV), from 1.
    line: Mapped[int]
    #: The name folded for comparison (matching.fold); "" once erased.
    name_key: Mapped[str] = mapped_column(String(120))
    #: The city folded the same way; "" once erased.
    city_key: Mapped[str] = mapped_column(String(120))
    #: The address written on the sheet, as written; NULL if none (or once erased). Never
    #: mailed: nobody confirmed it.
    email: Mapped[str | None] = mapped_column(String(320))
    #: The same address reduced as online ones are (signing.services.normalize_email).
    email_normalized: Mapped[str | None] = mapped_column(String(320))

    sheet: Mapped[PaperSheet] = relationship()
    signature: Mapped[Signature] = relationship()


class PairStatus(enum.Enum):
    #: Same name and city, or the same email: one person, counted once without asking.
    MATCHED = "matched"
    #: Same name, another city: an organizer decides.
    DOUBTFUL = "doubtful"
    #: An organizer decided they are one person: counted once.
    SAME = "same"
    #: An organizer decided they are two people: both count.
    DIFFERENT = "different"


#: The pairs whose paper signature is set aside (its online twin counts for both).
ONE_PERSON = frozenset({PairStatus.MATCHED, PairStatus.SAME})


class PaperPair(db.Model):  # type: ignore[name-defined,misc]
    """A paper signature and an online one that may be the same person, and what was decided."""

    __tablename__ = "paper_pairs"
    __table_args__ = (
        UniqueConstraint("paper_signature_id", "online_signature_id", name="uq_paper_pairs"),
        Index("ix_paper_pairs_petition_status", "petition_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    paper_signature_id: Mapped[int] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), index=True
    )
    online_signature_id: Mapped[int] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[PairStatus] = mapped_column(enum_column(PairStatus, "paper_pair_status"))
    #: What the two have in common: "name-city", "email" or "name".
    because: Mapped[str] = mapped_column(String(20))
    found_at: Mapped[dt.datetime]
    #: Who decided a doubtful pair (NULL while it waits, and for automatic matches).
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[dt.datetime | None]

    paper: Mapped[Signature] = relationship(foreign_keys=[paper_signature_id])
    online: Mapped[Signature] = relationship(foreign_keys=[online_signature_id])
