"""Browser fixtures: a fresh context (phone-sized) per test in the session's one Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright

# Re-exported: the one Chromium of the session is the whole suite's (tests/conftest.py).
from tests.conftest import CHROMIUM as CHROMIUM
from tests.conftest import CHROMIUM_ARGS as CHROMIUM_ARGS
from tests.journeys.partner_sites import PartnerSite, StartSite

#: An iPhone 13/14-sized screen, in CSS pixels: the kind of phone most supporters sign from.
PHONE_WIDTH, PHONE_HEIGHT = 390, 844

#: Short waits: every page is served from loopback; a slow step is a bug, not the network.
TIMEOUT_MS = 5_000


CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " blocked " + event.blockedURI);
});
"""


def csp_violations(page: Page) -> list[str]:
    """Return the CSP violations the current document has reported so far."""
    seen = page.evaluate("window.__cspViolations")
    assert isinstance(seen, list), "the CSP recorder did not run in this page"
    return [str(violation) for violation in seen]


@dataclass
class Console:
    """Console errors (CSP violations among them) and uncaught page errors seen by a page."""

    errors: list[str] = field(default_factory=list)

    def on_message(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} @ {message.location.get('url', '')}")

    def on_page_error(self, error: Exception) -> None:
        self.errors.append(f"uncaught: {error}")


@pytest.fixture
def console() -> Console:
    return Console()


def open_tab(browser: Browser, console: Console, **options: Any) -> Iterator[Page]:
    """Yield a page in a fresh browser context: short waits, CSP and console errors recorded.

    ``options`` are the context's (viewport, locale, …); the context closes after the yield.
    """
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    # CSP violations also reach the console, but record them from the DOM event as well so a
    # violation is caught even if Chromium ever stops logging it.
    context.add_init_script(CSP_RECORDER)
    tab = context.new_page()
    tab.on("console", console.on_message)
    tab.on("pageerror", console.on_page_error)
    yield tab
    context.close()


@pytest.fixture
def page(browser: Browser, console: Console) -> Iterator[Page]:
    """A fresh phone-sized context per test: no cookies or storage carried between tests."""
    yield from open_tab(
        browser,
        console,
        viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        timezone_id="Europe/Amsterdam",
    )


# --- partner sites and a browser that blocks third-party cookies (tests/journeys/partner_sites.py)


@pytest.fixture
def partner_site() -> Iterator[StartSite]:
    """Start partner sites on loopback addresses; every one is stopped after the test."""
    started: list[PartnerSite] = []

    def start(host: str, html: str, pages: dict[str, str] | None = None) -> PartnerSite:
        site = PartnerSite(host, html, pages or {})
        site.start()
        started.append(site)
        return site

    yield start
    for site in started:
        site.stop()


# --- a browser that blocks third-party cookies ----------------------------------------------


@pytest.fixture(scope="module")
def cookieless_browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium with third-party cookies blocked, as Safari, Firefox and Chrome's phase-out do."""
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"],
    )
    yield chromium
    chromium.close()


@pytest.fixture
def pieter(cookieless_browser: Browser, console: Console) -> Iterator[Page]:
    """Pieter at his laptop, in a fresh context: no cookies or storage from other tests.

    His browser asks for English first (the service speaks Dutch too, since issue #14: this
    journey pins the English wording; the Dutch one is tests/cases/test_content_languages.py's
    and the catalog tests').
    """
    yield from open_tab(
        cookieless_browser,
        console,
        viewport={"width": 1024, "height": 768},
        locale="en-NL",
        timezone_id="Europe/Amsterdam",
    )
