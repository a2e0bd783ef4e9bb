"""What a case's status says to a reader: detained for how many days, released when and after
how long, in exile, deceased, or not known.

The counts are of calendar days from the day of arrest, on the day the page is rendered in UTC
(the server does not know the reader's time zone); static/js/days-count.js recounts them in
the reader's, picking among sentences the page rendered for one day less and one day more.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from petitions.cases.models import Case, CaseStatus, DetentionPeriod
from petitions.clock import utcnow


@dataclass(frozen=True)
class Standing:
    """A case's status as the top of its page tells it."""

    status: CaseStatus
    #: Detained: the open period; released: the last one that ended; else the last one.
    period: DetentionPeriod | None
    #: Days in prison: of the open period until today, or of the period that ended.
    days: int | None
    #: The day the status began: released (the end of the last period), died, or in exile.
    since: dt.date | None


def today() -> dt.date:
    """The day in UTC, which the page's counts are rendered for."""
    return utcnow().date()


def days_of(period: DetentionPeriod, on: dt.date) -> int:
    """Days a period lasted, or has lasted by ``on`` if still open."""
    return max(0, ((period.ended_on or on) - period.started_on).days)


def days_in_all(case: Case, on: dt.date) -> int:
    """Days of every period of detention together, the open one counted until ``on``."""
    return sum(days_of(period, on) for period in case.detentions)


def standing_of(case: Case, on: dt.date | None = None) -> Standing:
    """Say where the case stands on ``on`` (today in UTC by default)."""
    on = on or today()
    if case.status is CaseStatus.DETAINED:
        period = case.open_detention
        return Standing(case.status, period, days_of(period, on) if period else None, None)
    ended = [each for each in case.detentions if each.ended_on is not None]
    last = ended[-1] if ended else None
    if case.status is CaseStatus.RELEASED:
        return Standing(
            case.status,
            last,
            days_of(last, on) if last else None,
            last.ended_on if last else case.status_since,
        )
    return Standing(case.status, case.last_detention, None, case.status_since)
