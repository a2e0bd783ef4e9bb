"""An organizer sees what will be erased when, and puts off the anonymisation of one petition's
signers with a reason on record; the retention run then holds off until that day (issue #16)."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select

from petitions.extensions import db
from petitions.retention import services
from petitions.retention.models import RetentionExtension
from tests.conftest import OrganizerBrowser
from tests.factories import ORGANIZER_PASSWORD, organizer
from tests.helpers import main_text, one, parse, words
from tests.retention.world import World, build_world, move_clock, signature

OWNER = "hanna@example.org"


@pytest.fixture
def world(app: Flask, organizer_browser: OrganizerBrowser) -> World:
    built = build_world()
    organizer(OWNER, cases=(built.delivered.case,))
    organizer_browser.log_in(OWNER, ORGANIZER_PASSWORD)
    return built


def _section(browser: OrganizerBrowser, world: World) -> str:
    page = browser.client.get(f"/organizer/petitions/{world.delivered.slug}/retention/")
    assert page.status_code == 200
    return words(one(parse(page), '[data-testid="retention"]'))


def _extend(browser: OrganizerBrowser, world: World, until: str, reason: str) -> object:
    path = f"/organizer/petitions/{world.delivered.slug}/retention/"
    return browser.post(f"{path}extend", {"until": until, "reason": reason}, page=path)


def test_the_section_says_when_the_signers_are_anonymised(
    world: World, organizer_browser: OrganizerBrowser
) -> None:
    due = (world.now - dt.timedelta(days=160) + dt.timedelta(days=183)).strftime("%Y-%m-%d")

    said = _section(organizer_browser, world)

    assert f"To be anonymised on {due}." in said
    assert "3 signatures keep personal data." in said


def test_an_extension_holds_off_the_anonymisation_until_its_day(
    world: World, organizer_browser: OrganizerBrowser, monkeypatch: pytest.MonkeyPatch
) -> None:
    until = (world.now + dt.timedelta(days=60)).date()

    answer = _extend(organizer_browser, world, until.isoformat(), "The appeal hearing needs it.")

    assert answer.status_code == 303  # type: ignore[attr-defined]
    recorded = db.session.execute(select(RetentionExtension)).scalar_one()
    assert (recorded.until, recorded.reason, recorded.by) == (
        until,
        "The appeal hearing needs it.",
        OWNER,
    )
    page = organizer_browser.client.get(f"/organizer/petitions/{world.delivered.slug}/retention/")
    assert "The appeal hearing needs it." in words(one(parse(page), '[data-testid="extensions"]'))
    assert f"To be anonymised on {(until + dt.timedelta(days=1)).isoformat()}." in _section(
        organizer_browser, world
    )

    move_clock(monkeypatch, world.run_at)  # past the 183 days, before the extension's day
    services.run()
    assert signature(world.anonymised[0]).email is not None
    assert signature(world.anonymised[0]).petition.signers_anonymised_at is None

    move_clock(monkeypatch, dt.datetime.combine(until + dt.timedelta(days=1), dt.time(1)))
    services.run()
    assert signature(world.anonymised[0]).email is None


@pytest.mark.parametrize(
    ("until", "reason", "said"),
    [
        ("", "Needed.", "Give the day until which the data is kept."),
        ("2001-01-01", "Needed.", "Give a day after today."),
        ("2999-01-01", "Needed.", "Give a day at most 365 days from today"),
        ("{soon}", "   ", "Say why the signers' data must be kept longer."),
    ],
)
def test_a_bad_extension_is_refused_on_the_form_and_nothing_recorded(
    world: World, organizer_browser: OrganizerBrowser, until: str, reason: str, said: str
) -> None:
    soon = (world.now + dt.timedelta(days=10)).date().isoformat()

    answer = _extend(organizer_browser, world, until.replace("{soon}", soon), reason)

    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert said in main_text(answer)  # type: ignore[arg-type]
    assert db.session.execute(select(RetentionExtension)).first() is None


def test_once_anonymised_the_section_says_so_and_takes_no_extension(
    world: World, organizer_browser: OrganizerBrowser, monkeypatch: pytest.MonkeyPatch
) -> None:
    move_clock(monkeypatch, world.run_at)
    services.run()
    monkeypatch.undo()

    page = parse(
        organizer_browser.client.get(f"/organizer/petitions/{world.delivered.slug}/retention/")
    )
    said = words(one(page, '[data-testid="retention"]'))
    assert f"Anonymised on {world.run_at:%Y-%m-%d}." in said
    assert page.select('[data-testid="extension-form"]') == []
    soon = (world.now + dt.timedelta(days=10)).date().isoformat()
    answer = _extend(organizer_browser, world, soon, "Too late.")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "Its signers were anonymised already" in main_text(answer)  # type: ignore[arg-type]
    assert db.session.execute(select(RetentionExtension)).first() is None
