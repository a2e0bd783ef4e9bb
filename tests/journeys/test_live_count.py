"""Olga keeps the petition open on her phone and watches the count rise without reloading; the
partner's counter does the same in Belarusian; a hidden tab does not poll; a failing server is
left alone; without JavaScript the page shows the server's count.

The page's clock is Playwright's fake one, paused after the page has loaded: the script's waits
(LIVE_COUNT_SECONDS ± 50 %) pass only when the test runs the clock, so nothing here sleeps or
depends on how fast the machine is. The requests are real, to the live server.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from babel.numbers import format_decimal
from flask.testing import FlaskClient
from playwright.sync_api import Browser, Page, Request, Route, expect

from petitions.embeds.services import add_partner
from petitions.signing.services import ConfirmOutcome, confirm
from tests.factories import confirmed_signature, open_petition, pending_signature
from tests.helpers import parse
from tests.journeys.conftest import TIMEOUT_MS, Console, csp_violations, open_tab

pytestmark = pytest.mark.browser

#: The interval the tests set (the default is 20 s); the script waits 0.5 to 1.5 times it.
LIVE_COUNT_SECONDS = 12
LONGEST_WAIT_MS = int(LIVE_COUNT_SECONDS * 1.5 * 1000)
#: The script's own limits (static/js/live-count.js): failures before it stops, longest backoff.
MAX_FAILURES = 5
MAX_BACKOFF_MS = 15 * 60 * 1000 * 2


@pytest.fixture
def config_overrides() -> dict[str, object]:
    return {"LIVE_COUNT_SECONDS": LIVE_COUNT_SECONDS}


def count_url(live_server: str, slug: str) -> str:
    return f"{live_server}/api/v1/petitions/{slug}"


def looks_at(page: Page, url: str) -> list[Request]:
    """Return a list that fills with the page's requests for ``url``, as they are made."""
    seen: list[Request] = []
    page.on("request", lambda request: seen.append(request) if request.url == url else None)
    return seen


def open_with_paused_clock(page: Page, url: str) -> None:
    """Open ``url`` with a fake clock, paused once loaded: only run_for moves the page's time."""
    page.clock.install()
    page.goto(url)
    # A second ahead, not less: pausing at a moment the page's clock has already passed fails
    # ("Cannot fast-forward to the past"), and on a loaded machine 0.1 s went by between the
    # two calls. No look is due that early (the first comes after at least half the interval).
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 1)


def run_until(page: Page, looks: list[Request], number: int, step_ms: int) -> None:
    """Run the page's clock ``step_ms`` at a time until it has made ``number`` looks.

    A bounded wait: each look's answer arrives in real time, and the next wait is scheduled
    only then, so the clock is run again until the request shows up (or TIMEOUT_MS passes).
    """
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while len(looks) < number:
        assert time.monotonic() < deadline, f"{len(looks)} looks, expected {number}"
        page.clock.run_for(step_ms)


def set_visibility(page: Page, state: str) -> None:
    """Make the document hidden or visible, as switching tabs does, and tell the page."""
    page.evaluate(
        """(state) => {
          const property = (name, get) =>
            Object.defineProperty(document, name, { configurable: true, get });
          property("visibilityState", () => state);
          property("hidden", () => state === "hidden");
          document.dispatchEvent(new Event("visibilitychange"));
        }""",
        state,
    )


def test_olga_sees_the_count_rise_without_reloading(
    live_server: str, page: Page, console: Console
) -> None:
    petition = open_petition(goal=4)
    for _ in range(2):
        confirmed_signature(petition)
    waiting = pending_signature(petition)
    url = count_url(live_server, petition.slug)
    looks = looks_at(page, url)

    open_with_paused_clock(page, f"{live_server}/p/{petition.slug}")
    count = page.get_by_test_id("signature-count")
    bar = page.locator(".count progress")
    expect(count).to_have_text("2")
    expect(page.locator(".count-number")).to_contain_text("2 signatures")
    expect(bar).to_have_attribute("aria-label", "50% of the goal")
    page.evaluate("window.notReloaded = true")

    # Someone confirms; within one interval (± jitter) her page shows it.
    assert confirm(waiting.id) is ConfirmOutcome.CONFIRMED
    run_until(page, looks, 1, LONGEST_WAIT_MS)
    expect(count).to_have_text("3")
    expect(page.locator(".count-number")).to_contain_text("3 signatures of a goal of 4")
    expect(bar).to_have_attribute("value", "3")
    expect(bar).to_have_attribute("aria-label", "75% of the goal")
    assert page.evaluate("window.notReloaded") is True

    # The next look sends the answer's ETag back and gets 304: nothing changed, nothing sent.
    run_until(page, looks, 2, LONGEST_WAIT_MS)
    first, second = looks[0].response(), looks[1].response()
    assert first is not None
    assert second is not None
    assert first.status == 200
    assert second.request.headers["if-none-match"] == first.headers["etag"]
    assert second.status == 304
    expect(count).to_have_text("3")

    assert console.errors == []
    assert csp_violations(page) == []


def test_a_hidden_tab_does_not_look_and_looks_once_when_shown(
    live_server: str, page: Page, console: Console
) -> None:
    petition = open_petition(goal=4)
    confirmed_signature(petition)
    waiting = pending_signature(petition)
    url = count_url(live_server, petition.slug)
    looks = looks_at(page, url)
    open_with_paused_clock(page, f"{live_server}/p/{petition.slug}")

    # She switches to another tab and stays away an hour, while someone confirms.
    set_visibility(page, "hidden")
    page.clock.run_for("01:00:00")
    assert confirm(waiting.id) is ConfirmOutcome.CONFIRMED
    page.clock.run_for("01:00:00")
    assert looks == []
    expect(page.get_by_test_id("signature-count")).to_have_text("1")

    # Back on the tab: one look at once shows the new count, the next one an interval later.
    set_visibility(page, "visible")
    run_until(page, looks, 1, 1)
    expect(page.get_by_test_id("signature-count")).to_have_text("2")
    page.clock.run_for(LIVE_COUNT_SECONDS * 1000 // 2 - 100)
    assert len(looks) == 1

    assert console.errors == []


def test_the_script_stops_after_repeated_failures_backing_off(live_server: str, page: Page) -> None:
    petition = open_petition()
    url = count_url(live_server, petition.slug)
    looks = looks_at(page, url)
    failing: list[str] = []

    def fail(route: Route) -> None:
        failing.append(route.request.url)
        route.fulfill(status=503, body="busy")

    page.route(url, fail)
    open_with_paused_clock(page, f"{live_server}/p/{petition.slug}")

    run_until(page, looks, MAX_FAILURES, MAX_BACKOFF_MS)
    # Each wait after a failure is twice the one before, so the looks spread out...
    page.clock.run_for("24:00:00")
    page.clock.run_for("24:00:00")
    # ...and after MAX_FAILURES in a row there are none, however long the page stays open.
    assert len(looks) == len(failing) == MAX_FAILURES
    expect(page.get_by_test_id("signature-count")).to_have_text("0")


def test_the_backoff_doubles_each_wait(live_server: str, page: Page) -> None:
    petition = open_petition()
    url = count_url(live_server, petition.slug)
    looks = looks_at(page, url)
    page.route(url, lambda route: route.fulfill(status=500, body="broken"))
    # The jitter's draw always at its lowest: every wait is half its middle value. The page
    # notes, on its own (fake) clock, when each look went out and when its answer came back: the
    # answer arrives in real time and the next wait starts only then, so counting looks after a
    # run of the clock raced that answer.
    page.add_init_script(
        """Math.random = () => 0;
        window.lookedAt = [];
        window.answeredAt = [];
        const realFetch = window.fetch;
        window.fetch = function () {
          window.lookedAt.push(Date.now());
          const noted = () => window.answeredAt.push(Date.now());
          return realFetch.apply(this, arguments).finally(noted);
        };"""
    )
    open_with_paused_clock(page, f"{live_server}/p/{petition.slug}")
    run_until(page, looks, 1, 1000)
    looks[0].response()  # waits, in real time, for the answer
    run_until(page, looks, 2, 1000)
    looked = page.evaluate("window.lookedAt")
    answered = page.evaluate("window.answeredAt")

    # After one failure the next wait is 2 × the interval (-50 %): 1 × it, not 0.5 × it.
    assert looked[1] - answered[0] == pytest.approx(LIVE_COUNT_SECONDS * 1000, abs=1)


def test_the_partners_counter_follows_the_count_in_belarusian(
    live_server: str, page: Page, console: Console
) -> None:
    petition = open_petition(goal=2000, count_base=1230)
    add_partner(petition, "Viasna", "viasna", ["https://spring96.example"])
    waiting = pending_signature(petition)
    looks = looks_at(page, count_url(live_server, petition.slug))

    open_with_paused_clock(
        page, f"{live_server}/embed/{petition.slug}/counter?partner=viasna&lang=be"
    )
    count = page.get_by_test_id("signature-count")
    word = page.locator("[data-count-word]")
    expect(count).to_have_text(format_decimal(1230, locale="be"))
    expect(word).to_have_text("подпісаў")

    assert confirm(waiting.id) is ConfirmOutcome.CONFIRMED
    run_until(page, looks, 1, LONGEST_WAIT_MS)
    # Grouped as the server groups Belarusian numbers ("1 231"; Chromium's Intl would write
    # "1,231"), and the word of 1231's plural category from the catalog.
    expect(count).to_have_text("1\u00a0231")
    expect(word).to_have_text("подпіс")
    expect(page.locator(".count progress")).to_have_attribute("aria-label", "61% ад мэты")

    # Opened on its own rather than in the partner's frame, the counter also asks for an icon.
    assert [error for error in console.errors if not error.endswith("/favicon.ico")] == []
    assert csp_violations(page) == []


@pytest.fixture
def no_script_page(browser: Browser, console: Console) -> Iterator[Page]:
    yield from open_tab(browser, console, java_script_enabled=False, locale="en-GB")


def test_without_javascript_the_page_shows_the_servers_count(
    live_server: str, no_script_page: Page
) -> None:
    petition = open_petition(goal=4)
    for _ in range(3):
        confirmed_signature(petition)

    no_script_page.goto(f"{live_server}/p/{petition.slug}")

    expect(no_script_page.get_by_test_id("signature-count")).to_have_text("3")
    expect(no_script_page.locator(".count-number")).to_contain_text("3 signatures")
    bar = no_script_page.locator(".count progress")
    expect(bar).to_have_attribute("value", "3")
    expect(bar).to_have_attribute("aria-label", "75% of the goal")
    # The page names the script and its settings; nothing runs them.
    expect(no_script_page.locator("script[src$='/js/live-count.js']")).to_have_count(1)
    expect(no_script_page.locator(".count")).to_have_attribute(
        "data-live-count", f"/api/v1/petitions/{petition.slug}"
    )


def test_the_page_gives_the_script_every_plural_word_of_its_language(client: FlaskClient) -> None:
    petition = open_petition()

    box = parse(client.get(f"/p/{petition.slug}?lang=ru")).select_one(".count")

    assert box is not None
    assert float(str(box["data-live-seconds"])) == LIVE_COUNT_SECONDS
    # Russian words for counts ending in 1, in 2-4 and in the rest, as the catalog has them.
    assert json.loads(str(box["data-live-words"])) == {
        "one": "подпись",
        "few": "подписи",
        "many": "подписей",
    }
    assert json.loads(str(box["data-live-digits"])) == {"group": "\u00a0", "sizes": [3, 3]}
    assert box["data-live-percent"] == "{percent}% от цели"
