"""Where a letter is born, confirmed and withdrawn, and how a case takes letters.

As for signatures (signing/services.py), each function that writes commits one transaction of
its own at its end, with its outbox row inside it. A letter past a quarantine limit
(petitions/defence/) is taken, mailed and thanked as any other, and waits in the organizers'
queue flagged with the reason: a flooder learns nothing, a real writer loses nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import case as sql_case
from sqlalchemy import delete, func, select, update

from petitions import public_pages
from petitions.cases.models import Case
from petitions.clock import utcnow
from petitions.defence import addresses
from petitions.defence import services as defence
from petitions.extensions import db
from petitions.letters import checks
from petitions.letters.models import (
    APPROVED_STATES,
    Holiday,
    Letter,
    LetterSettings,
    LetterState,
    Occasion,
)
from petitions.letters.settings import holidays_of, ready_texts_of, takes_letters
from petitions.mail import messages
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.privacy import storage
from petitions.signing.busy import retryable

log = logging.getLogger(__name__)

#: The kind of the writer's confirmation mail (templates/mail/confirmation_for_writer.*).
CONFIRMATION_KIND = "confirmation_for_writer"


class LettersClosed(Exception):
    """The case takes no letters now."""


class LetterRefused(ValueError):
    """The letter fails the checks; ``problems`` says why, each as a sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = problems


# --- occasions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OccasionChoice:
    """An occasion a writer may pick, as the write page shows it."""

    #: The form's value: "birthday", "any-day" or "holiday-<id>".
    key: str
    occasion: Occasion
    holiday: Holiday | None
    #: The next day of it (today if it is today); None for any day.
    day: dt.date | None
    #: Approved wishes for that day so far.
    wishes: int

    @property
    def year(self) -> int | None:
        return self.day.year if self.day is not None else None


def next_day(day: dt.date, today: dt.date) -> dt.date:
    """Return the next time a yearly day comes (today if it is today); 29 February: the 28th."""
    for year in (today.year, today.year + 1):
        try:
            candidate = day.replace(year=year)
        except ValueError:
            candidate = dt.date(year, 2, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("a yearly day comes within a year")


def occasions_of(
    settings: LetterSettings, today: dt.date, counted: bool = True
) -> list[OccasionChoice]:
    """The occasions a case takes letters for: its birthday, its holidays, and any day.

    :param counted: count each one's wishes so far (a query); without it they say 0, for a
        form that only offers and checks the occasions.
    """
    dated: list[tuple[str, Occasion, Holiday | None, dt.date]] = []
    if settings.birthday is not None:
        dated.append(("birthday", Occasion.BIRTHDAY, None, next_day(settings.birthday, today)))
    for holiday in holidays_of(settings.case_id):
        dated.append(
            (f"holiday-{holiday.id}", Occasion.HOLIDAY, holiday, next_day(holiday.day, today))
        )
    counts = _wishes_per_occasion(settings.case_id) if counted else {}
    choices = [
        OccasionChoice(
            key,
            occasion,
            holiday,
            day,
            counts.get((occasion, holiday.id if holiday else None, day.year), 0),
        )
        for key, occasion, holiday, day in dated
    ]
    choices.append(OccasionChoice("any-day", Occasion.ANY_DAY, None, None, 0))
    return choices


def _wishes_per_occasion(case_id: int) -> dict[tuple[Occasion, int | None, int | None], int]:
    rows = db.session.execute(
        select(Letter.occasion, Letter.holiday_id, Letter.occasion_year, func.count())
        .where(Letter.case_id == case_id, Letter.state.in_(APPROVED_STATES))
        .group_by(Letter.occasion, Letter.holiday_id, Letter.occasion_year)
    ).all()
    return {(occasion, holiday, year): count for occasion, holiday, year, count in rows}


# --- writing, confirming, withdrawing ------------------------------------------------------


@dataclass(frozen=True)
class WriterDetails:
    """What a writer gave (each field the Letter column of that name, but the occasion's key)."""

    occasion_key: str
    language: str
    body: str
    ready_text_id: int | None
    writer_name: str
    show_name: bool
    city: str
    country: str
    email: str
    locale: str
    #: The writer asked to be told if the letter is held and then re-routed or released.
    tell_writer: bool = False


def open_settings(slug: str) -> LetterSettings | None:
    """Return the settings of the case by that slug if it takes letters now, else None."""
    settings = db.session.execute(
        select(LetterSettings)
        .join(Case, Case.id == LetterSettings.case_id)
        .where(Case.slug == slug)
    ).scalar_one_or_none()
    return settings if settings is not None and takes_letters(settings.case, settings) else None


@retryable
def write(slug: str, details: WriterDetails, today: dt.date) -> Letter:
    """Take a letter: a pending letter with the next number of its case, and its confirmation
    mail in the outbox, in one transaction.

    :raises LettersClosed: if the case takes no letters now.
    :raises LetterRefused: if the letter fails the checks (the form checks them first) or names
        an occasion the case does not take.
    :raises DatabaseBusy: if the database could not take the write; nothing was recorded.
    """
    settings = open_settings(slug)
    if settings is None:
        raise LettersClosed()
    found = checks.problems(
        details.body,
        details.language,
        settings.language_codes,
        settings.max_length,
        settings.avoided_words,
    )
    choice = next(
        (
            each
            for each in occasions_of(settings, today, counted=False)
            if each.key == details.occasion_key
        ),
        None,
    )
    if choice is None:
        found.append("The occasion is not one this case takes letters for.")
    if found:
        raise LetterRefused(found)
    assert choice is not None
    normalized = addresses.canonical(details.email)
    reason = defence.assess(f"letters/{slug}", normalized, details.country or "--")
    now = utcnow()
    # The case's counter gives the number: the UPDATE holds the row until the commit, so two
    # letters written at once never get the same one (the unique constraint stays the arbiter).
    number = db.session.execute(
        update(LetterSettings)
        .where(LetterSettings.case_id == settings.case_id)
        .values(last_number=LetterSettings.last_number + 1)
        .returning(LetterSettings.last_number)
    ).scalar_one()
    ready_ids = {each.id for each in ready_texts_of(settings.case_id)}
    letter = Letter(
        case_id=settings.case_id,
        number=number,
        state=LetterState.PENDING,
        occasion=choice.occasion,
        holiday_id=choice.holiday.id if choice.holiday else None,
        occasion_year=choice.year,
        language=details.language,
        body=details.body.strip(),
        ready_text_id=details.ready_text_id if details.ready_text_id in ready_ids else None,
        writer_name=details.writer_name,
        show_name=details.show_name,
        tell_writer=details.tell_writer,
        city=details.city,
        country=details.country,
        email=details.email,
        email_normalized=normalized,
        locale=details.locale,
        set_aside_reason=reason.value if reason is not None else None,
        created_at=now,
    )
    db.session.add(letter)
    db.session.flush()
    messages.queue(CONFIRMATION_KIND, None, letter_id=letter.id)
    # A pending letter is on no public page (the wall and the counts show approved ones).
    public_pages.unseen(db.session())
    db.session.commit()
    log.info("case %s: letter %s written", slug, letter.id)
    return letter


def find(letter_id: int) -> Letter | None:
    """Return a letter by id, or None."""
    return db.session.get(Letter, letter_id)


@retryable
def confirm(letter_id: int) -> bool:
    """Confirm a pending letter (quarantined if it was over a limit); True if this call did.

    A conditional UPDATE, so two presses of the link confirm it once.
    """
    now = utcnow()
    changed = 0
    for state, has_reason in (
        (LetterState.QUARANTINED, Letter.set_aside_reason.is_not(None)),
        (LetterState.CONFIRMED, Letter.set_aside_reason.is_(None)),
    ):
        changed += db.session.execute(
            update(Letter)
            .where(Letter.id == letter_id, Letter.state == LetterState.PENDING, has_reason)
            .values(state=state, confirmed_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
    public_pages.unseen(db.session())  # confirmed or quarantined, it waits for an organizer
    db.session.commit()
    if changed:
        log.info("letter %s confirmed", letter_id)
    return bool(changed)


#: What withdrawal erases: all the writer wrote and gave. The number, case, occasion, language
#: and times stay: they name nobody and keep the case's numbering and history honest.
ERASED_ON_WITHDRAWAL: dict[str, object] = {
    "body": "",
    "writer_name": "",
    "show_name": False,
    "tell_writer": False,
    "city": "",
    "country": "",
    "email": None,
    "email_normalized": None,
    "ready_text_id": None,
}


@retryable
def withdraw(letter_id: int) -> bool:
    """Withdraw a letter in any state: erase what its writer gave and its unsent mail.

    :returns: whether this call withdrew it (False: no such letter, or withdrawn already).
    """
    changed = db.session.execute(
        update(Letter)
        .where(Letter.id == letter_id, Letter.state != LetterState.WITHDRAWN)
        .values(state=LetterState.WITHDRAWN, withdrawn_at=utcnow(), **ERASED_ON_WITHDRAWAL)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.letter_id == letter_id, OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    db.session.commit()
    if changed:
        storage.checkpoint_after_erasure()
        log.info("letter %s withdrawn", letter_id)
    return bool(changed)


# --- what the public sees ------------------------------------------------------------------


def approved_count(case_id: int) -> int:
    """Return how many letters to a case were approved (the case page's count of wishes).

    Approved, not confirmed: a letter counts once an organizer has read it, so the number
    never includes one that will be rejected (and a rejected one never moves it).
    """
    return int(
        db.session.execute(
            select(func.count())
            .select_from(Letter)
            .where(Letter.case_id == case_id, Letter.state.in_(APPROVED_STATES))
        ).scalar_one()
    )


class WallWish(NamedTuple):
    """An approved letter as the wall shows it: what it says, and who wrote it if they agreed."""

    language: str
    body: str
    #: The writer's name if they agreed to show it, else None (the query reads no other).
    public_name: str | None
    country: str


def wall_of(case_id: int, limit: int = 200) -> list[WallWish]:
    """Return the approved letters of a case, newest first, for its public wall (rows of the
    columns it shows, not Letter objects: a wall of 120 was ~20 % of its page's time)."""
    shown_name = sql_case((Letter.show_name, Letter.writer_name), else_=None)
    rows = db.session.execute(
        select(Letter.language, Letter.body, shown_name, Letter.country)
        .where(Letter.case_id == case_id, Letter.state.in_(APPROVED_STATES))
        .order_by(Letter.decided_at.desc(), Letter.id.desc())
        .limit(limit)
    )
    return [WallWish(*row) for row in rows]
