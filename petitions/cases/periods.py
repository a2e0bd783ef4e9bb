"""A case's periods of detention: added, changed and removed by its organizers, each checked
against the others (end not before start, no overlap, one open at most, none in the future).

The case's ``arrested_on`` is the start of its earliest period, kept in step here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from petitions.cases import signals, translations
from petitions.cases.models import Case, DetentionPeriod
from petitions.clock import utcnow
from petitions.extensions import db

#: Days past today (UTC) a date may be: at UTC+14 it is tomorrow already, and an organizer
#: there records a release on their today.
_AHEAD = dt.timedelta(days=1)


class PeriodRefused(ValueError):
    """A period that does not fit the case's others; ``field`` names the form field to mark."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _latest_day() -> dt.date:
    return utcnow().date() + _AHEAD


def check(
    case: Case, started_on: dt.date, ended_on: dt.date | None, ignore: DetentionPeriod | None
) -> None:
    """Refuse a period that cannot be, given the case's other periods.

    :raises PeriodRefused: naming the field at fault and saying what to do.
    """
    if started_on > _latest_day():
        raise PeriodRefused("started_on", _("The day of arrest cannot be in the future."))
    if ended_on is not None:
        if ended_on > _latest_day():
            raise PeriodRefused("ended_on", _("The day of release cannot be in the future."))
        if ended_on < started_on:
            raise PeriodRefused(
                "ended_on", _("The day of release cannot be before the day of arrest.")
            )
    others = [each for each in case.detentions if each is not ignore]
    if ended_on is None:
        still_open = next((each for each in others if each.ended_on is None), None)
        if still_open is not None:
            raise PeriodRefused(
                "ended_on",
                _(
                    "Another period, from %(day)s, has no day of release yet. Give that one "
                    "its end first: a prisoner is held in one period at a time.",
                    day=format_date(still_open.started_on, "long"),
                ),
            )
    end = ended_on or dt.date.max
    for each in others:
        if started_on <= (each.ended_on or dt.date.max) and each.started_on <= end:
            raise PeriodRefused(
                "started_on",
                _(
                    "This period overlaps the one from %(day)s. Please correct the days so "
                    "that the periods follow each other.",
                    day=format_date(each.started_on, "long"),
                ),
            )


def _keep_arrest_in_step(case: Case) -> None:
    if case.detentions:
        case.arrested_on = min(each.started_on for each in case.detentions)


def _values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "started_on": values["started_on"],
        "ended_on": values.get("ended_on") or None,
        "place": (values.get("place") or "").strip(),
        "note": (values.get("note") or "").strip(),
    }


def add(case: Case, values: Mapping[str, Any]) -> DetentionPeriod:
    """Add a period of detention to a case.

    :raises PeriodRefused: if it does not fit (nothing is written).
    """
    given = _values(values)
    check(case, given["started_on"], given["ended_on"], None)
    period = DetentionPeriod(**given)
    case.detentions.append(period)
    case.detentions.sort(key=lambda each: each.started_on)
    _keep_arrest_in_step(case)
    if period.ended_on is None:  # a new open period: the prisoner was transferred
        signals.announce_whereabouts_changed(case, "place")
    db.session.commit()
    return period


def update(case: Case, period: DetentionPeriod, values: Mapping[str, Any]) -> None:
    """Change a period of detention of a case.

    :raises PeriodRefused: if it would not fit (nothing is written).
    """
    given = _values(values)
    check(case, given["started_on"], given["ended_on"], period)
    if period.ended_on is None and given["ended_on"] is None and given["place"] != period.place:
        signals.announce_whereabouts_changed(case, "place")
    for name, value in given.items():
        setattr(period, name, value)
    case.detentions.sort(key=lambda each: each.started_on)
    _keep_arrest_in_step(case)
    db.session.commit()


def period_of(case: Case, period_id: int) -> DetentionPeriod | None:
    """Return a period of this case, or None."""
    return next((each for each in case.detentions if each.id == period_id), None)


def remove(case: Case, period: DetentionPeriod) -> None:
    """Remove a period of detention (arrested_on keeps its day if it was the only one)."""
    case.detentions.remove(period)
    translations.forget(*translations.subject_of(period))
    _keep_arrest_in_step(case)
    db.session.commit()
