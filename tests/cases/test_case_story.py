"""The case as a person (issue #14): where the prisoner stands now, in the reader's language and
time zone; the periods they were held; pictures at sizes for phones; the timeline by year."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from bs4 import Tag
from flask import Flask
from flask.testing import FlaskClient
from PIL import ExifTags, Image
from playwright.sync_api import Browser

from petitions.cases import pictures, portraits, translations
from petitions.cases.models import (
    Case,
    CaseStatus,
    DetentionPeriod,
    EntryKind,
    Portrait,
    TimelineEntry,
    TimelinePhoto,
)
from petitions.clock import utcnow
from petitions.extensions import db
from tests.factories import detained_case
from tests.helpers import one, parse, words
from tests.journeys.conftest import Console, open_tab
from tests.manage.test_portraits import photo


def _today() -> dt.date:
    return utcnow().date()


def held_for(days: int, **overrides: object) -> Case:
    """A detained case whose open period began ``days`` ago (in UTC)."""
    start = _today() - dt.timedelta(days=days)
    return detained_case(
        arrested_on=start,
        detentions=[DetentionPeriod(started_on=start, place="Penal colony No. 9, Gorki")],
        **overrides,
    )


def status_of(client: FlaskClient, case: Case, language: str = "en") -> Tag:
    page = parse(client.get(f"/cases/{case.slug}?lang={language}"))
    return one(page, '[data-testid="status"]')


def sentence(client: FlaskClient, case: Case, language: str = "en") -> str:
    return words(one(status_of(client, case, language), ".status-sentence"))


# --- the status, in words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [(1, "In prison for 1 day"), (2, "In prison for 2 days"), (1234, "In prison for 1,234 days")],
)
def test_a_detained_prisoner_is_counted_in_days_since_the_arrest(
    client: FlaskClient, days: int, expected: str
) -> None:
    case = held_for(days)
    status = status_of(client, case)

    assert words(one(status, ".status-sentence")) == expected
    count = one(status, "[data-days-since]")
    assert count["data-days-since"] == case.detentions[0].started_on.isoformat()
    assert count["data-days"] == str(days)
    arrested = one(status, "time")
    assert arrested["datetime"] == case.detentions[0].started_on.isoformat()


def test_the_page_carries_the_sentences_for_a_day_less_and_a_day_more(client: FlaskClient) -> None:
    import json

    count = one(status_of(client, held_for(2)), "[data-days-since]")

    assert json.loads(str(count["data-days-sentences"])) == {
        "-1": "In prison for 1 day",
        "0": "In prison for 2 days",
        "1": "In prison for 3 days",
    }


def _forms(client: FlaskClient, language: str, counts: list[int]) -> dict[int, str]:
    """The status sentence for each count, with its number replaced by N."""
    found = {}
    for days in counts:
        said = sentence(client, held_for(days), language)
        assert re.search(rf"(?<!\d){days}(?!\d)", said), (days, said)
        found[days] = re.sub(r"\d+", "N", said)
    return found


@pytest.mark.parametrize("language", ["be", "ru"])
def test_days_take_the_plural_forms_of_belarusian_and_russian(
    client: FlaskClient, app: Flask, language: str
) -> None:
    with app.test_request_context(f"/?lang={language}"):
        from flask_babel import force_locale, ngettext

        with force_locale(language):
            translated = ngettext("In prison for %(num)s day", "In prison for %(num)s days", 5)
    if translated.startswith("In prison"):
        pytest.skip(f"the {language} catalog has no translation of the status sentence yet")
    forms = _forms(client, language, [1, 2, 3, 5, 11, 21, 22])

    # one: 1, 21; few: 2, 3, 22; many: 5, 11 (CLDR's rules for both languages).
    assert forms[1] == forms[21]
    assert forms[2] == forms[3] == forms[22]
    assert forms[5] == forms[11]
    assert len({forms[1], forms[2], forms[5]}) == 3


def test_a_released_prisoner_is_told_with_the_day_and_the_days_in_prison(
    client: FlaskClient,
) -> None:
    case = detained_case(
        status=CaseStatus.RELEASED,
        arrested_on=dt.date(2021, 7, 14),
        detentions=[
            DetentionPeriod(started_on=dt.date(2011, 8, 4), ended_on=dt.date(2014, 6, 21)),
            DetentionPeriod(started_on=dt.date(2021, 7, 14), ended_on=dt.date(2025, 12, 13)),
        ],
    )
    status = status_of(client, case)

    assert words(status) == "Released on December 13, 2025 after 1,613 days in prison"
    assert one(status, "time")["datetime"] == "2025-12-13"
    assert status.select_one("[data-days-since]") is None, "no recount for a past period"
    history = parse(client.get(f"/cases/{case.slug}")).select('[data-testid="detentions"] li')
    assert [" ".join(each.get_text().split()) for each in history] == [
        "From July 14, 2021 to December 13, 2025: 1,613 days",
        "From August 4, 2011 to June 21, 2014: 1,052 days",
    ]
    in_all = one(parse(client.get(f"/cases/{case.slug}")), '[data-testid="days-in-all"]')
    assert words(in_all) == "2,665 days in prison in all"


@pytest.mark.parametrize(
    ("status", "since", "expected"),
    [
        (CaseStatus.IN_EXILE, dt.date(2024, 1, 5), "In exile since January 5, 2024"),
        (CaseStatus.IN_EXILE, None, "In exile"),
        (CaseStatus.DECEASED, dt.date(2024, 2, 16), "Died on February 16, 2024"),
        (CaseStatus.DECEASED, None, "Deceased"),
        (CaseStatus.UNKNOWN, None, "Current status unknown"),
    ],
)
def test_other_statuses_are_told_with_their_day(
    client: FlaskClient, status: CaseStatus, since: dt.date | None, expected: str
) -> None:
    case = detained_case(status=status, status_since=since)

    assert sentence(client, case) == expected


def test_the_status_is_in_the_readers_language(client: FlaskClient) -> None:
    case = detained_case(status=CaseStatus.DECEASED, status_since=dt.date(2024, 2, 16))

    said = sentence(client, case, "be")

    assert "2024" in said
    assert "February" not in said, said


# --- the count in the reader's time zone --------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
def test_the_days_are_recounted_in_the_readers_time_zone(
    live_server: str, browser: Browser, zone: str
) -> None:
    case = held_for(1000)
    start = case.detentions[0].started_on
    tabs = open_tab(browser, Console(), locale="en-GB", timezone_id=zone)
    tab = next(tabs)
    tab.goto(f"{live_server}/cases/{case.slug}?lang=en")
    tab.wait_for_load_state("load")
    local_days = (dt.datetime.now(ZoneInfo(zone)).date() - start).days

    shown = tab.locator("[data-days-since]").inner_text()
    next(tabs, None)

    assert shown == f"In prison for {local_days:,} days"
    assert local_days - 1000 in ((1, -1, 0) if zone != "UTC" else (0,))


# --- pictures -------------------------------------------------------------------------------


def test_a_portrait_comes_in_sizes_for_phones_without_its_gps_position(
    client: FlaskClient,
) -> None:
    case = detained_case()
    prepared = portraits.prepare(photo("JPEG", size=(1600, 2000)))
    case.portrait = Portrait()
    pictures.fill(case.portrait, prepared)
    db.session.commit()

    image = one(parse(client.get(f"/cases/{case.slug}")), "main .case-head img.portrait")
    sources = [each.strip().split(" ") for each in str(image["srcset"]).split(",")]

    assert [width for _, width in sources] == ["320w", "640w", "960w"]
    assert (image["width"], image["height"]) == ("960", "1200")
    assert image["sizes"]
    for url, width in sources:
        answer = client.get(url)
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        served = Image.open(io.BytesIO(answer.get_data()))
        assert served.width == int(width.removesuffix("w"))
        exif = served.getexif()
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo), "no GPS position"
        assert ExifTags.Base.Make not in exif
    assert client.get(f"/cases/{case.slug}/images/{prepared.digest}/500").status_code == 404
    assert client.get(f"/cases/other/images/{prepared.digest}/320").status_code == 404


def test_the_portraits_alt_text_is_in_the_readers_language(client: FlaskClient) -> None:
    case = detained_case(portrait_alt="Ales smiling in front of the Viasna office")
    prepared = portraits.prepare(photo("PNG", size=(400, 500)))
    case.portrait = Portrait()
    pictures.fill(case.portrait, prepared)
    translations.save(case, "be", {"portrait_alt": "Алесь усміхаецца каля офіса «Вясны»"}, "t")
    db.session.commit()

    be = one(parse(client.get(f"/cases/{case.slug}?lang=be")), "main img.portrait")
    ru = one(parse(client.get(f"/cases/{case.slug}?lang=ru")), "main img.portrait")

    assert be["alt"] == "Алесь усміхаецца каля офіса «Вясны»"
    assert not be.has_attr("lang"), "in the page's own language"
    assert (ru["alt"], ru["lang"]) == ("Ales smiling in front of the Viasna office", "en")


# --- the timeline ---------------------------------------------------------------------------


def test_the_timeline_is_grouped_by_year_newest_first_with_kinds(client: FlaskClient) -> None:
    case = detained_case()
    case.timeline = [
        TimelineEntry(happened_on=dt.date(2012, 10, 1), kind=EntryKind.HONORARY_CITIZENSHIP,
                      title="Honorary Citizen of Paris"),
        TimelineEntry(happened_on=dt.date(2013, 9, 30), kind=EntryKind.AWARD,
                      title="Václav Havel Prize"),
        TimelineEntry(happened_on=dt.date(2013, 12, 2), kind=EntryKind.COURT_DECISION,
                      title="Early release refused"),
    ]  # fmt: skip
    entry = case.timeline[1]
    entry.photo = TimelinePhoto()
    pictures.fill(entry.photo, portraits.prepare(photo("JPEG", size=(800, 600))))
    db.session.commit()

    page = parse(client.get(f"/cases/{case.slug}"))
    years = page.select("main .timeline-year")

    assert [words(one(year, "h3")) for year in years] == ["2013", "2012"]
    listed = [
        [(words(one(li, ".kind")), words(one(li, "h4"))) for li in year.select("li")]
        for year in years
    ]
    assert listed == [
        [("Court decision", "Early release refused"), ("Award", "Václav Havel Prize")],
        [("Honorary citizenship", "Honorary Citizen of Paris")],
    ]
    shown = one(years[0], "li[data-kind=award] img.entry-photo")
    assert shown["alt"] == "Václav Havel Prize"
    assert [each.split(" ")[1] for each in str(shown["srcset"]).split(", ")] == [
        "320w",
        "640w",
        "800w",
    ]
