"""How a case takes letters: its settings, ready texts and holidays, set by its organizers."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, select

from petitions.cases import translations
from petitions.cases.models import Case, CaseStatus
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.letters.models import Channel, Holiday, LetterSettings, Occasion, ReadyText

log = logging.getLogger(__name__)

#: Countries whose prisons read letters only in Belarusian or Russian (the default languages).
_CYRILLIC_CENSORS = {"BY": ["be", "ru"], "RU": ["ru", "be"]}


#: The statuses of a case no letter can reach, whatever its organizers' settings say.
NO_LETTERS = frozenset({CaseStatus.DECEASED})


def settings_of(case: Case) -> LetterSettings | None:
    """Return how the case takes letters, or None if its organizers never said."""
    return db.session.get(LetterSettings, case.id)


def takes_letters(case: Case, settings: LetterSettings) -> bool:
    """Say whether supporters may write to the case now: its organizers opened letters, and
    the prisoner can receive them."""
    return settings.is_open and case.status not in NO_LETTERS


def default_languages(case: Case) -> list[str]:
    """The languages letters to this case are written in unless its organizers say otherwise."""
    return _CYRILLIC_CENSORS.get(case.detention_country, [case.language])


def new_settings(case: Case) -> LetterSettings:
    """Return unsaved settings with the defaults, for the organizer's first form."""
    return LetterSettings(
        case=case,
        case_id=case.id,
        is_open=False,
        channel=Channel.POST,
        languages=",".join(default_languages(case)),
        max_length=1500,
        postal_address="",
        addressee_name="",
        rules="",
        words_to_avoid="",
        wall=False,
        last_number=0,
    )


SETTINGS_FIELDS = (
    "is_open",
    "channel",
    "postal_address",
    "addressee_name",
    "birth_year",
    "languages",
    "max_length",
    "rules",
    "words_to_avoid",
    "birthday",
    "wall",
)


def save_settings(case: Case, values: dict[str, object], by: str) -> LetterSettings:
    """Save how a case takes letters (every field of SETTINGS_FIELDS) and commit."""
    settings = settings_of(case)
    if settings is None:
        settings = new_settings(case)
        db.session.add(settings)
    for name in SETTINGS_FIELDS:
        setattr(settings, name, values[name])
    settings.updated_by = by[:320]
    settings.updated_at = utcnow()
    db.session.commit()
    log.info("case %s: letter settings saved", case.slug)
    return settings


def add_ready_text(case: Case, language: str, text: str, occasion: Occasion | None) -> ReadyText:
    """Add a ready text to a case and commit."""
    ready = ReadyText(
        case_id=case.id, language=language, text=text, occasion=occasion, created_at=utcnow()
    )
    db.session.add(ready)
    db.session.commit()
    return ready


def ready_texts_of(case_id: int) -> list[ReadyText]:
    """The case's ready texts, oldest first."""
    return list(
        db.session.execute(
            select(ReadyText).where(ReadyText.case_id == case_id).order_by(ReadyText.id)
        ).scalars()
    )


def remove_ready_text(case: Case, text_id: int) -> bool:
    """Remove one of the case's ready texts; False if it has none by that id."""
    removed = db.session.execute(
        delete(ReadyText).where(ReadyText.id == text_id, ReadyText.case_id == case.id)
    )
    if removed.rowcount:  # type: ignore[attr-defined]
        translations.forget(ReadyText.translation_subject, text_id)
    db.session.commit()
    return bool(removed.rowcount)  # type: ignore[attr-defined]


def add_holiday(case: Case, name: str, day: dt.date) -> Holiday:
    """Add a yearly holiday the case takes wishes for, and commit."""
    holiday = Holiday(case_id=case.id, name=name, day=day)
    db.session.add(holiday)
    db.session.commit()
    return holiday


def holidays_of(case_id: int) -> list[Holiday]:
    """The case's holidays, in calendar order."""
    found = db.session.execute(select(Holiday).where(Holiday.case_id == case_id)).scalars()
    return sorted(found, key=lambda each: (each.day.month, each.day.day, each.id))


def remove_holiday(case: Case, holiday_id: int) -> bool:
    """Remove one of the case's holidays; False if it has none by that id."""
    removed = db.session.execute(
        delete(Holiday).where(Holiday.id == holiday_id, Holiday.case_id == case.id)
    )
    if removed.rowcount:  # type: ignore[attr-defined]
        translations.forget(Holiday.translation_subject, holiday_id)
    db.session.commit()
    return bool(removed.rowcount)  # type: ignore[attr-defined]
