"""A case's letter settings, its occasions and ready texts, and the letters supporters write.

A letter is born pending, confirmed by its writer's mailed link, then approved or rejected by
an organizer. Part 2 (printing and delivery) moves approved letters on to printed and
delivered; those states exist already so that it needs no change of the state column.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import ClassVar

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from petitions.cases.models import Case
from petitions.extensions import db
from petitions.models import enum_column


class Channel(enum.Enum):
    """How letters reach the prisoner."""

    #: By post to the facility, at the address in the language the post needs.
    POST = "post"
    #: Handed to the family, who pass them on.
    FAMILY = "family"
    #: Handed to the lawyer.
    LAWYER = "lawyer"
    #: Kept until the prisoner is released (nothing reaches them inside).
    HELD = "held"


class Occasion(enum.Enum):
    BIRTHDAY = "birthday"
    HOLIDAY = "holiday"
    ANY_DAY = "any-day"


class LetterState(enum.Enum):
    PENDING = "pending"
    #: Confirmed by its writer; waiting in the organizers' queue.
    CONFIRMED = "confirmed"
    #: Confirmed, but it was over a quarantine limit (set_aside_reason): in the queue, flagged.
    QUARANTINED = "quarantined"
    #: Read and approved by an organizer: counted, on the wall if the case has one, to be printed.
    APPROVED = "approved"
    #: Refused by an organizer, with a reason; never counted, shown or printed.
    REJECTED = "rejected"
    #: Part 2: printed in a batch.
    PRINTED = "printed"
    #: Part 2: its batch was delivered.
    DELIVERED = "delivered"
    #: Taken back by its writer: everything they wrote is erased.
    WITHDRAWN = "withdrawn"
    #: Approved or printed, not delivered, when the case's status or place of detention
    #: changed (held_reason, held_at): not printed until an organizer re-routes or releases it.
    HELD = "held"
    #: A held letter given back by an organizer: never printed (resolved_by, resolved_at).
    RELEASED = "released"


#: The states a writer reaches by confirming: the link answers alike for all of them.
CONFIRMED_STATES = frozenset(
    {
        LetterState.CONFIRMED,
        LetterState.QUARANTINED,
        LetterState.APPROVED,
        LetterState.REJECTED,
        LetterState.PRINTED,
        LetterState.DELIVERED,
        LetterState.HELD,
        LetterState.RELEASED,
    }
)
#: The states of an approved letter (counted, on the wall): approval and what follows it (a
#: hold and its release too: the letter was written and read, whatever became of the prisoner).
APPROVED_STATES = frozenset(
    {
        LetterState.APPROVED,
        LetterState.PRINTED,
        LetterState.DELIVERED,
        LetterState.HELD,
        LetterState.RELEASED,
    }
)
#: The states waiting for an organizer's decision.
AWAITING_DECISION = frozenset({LetterState.CONFIRMED, LetterState.QUARANTINED})


class LetterSettings(db.Model):  # type: ignore[name-defined,misc]
    """How a case takes letters; one row per case, made when an organizer first saves them."""

    __tablename__ = "letter_settings"
    #: Its rules are translated as content (cases/translations.py).
    translation_subject: ClassVar[str] = "letters"
    __table_args__ = (CheckConstraint("max_length BETWEEN 100 AND 10000", name="max_length"),)

    #: The case the settings are for.
    case_id: Mapped[int] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    #: Whether supporters may write now.
    is_open: Mapped[bool] = mapped_column(default=False)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "letter_channel"))
    #: The facility's postal address, in the language the post needs (channel post).
    postal_address: Mapped[str] = mapped_column(Text, default="")
    #: The prisoner's full name for the envelope, with patronymic, in that language.
    addressee_name: Mapped[str] = mapped_column(String(200), default="")
    #: The prisoner's year of birth, which the post asks for.
    birth_year: Mapped[int | None]
    #: The languages letters may be written in: codes of LANGUAGES, comma-separated.
    languages: Mapped[str] = mapped_column(String(100))
    #: The longest letter, in characters.
    max_length: Mapped[int] = mapped_column(default=1500)
    #: The rules every writer reads (translatable: cases/translations.py, subject "letters").
    rules: Mapped[str] = mapped_column(Text, default="")
    #: Words and phrases a letter must not contain, one a line (the censor's list).
    words_to_avoid: Mapped[str] = mapped_column(Text, default="")
    #: The prisoner's birthday (its year is ignored: the occasion is yearly); NULL: none given.
    birthday: Mapped[dt.date | None]
    #: Whether approved letters are shown on the public wall.
    wall: Mapped[bool] = mapped_column(default=False)
    #: The last number given to a letter of this case (letters are numbered 1, 2, … per case).
    last_number: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Who saved the settings last, and when.
    updated_by: Mapped[str] = mapped_column(String(320), default="")
    updated_at: Mapped[dt.datetime]

    case: Mapped[Case] = relationship()

    @property
    def id(self) -> int:
        """The id translations name the settings by (cases/translations.py)."""
        return self.case_id

    @property
    def language(self) -> str:
        """The language the rules are written in: the case's."""
        return self.case.language

    @property
    def language_codes(self) -> list[str]:
        """The accepted languages as a list of codes."""
        return [code for code in self.languages.split(",") if code]

    @property
    def avoided_words(self) -> list[str]:
        """The words to avoid, one per entry."""
        return [line.strip() for line in self.words_to_avoid.splitlines() if line.strip()]


class Holiday(db.Model):  # type: ignore[name-defined,misc]
    """A named, dated holiday a case takes wishes for, every year on that day; its name is
    translated as content (cases/translations.py, subject "holiday") for writers of other
    languages."""

    __tablename__ = "letter_holidays"
    translation_subject: ClassVar[str] = "holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: Its name, as the organizers write it (in the case's language, as the rules are).
    name: Mapped[str] = mapped_column(String(120))
    #: Its day (the year is ignored: a holiday comes back every year).
    day: Mapped[dt.date]

    case: Mapped[Case] = relationship()

    @property
    def language(self) -> str:
        """The language its name is written in: the case's."""
        return self.case.language


class ReadyText(db.Model):  # type: ignore[name-defined,misc]
    """A text a writer may pick, in one of the accepted languages; translated into others
    (cases/translations.py, subject "ready") so the writer reads what it says."""

    __tablename__ = "letter_ready_texts"
    translation_subject: ClassVar[str] = "ready"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    #: The language it is written in (one the case accepts).
    language: Mapped[str] = mapped_column(String(10))
    #: The text itself.
    text: Mapped[str] = mapped_column(Text)
    #: Which occasion it suits; NULL: any.
    occasion: Mapped[Occasion | None] = mapped_column(enum_column(Occasion, "ready_occasion"))
    created_at: Mapped[dt.datetime]


class Letter(db.Model):  # type: ignore[name-defined,misc]
    """One letter or wish to a prisoner, from pending to approved (part 2: printed, delivered)."""

    __tablename__ = "letters"
    __table_args__ = (
        UniqueConstraint("case_id", "number", name="uq_letters_case_number"),
        CheckConstraint(
            "state IN ('pending', 'withdrawn') OR confirmed_at IS NOT NULL",
            name="confirmed_has_time",
        ),
        CheckConstraint(
            "state != 'withdrawn' OR (withdrawn_at IS NOT NULL AND email IS NULL)",
            name="withdrawn_is_erased",
        ),
        CheckConstraint(
            "state != 'rejected' OR (decided_at IS NOT NULL AND decision_reason != '')",
            name="rejected_has_reason",
        ),
        CheckConstraint(
            "state != 'quarantined' OR set_aside_reason IS NOT NULL", name="quarantine_has_reason"
        ),
        CheckConstraint(
            "state != 'held' OR (held_at IS NOT NULL AND held_reason IS NOT NULL)",
            name="held_has_reason",
        ),
        Index("ix_letters_case_state", "case_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    #: The letter's number in its case (1, 2, …), printed on its page in part 2.
    number: Mapped[int]
    state: Mapped[LetterState] = mapped_column(
        enum_column(LetterState, "letter_state"), default=LetterState.PENDING
    )
    occasion: Mapped[Occasion] = mapped_column(enum_column(Occasion, "letter_occasion"))
    #: The holiday it is for (occasion holiday).
    holiday_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter_holidays.id", ondelete="SET NULL")
    )
    #: The year of the birthday or holiday it is for (the next one when it was written).
    occasion_year: Mapped[int | None]
    #: The language it is written in (one the case accepts).
    language: Mapped[str] = mapped_column(String(10))
    #: What the writer wrote. Emptied on withdrawal.
    body: Mapped[str] = mapped_column(Text)
    #: The ready text it started from, if any.
    ready_text_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter_ready_texts.id", ondelete="SET NULL")
    )
    #: The name or pseudonym the writer signs with. Emptied on withdrawal.
    writer_name: Mapped[str] = mapped_column(String(120))
    #: The writer agreed to have that name shown on the public wall.
    show_name: Mapped[bool] = mapped_column(default=False)
    #: Optional city and country (ISO 3166 alpha-2, "" when not given).
    city: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    #: The address as typed, for the confirmation mail only: never printed or shown. NULL once
    #: erased.
    email: Mapped[str | None] = mapped_column(String(320))
    #: The address in one form per mailbox (mail limits, quarantine). NULL once erased.
    email_normalized: Mapped[str | None] = mapped_column(String(320))
    #: The language of the page the writer wrote on, so the mail speaks it.
    locale: Mapped[str] = mapped_column(String(10), default="en")
    #: The quarantine limit it was over when written (defence/reasons.py); NULL: none.
    set_aside_reason: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime]
    confirmed_at: Mapped[dt.datetime | None]
    #: When an organizer approved or rejected it, who, and why (a rejection needs a reason).
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(320))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizers.id", ondelete="SET NULL")
    )
    decision_reason: Mapped[str | None] = mapped_column(String(300))
    withdrawn_at: Mapped[dt.datetime | None]
    #: The batch it was printed in (states printed, delivered); NULL: not printed yet.
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("letter_batches.id", ondelete="SET NULL"), index=True
    )

    #: The writer asked to be told what happens to the letter if it is held (holding.py).
    tell_writer: Mapped[bool] = mapped_column(default=False, server_default="0")
    #: Why and when it was held: a HoldReason value; NULL: never held.
    held_reason: Mapped[str | None] = mapped_column(String(20))
    held_at: Mapped[dt.datetime | None]
    #: Who re-routed or released it after a hold, and when.
    resolved_by: Mapped[str | None] = mapped_column(String(320))
    resolved_at: Mapped[dt.datetime | None]

    case: Mapped[Case] = relationship()
    holiday: Mapped[Holiday | None] = relationship()

    @property
    def public_name(self) -> str | None:
        """The writer's name if they agreed to show it, else None."""
        return self.writer_name if self.show_name else None


class PaperSize(enum.Enum):
    A4 = "A4"
    A5 = "A5"


class LetterBatch(db.Model):  # type: ignore[name-defined,misc]
    """Approved letters of a case printed together as one PDF (letters/batches.py)."""

    __tablename__ = "letter_batches"
    __table_args__ = (CheckConstraint("letter_count > 0", name="letter_count_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: SHA-256 over the case and the printed letters (numbers, languages, texts), hex.
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[PaperSize] = mapped_column(enum_column(PaperSize, "paper_size"))
    letter_count: Mapped[int]
    #: The channel the letters were printed for (the address sheet and labels say it).
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "letter_channel"))
    created_at: Mapped[dt.datetime]
    #: Who printed it (an organizer's address, or "command line"); never printed or shown.
    created_by: Mapped[str] = mapped_column(String(320))

    case: Mapped[Case] = relationship()


class Outcome(enum.Enum):
    """What became of a batch handed over for delivery."""

    SENT = "sent"
    DELIVERED = "delivered"
    REFUSED = "refused"
    RETURNED = "returned"
    REPLY_RECEIVED = "reply-received"


class LetterDelivery(db.Model):  # type: ignore[name-defined,misc]
    """An outcome recorded for a batch by an organizer; "delivered" goes on the case timeline."""

    __tablename__ = "letter_deliveries"
    __table_args__ = (
        # A batch is delivered once: a second "delivered" would count its letters twice on the
        # case's timeline. The service checks first (AlreadyDelivered); this holds off a race.
        Index(
            "uq_letter_deliveries_delivered_once",
            "batch_id",
            unique=True,
            sqlite_where=sql_text("outcome = 'delivered'"),
            postgresql_where=sql_text("outcome = 'delivered'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("letter_batches.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "letter_channel"))
    outcome: Mapped[Outcome] = mapped_column(enum_column(Outcome, "delivery_outcome"))
    happened_on: Mapped[dt.date]
    #: The timeline entry it made (outcome delivered); NULL: none.
    timeline_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("timeline_entries.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(320))

    batch: Mapped[LetterBatch] = relationship()


class Consent(enum.Enum):
    """Who agreed that a reply may be published; NONE: nobody yet (it stays unpublished)."""

    NONE = "none"
    PRISONER = "prisoner"
    FAMILY = "family"


class LetterReply(db.Model):  # type: ignore[name-defined,misc]
    """A reply from the prisoner, shown on the case page only with a recorded consent."""

    __tablename__ = "letter_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    received_on: Mapped[dt.date]
    consent: Mapped[Consent] = mapped_column(
        enum_column(Consent, "reply_consent"), default=Consent.NONE
    )
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(320))

    @property
    def published(self) -> bool:
        return self.consent is not Consent.NONE
