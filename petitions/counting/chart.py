"""Geometry of the confirmations-per-day bar chart, drawn as SVG by templates/manage/chart.svg.

Written by hand because it is a handful of rectangles: a charting library would bring more
code than the chart itself, and its output would need its scripts stripped for our CSP.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: Days shown at most; older days are left out of the picture (the table has them all).
MAX_DAYS = 180


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: dt.date
    count: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_bottom: int
    bars: list[Bar]
    peak: int
    first_day: dt.date | None
    last_day: dt.date | None


def daily_chart(per_day: list[tuple[dt.date, int]], width: int = 720, height: int = 260) -> Chart:
    """Lay out one bar per calendar day (days without signatures count as zero)."""
    plot_left, plot_top, plot_bottom = 48, 16, height - 32
    if not per_day:
        return Chart(width, height, plot_left, plot_bottom, [], 0, None, None)
    counts = dict(per_day)
    last = max(counts)
    first = max(min(counts), last - dt.timedelta(days=MAX_DAYS - 1))
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    peak = max(counts.get(day, 0) for day in days) or 1
    slot = (width - plot_left - 8) / len(days)
    bars = []
    for index, day in enumerate(days):
        count = counts.get(day, 0)
        bar_height = (plot_bottom - plot_top) * count / peak
        bars.append(
            Bar(
                x=round(plot_left + index * slot + slot * 0.1, 2),
                y=round(plot_bottom - bar_height, 2),
                width=round(max(slot * 0.8, 1.0), 2),
                height=round(bar_height, 2),
                day=day,
                count=count,
            )
        )
    return Chart(width, height, plot_left, plot_bottom, bars, peak, first, last)
