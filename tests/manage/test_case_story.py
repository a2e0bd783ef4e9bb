"""Organizers tell a case's story: periods of detention checked against each other, timeline
entries with their kind and photo."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from petitions.accounts.models import Organizer
from petitions.accounts.services import grant
from petitions.cases.models import (
    Case,
    CaseStatus,
    DetentionPeriod,
    EntryKind,
    ImageVariant,
    TimelineEntry,
)
from petitions.clock import utcnow
from petitions.extensions import db
from tests.conftest import OrganizerBrowser
from tests.factories import detained_case
from tests.helpers import one, parse, words
from tests.manage.test_portraits import photo


@pytest.fixture
def case(hanna: OrganizerBrowser) -> Case:
    """Hanna's case: held since 14 July 2021, after a first period in 2011–2014."""
    found = detained_case(
        slug="ales",
        arrested_on=dt.date(2011, 8, 4),
        detentions=[
            DetentionPeriod(started_on=dt.date(2011, 8, 4), ended_on=dt.date(2014, 6, 21)),
            DetentionPeriod(started_on=dt.date(2021, 7, 14)),
        ],
    )
    hannas = db.session.execute(
        select(Organizer).where(Organizer.email == "hanna@example.org")
    ).scalar_one()
    grant(hannas, found.id)
    db.session.commit()
    return found


def periods() -> list[tuple[dt.date, dt.date | None]]:
    db.session.expire_all()
    return [
        (each.started_on, each.ended_on)
        for each in db.session.execute(
            select(DetentionPeriod).order_by(DetentionPeriod.started_on)
        ).scalars()
    ]


TOMORROW_BUT_ONE = (utcnow().date() + dt.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (
            {"started_on": "2015-03-01", "ended_on": "2015-02-01"},
            "ended_on",
            "The day of release cannot be before the day of arrest.",
        ),
        (
            {"started_on": "2013-01-01", "ended_on": "2015-01-01"},
            "started_on",
            "This period overlaps the one from August 4, 2011. Please correct the days so "
            "that the periods follow each other.",
        ),
        (
            {"started_on": "2016-01-01", "ended_on": ""},
            "ended_on",
            "Another period, from July 14, 2021, has no day of release yet. Give that one its "
            "end first: a prisoner is held in one period at a time.",
        ),
        (
            {"started_on": TOMORROW_BUT_ONE, "ended_on": ""},
            "started_on",
            "The day of arrest cannot be in the future.",
        ),
        ({"started_on": "4 August", "ended_on": ""}, "started_on", None),
    ],
    ids=["end-before-start", "overlap", "second-open", "future", "not-a-date"],
)
def test_a_period_that_does_not_fit_is_refused_saying_why_and_nothing_is_written(
    hanna: OrganizerBrowser, case: Case, form: dict[str, str], field: str, message: str | None
) -> None:
    before = periods()

    answer = hanna.post(
        "/organizer/cases/ales/detentions",
        {**form, "place": "Vitsebsk", "note": ""},
        page="/organizer/cases/ales",
    )

    assert answer.status_code == 422
    page = parse(answer)
    error = one(page, f"#{field}-error")
    if message:
        assert words(error) == message
    assert one(page, f"#{field}")["aria-invalid"] == "true"
    assert one(page, "#place")["value"] == "Vitsebsk", "what was typed is kept"
    assert periods() == before


def test_a_release_closes_the_open_period_and_a_new_arrest_opens_one(
    hanna: OrganizerBrowser, case: Case
) -> None:
    open_period = case.detentions[1]
    edit = f"/organizer/cases/ales/detentions/{open_period.id}"

    assert hanna.client.get(edit).status_code == 200
    closed = hanna.post(
        edit, {"started_on": "2021-07-14", "ended_on": "2025-12-13", "place": "", "note": ""}, edit
    )
    added = hanna.post(
        "/organizer/cases/ales/detentions",
        {"started_on": "2026-01-10", "ended_on": "", "place": "", "note": ""},
        "/organizer/cases/ales",
    )

    assert (closed.status_code, added.status_code) == (303, 303)
    assert periods() == [
        (dt.date(2011, 8, 4), dt.date(2014, 6, 21)),
        (dt.date(2021, 7, 14), dt.date(2025, 12, 13)),
        (dt.date(2026, 1, 10), None),
    ]


def test_the_first_arrest_follows_the_periods(hanna: OrganizerBrowser, case: Case) -> None:
    first = case.detentions[0]

    hanna.post(f"/organizer/cases/ales/detentions/{first.id}/delete", page="/organizer/cases/ales")

    db.session.expire_all()
    assert db.session.get_one(Case, case.id).arrested_on == dt.date(2021, 7, 14)


def test_the_organizer_is_told_when_status_and_periods_disagree(
    hanna: OrganizerBrowser, case: Case
) -> None:
    page = parse(hanna.client.get("/organizer/cases/ales"))
    assert page.select_one('[data-testid="periods-disagree"]') is None

    hanna.post(
        f"/organizer/cases/ales/detentions/{case.detentions[1].id}/delete",
        page="/organizer/cases/ales",
    )

    page = parse(hanna.client.get("/organizer/cases/ales"))
    assert "no period of detention is open" in words(one(page, '[data-testid="periods-disagree"]'))


def test_an_entry_is_added_with_its_kind_and_photo_and_shown_with_them(
    hanna: OrganizerBrowser, case: Case
) -> None:
    answer = hanna.post(
        "/organizer/cases/ales/timeline/new",
        {
            "happened_on": "2013-09-25",
            "kind": "visit",
            "title": "Birthday visit to the embassy",
            "text": "",
            "link": "",
            "photo": (io.BytesIO(photo("JPEG", size=(900, 600))), "cake.jpg", "image/jpeg"),
            "photo_alt": "A birthday cake handed to the embassy",
        },
        page="/organizer/cases/ales",
    )

    assert answer.status_code == 303
    entry = db.session.execute(select(TimelineEntry)).scalar_one()
    assert entry.kind is EntryKind.VISIT
    assert entry.photo is not None
    assert (entry.photo.width, entry.photo.height) == (900, 600)
    assert db.session.execute(select(func.count()).select_from(ImageVariant)).scalar_one() == 2
    shown = one(parse(hanna.client.get("/cases/ales")), "li[data-kind=visit]")
    assert words(one(shown, ".kind")) == "Visit"
    assert one(shown, "img.entry-photo")["alt"] == "A birthday cake handed to the embassy"

    removed = hanna.post(
        f"/organizer/cases/ales/timeline/{entry.id}",
        {"happened_on": "2013-09-25", "kind": "visit", "title": "Birthday visit",
         "remove_photo": "y"},
        page=f"/organizer/cases/ales/timeline/{entry.id}",
    )  # fmt: skip
    assert removed.status_code == 303
    db.session.expire_all()
    assert db.session.get_one(TimelineEntry, entry.id).photo is None
    assert db.session.execute(select(func.count()).select_from(ImageVariant)).scalar_one() == 0


def test_an_entry_photo_that_is_not_an_image_is_refused(
    hanna: OrganizerBrowser, case: Case
) -> None:
    answer = hanna.post(
        "/organizer/cases/ales/timeline/new",
        {
            "happened_on": "2013-09-25",
            "kind": "letter",
            "title": "Birthday wishes",
            "photo": (io.BytesIO(b"<svg onload=alert(1)>"), "wishes.jpg", "image/jpeg"),
        },
        page="/organizer/cases/ales",
    )

    assert answer.status_code == 422
    assert "not a JPEG, PNG or WebP image" in words(one(parse(answer), "#photo-error"))
    assert db.session.execute(select(func.count()).select_from(TimelineEntry)).scalar_one() == 0


@pytest.mark.parametrize("status", [CaseStatus.RELEASED, CaseStatus.IN_EXILE, CaseStatus.DECEASED])
def test_the_edit_forms_show_the_status_and_kind_they_have(
    hanna: OrganizerBrowser, case: Case, status: CaseStatus
) -> None:
    """Saving the edit form unchanged must not turn a released prisoner back into a detained one."""
    case.status = status
    entry = TimelineEntry(happened_on=dt.date(2022, 10, 7), kind=EntryKind.AWARD, title="Nobel")
    case.timeline.append(entry)
    db.session.commit()

    edit_case = parse(hanna.client.get("/organizer/cases/ales/edit"))
    edit_entry = parse(hanna.client.get(f"/organizer/cases/ales/timeline/{entry.id}"))

    assert one(edit_case, "#status option[selected]")["value"] == status.value
    assert one(edit_entry, "#kind option[selected]")["value"] == "award"
