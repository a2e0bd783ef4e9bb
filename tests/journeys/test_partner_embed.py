"""Pieter signs in the form Amnesty Netherlands embeds on its own site, in a browser that blocks
third-party cookies, confirms from his mail and sees the count rise on the partner's page; the
frame keeps the size of what it shows; a site that is not the partner cannot frame (or post)
the form; a forged form is refused.

Two origins on loopback, as two sites would be in production: the petitions app on the live
server (127.0.0.1) and the partner's page, served by a small HTTP server started here
(127.0.0.2; a copycat of that page on 127.0.0.3). The partner's page holds the documented
snippets: the sign form, the counter widget and the badge. The browser is a Chromium of its own,
launched with third-party cookies blocked, so nothing in the embed may lean on our cookies."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from itsdangerous.encoding import base64_decode, base64_encode, bytes_to_int, int_to_bytes
from playwright.sync_api import Browser, Frame, Page, Playwright, Response, expect

from petitions.cases.models import Petition
from petitions.embeds.services import add_partner
from petitions.extensions import db
from petitions.mail.models import OutboxMessage
from petitions.mail.worker import drain_once
from petitions.signing.models import Signature, SignatureState
from tests.conftest import SmtpServer
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer
from tests.journeys.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    Console,
    open_tab,
)

pytestmark = pytest.mark.browser

#: Shorter than the default 2 s so the journeys stay quick; the test still waits it out.
MIN_FILL_SECONDS = 1

#: Where the partner put the petition on its site (the query string is the partner's own).
PARTNER_PATH = "/acties/ales-bialiatski?bron=nieuwsbrief"

#: What embed.js gives the form's frame before the frame reports its own height.
INITIAL_FORM_HEIGHT = 900

#: Pixels a resized frame may differ from its content (rounding, the last element's margin).
FIT_TOLERANCE = 24

#: The app's default: how long the badge may be served from a cache, ours or the browser's.
COUNT_CACHE_SECONDS = 5

#: Sets a cookie from inside a frame and reads it back: "" where third-party cookies are blocked.
COOKIE_PROBE = (
    "() => { document.cookie = 'probe=1; SameSite=None; Secure; Path=/'; return document.cookie; }"
)

FORM_FRAME = "iframe[title='Sign the petition']"
COUNTER_FRAME = "iframe[title='Petition counter']"

PARTNER_HTML = """<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><title>Amnesty Nederland: vrijheid voor Ales Bialiatski</title></head>
<body>
<h1>Vrijheid voor Ales Bialiatski</h1>
<script src="{app}/embed.js" data-petition="{slug}" data-partner="amnesty-nl"
  data-widget="counter" async></script>
<p><img id="badge" src="{app}/badge/{slug}.svg" alt="Aantal handtekeningen"
  width="320" height="64"></p>
<p>Teken de petitie hieronder.</p>
<script src="{app}/embed.js" data-petition="{slug}" data-partner="amnesty-nl" async></script>
<p>Amnesty International Nederland</p>
</body>
</html>
"""


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"EMBED_MIN_FILL_SECONDS": MIN_FILL_SECONDS}


# --- the partner's web site ---------------------------------------------------------------


@dataclass
class PartnerSite:
    """A static page on its own loopback address, as a partner's CMS would serve it."""

    host: str
    html: str
    #: Other pages by path (the query string ignored); every other path gets ``html``.
    pages: dict[str, str] = field(default_factory=dict)
    server: ThreadingHTTPServer | None = None
    thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        assert self.server is not None
        return f"http://{self.host}:{self.server.server_address[1]}"

    def start(self) -> None:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                body = site.pages.get(urlsplit(self.path).path, site.html).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer((self.host, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)


StartSite = Callable[..., PartnerSite]


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


# --- helpers --------------------------------------------------------------------------------


def partner_html(app: str, slug: str) -> str:
    return PARTNER_HTML.format(app=app, slug=slug)


def ticket_in(html: str) -> str:
    match = re.search(r'name="ticket" type="hidden" value="([^"]+)"', html)
    assert match, "no ticket in the embedded form"
    return match.group(1)


COPYCAT_FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign here</title></head>
<body>
<form method="post" action="{app}/embed/{slug}/sign?partner=amnesty-nl">
  <input type="hidden" name="ticket" value="{ticket}">
  <input type="hidden" name="full_name" value="Pieter Jansen">
  <input type="hidden" name="email" value="pieter@example.org">
  <input type="hidden" name="country" value="NL">
  <input type="hidden" name="city" value="Utrecht">
  <button type="submit">Sign</button>
</form>
</body>
</html>
"""


def rows(model: type) -> int:
    db.session.expire_all()
    count: int = db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
    return count


def nothing_written(smtp: SmtpServer) -> None:
    assert rows(Signature) == 0
    assert rows(OutboxMessage) == 0
    drain_once()
    assert smtp.untaken() == []


def frame_of(page: Page, selector: str) -> Frame:
    handle = page.locator(selector).element_handle()
    frame = handle.content_frame()
    assert frame is not None, selector
    return frame


def frame_height(page: Page, selector: str) -> float:
    height = page.locator(selector).evaluate("frame => frame.getBoundingClientRect().height")
    return float(height)


def content_height(frame: Frame) -> float:
    """How tall the framed document's content is, however tall its frame is now."""
    height = frame.evaluate(
        """() => {
          const last = document.body.lastElementChild;
          const margin = parseFloat(getComputedStyle(last).marginBottom) || 0;
          return last.getBoundingClientRect().bottom + window.scrollY + margin;
        }"""
    )
    return float(height)


def heights_once_settled(page: Page, selector: str) -> tuple[float, float]:
    """Return the frame's height and its content's, once the frame has caught up (or 2 s)."""
    frame = frame_of(page, selector)
    deadline = time.monotonic() + 2
    while True:
        outer, inner = frame_height(page, selector), content_height(frame)
        if abs(outer - inner) <= FIT_TOLERANCE or time.monotonic() > deadline:
            return outer, inner
        page.wait_for_timeout(50)


def wait_until(condition: Callable[[], bool], page: Page, seconds: float = 2) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        page.wait_for_timeout(50)


def badge_count(svg: str) -> int:
    match = re.search(r'font-weight="bold"[^>]*>([\d,.\s]+)</text>', svg)
    assert match, svg
    return int(re.sub(r"\D", "", match.group(1)))


def fresh_badge(page: Page, url: str) -> str:
    """The badge as our server draws it now, past any copy in the browser's cache."""
    svg = page.evaluate("url => fetch(url, {cache: 'no-store'}).then(r => r.text())", url)
    return str(svg)


def fill_in_as_pieter(frame: Any) -> None:
    frame.get_by_label("Full name", exact=True).fill("Pieter Jansen")
    frame.get_by_label("Email", exact=True).fill("pieter@example.org")
    frame.get_by_label("Country", exact=True).select_option(label="Netherlands")
    frame.get_by_label("City or town", exact=True).fill("Utrecht")


def wait_out_min_fill(shown_at: float) -> None:
    """A person takes longer than the minimum fill time; make sure the test does too."""
    time.sleep(max(0.0, shown_at + MIN_FILL_SECONDS + 0.1 - time.monotonic()))


# --- the journeys ---------------------------------------------------------------------------


def test_pieter_signs_in_amnesty_netherlands_embedded_form_with_third_party_cookies_blocked(
    live_server: str,
    pieter: Page,
    console: Console,
    smtp: SmtpServer,
    partner_site: StartSite,
    cookieless_browser: Browser,
) -> None:
    petition = open_petition(title="Free Ales Bialiatski")
    slug, petition_id = petition.slug, petition.id
    organizer("hanna@example.org", cases=(petition.case,))
    amnesty = partner_site("127.0.0.2", partner_html(live_server, slug))
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [amnesty.origin])
    partner_page = f"{amnesty.origin}{PARTNER_PATH}"
    from_app: list[Response] = []
    pieter.on("response", lambda r: from_app.append(r) if r.url.startswith(live_server) else None)

    # Pieter reads Amnesty's campaign page; the petition's form appears in it.
    badge_url = f"{live_server}/badge/{slug}.svg"
    with pieter.expect_response(badge_url) as first_badge:
        pieter.goto(partner_page)
    badge_loaded_at = time.monotonic()
    assert first_badge.value.header_value("cache-control") == (
        f"public, max-age={COUNT_CACHE_SECONDS}"
    )
    assert badge_count(first_badge.value.text()) == 0
    form = pieter.frame_locator(FORM_FRAME)
    expect(form.get_by_role("heading", name="Free Ales Bialiatski")).to_be_visible()
    expect(form.get_by_text("Collected with Amnesty Netherlands.")).to_be_visible()
    shown_at = time.monotonic()
    counter = pieter.frame_locator(COUNTER_FRAME)
    expect(counter.get_by_test_id("signature-count")).to_have_text("0")
    expect(pieter.locator("#badge")).to_have_js_property("complete", True)
    assert pieter.locator("#badge").evaluate("img => img.naturalWidth") > 0

    # The frame told the partner's page how tall it is: no inner scrollbar, no empty band.
    outer, inner = heights_once_settled(pieter, FORM_FRAME)
    assert outer != INITIAL_FORM_HEIGHT
    assert outer == pytest.approx(inner, abs=FIT_TOLERANCE)
    form_frame = frame_of(pieter, FORM_FRAME)

    # He fills the form in the frame and signs.
    fill_in_as_pieter(form)
    wait_out_min_fill(shown_at)
    with pieter.expect_response(re.compile(rf"/embed/{slug}/sign\b")) as answer:
        form.get_by_role("button", name="Sign", exact=True).click()
    assert answer.value.status == 200
    expect(form.get_by_role("heading", name="Check your inbox")).to_be_visible()
    # The form's own strict policy blocked none of its own scripts and styles.
    assert form_frame.evaluate("window.__cspViolations") == []

    # Nothing needed a cookie, and none was set, for our site or any other.
    assert pieter.context.cookies() == []
    assert [r.url for r in from_app if r.header_value("set-cookie")] == []
    # ...and the browser really blocks third-party cookies: the frame cannot keep one.
    assert form_frame.evaluate(COOKIE_PROBE) == ""
    assert pieter.context.cookies() == []

    # A pending signature, attributed to the partner, remembering the page he signed on.
    db.session.expire_all()
    signature = db.session.execute(db.select(Signature)).scalar_one()
    assert signature.state is SignatureState.PENDING
    assert (signature.full_name, signature.email) == ("Pieter Jansen", "pieter@example.org")
    assert signature.source == "amnesty-nl"
    assert signature.return_url == partner_page

    # The mail; he opens its link in a new tab: our site, first-party.
    assert drain_once().sent == 1
    mail = smtp.take_one()
    assert mail.recipients == ["pieter@example.org"]
    confirm_tab = pieter.context.new_page()
    confirm_tab.on("console", console.on_message)
    confirm_tab.goto(f"{live_server}{mail.link('confirm')}")
    confirm_tab.get_by_role("button", name="Confirm my signature").click()
    expect(confirm_tab.get_by_role("heading", name="your signature is confirmed")).to_be_visible()
    back = confirm_tab.get_by_role("link", name="Back to Amnesty Netherlands")
    expect(back).to_have_attribute("href", partner_page)

    # Back on Amnesty's page, a reload shows his signature in the counter at once...
    pieter.reload()
    expect(counter.get_by_test_id("signature-count")).to_have_text("1")
    # ...and our server draws the badge with it at once: confirm() dropped the cached count.
    assert badge_count(fresh_badge(pieter, badge_url)) == 1
    # The picture itself the browser may keep as long as the badge's Cache-Control allows.
    time.sleep(max(0.0, badge_loaded_at + COUNT_CACHE_SECONDS + 0.2 - time.monotonic()))
    with pieter.expect_response(badge_url) as badge:
        pieter.reload()
    assert badge_count(badge.value.text()) == 1
    expect(counter.get_by_test_id("signature-count")).to_have_text("1")

    # Hanna, the organizer, sees where the signature came from.
    laptop = cookieless_browser.new_context(viewport={"width": 1280, "height": 900})
    laptop.set_default_timeout(TIMEOUT_MS)
    hanna = laptop.new_page()
    hanna.goto(f"{live_server}/organizer/login")
    hanna.get_by_label("Email").fill("hanna@example.org")
    hanna.get_by_label("Password").fill(ORGANIZER_PASSWORD)
    hanna.get_by_role("button", name="Log in").click()
    expect(hanna.get_by_role("heading", name="Your campaigns")).to_be_visible()
    hanna.goto(f"{live_server}/organizer/petitions/{slug}/signatures")
    by_source = hanna.locator("section", has=hanna.get_by_role("heading", name="By source"))
    expect(by_source.locator("tbody tr")).to_have_count(1)
    expect(by_source.locator("tbody tr td")).to_have_text(["amnesty-nl", "1"])
    laptop.close()

    db.session.expire_all()
    stored = db.session.get(Petition, petition_id)
    assert stored is not None
    assert stored.signature_count == 1
    assert console.errors == []


def test_after_signing_the_frame_shrinks_to_the_short_check_your_inbox_page(
    live_server: str,
    pieter: Page,
    smtp: SmtpServer,
    partner_site: StartSite,
) -> None:
    petition = open_petition(title="Free Ales Bialiatski")
    slug = petition.slug
    amnesty = partner_site("127.0.0.2", partner_html(live_server, slug))
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [amnesty.origin])
    pieter.goto(f"{amnesty.origin}{PARTNER_PATH}")
    form = pieter.frame_locator(FORM_FRAME)
    expect(form.get_by_role("button", name="Sign", exact=True)).to_be_visible()
    shown_at = time.monotonic()
    form_height, _ = heights_once_settled(pieter, FORM_FRAME)

    fill_in_as_pieter(form)
    wait_out_min_fill(shown_at)
    form.get_by_role("button", name="Sign", exact=True).click()
    expect(form.get_by_role("heading", name="Check your inbox")).to_be_visible()
    frame_of(pieter, FORM_FRAME).wait_for_load_state("load")

    # A few lines of text: the frame follows them down instead of leaving an empty band.
    outer, inner = heights_once_settled(pieter, FORM_FRAME)
    assert inner < form_height / 2
    assert outer == pytest.approx(inner, abs=FIT_TOLERANCE), (
        f"the frame stayed {outer:.0f}px tall around {inner:.0f}px of content"
    )


def test_a_site_that_is_not_the_partner_cannot_frame_the_form(
    live_server: str,
    pieter: Page,
    console: Console,
    smtp: SmtpServer,
    partner_site: StartSite,
) -> None:
    petition = open_petition(title="Free Ales Bialiatski")
    slug = petition.slug
    html = partner_html(live_server, slug)
    amnesty = partner_site("127.0.0.2", html)
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [amnesty.origin])
    # The copycat also keeps a form of its own, with a genuine ticket its server fetched from us.
    with urlopen(f"{live_server}/embed/{slug}?partner=amnesty-nl", timeout=5) as embed:
        ticket = ticket_in(embed.read().decode())
    ticket_at = time.monotonic()
    own_form = COPYCAT_FORM.format(app=live_server, slug=slug, ticket=ticket)
    copycat = partner_site("127.0.0.3", html, {"/sign-here": own_form})

    # The copycat page loads embed.js and asks for the form; our answer forbids the framing.
    with (
        pieter.expect_console_message(lambda m: "frame-ancestors" in m.text) as refusal,
        pieter.expect_response(re.compile(rf"/embed/{slug}\?")) as answer,
    ):
        pieter.goto(f"{copycat.origin}{PARTNER_PATH}")
    policy = answer.value.header_value("content-security-policy") or ""
    assert f"frame-ancestors 'self' {amnesty.origin}" in policy

    # Chromium refuses to show the form, and the counter: an error each, an error page instead.
    assert refusal.value.type == "error"
    wait_until(lambda: len([e for e in console.errors if "frame-ancestors" in e]) == 2, pieter)
    for selector in (FORM_FRAME, COUNTER_FRAME):
        assert frame_of(pieter, selector).url.startswith("chrome-error://"), selector
    form = pieter.frame_locator(FORM_FRAME)
    expect(form.get_by_role("button", name="Sign", exact=True)).to_have_count(0)
    expect(form.locator("input[name=ticket]")).to_have_count(0)
    expect(pieter.frame_locator(COUNTER_FRAME).get_by_test_id("signature-count")).to_have_count(0)
    # Nothing framed reported a height: the frame keeps the size embed.js gave it.
    assert frame_height(pieter, FORM_FRAME) == INITIAL_FORM_HEIGHT
    # The badge is only a picture, free for any page to show.
    assert pieter.locator("#badge").evaluate("img => img.naturalWidth") > 0

    # Posting the copycat's own form, however genuine its ticket, is refused by its Origin.
    pieter.goto(f"{copycat.origin}/sign-here")
    wait_out_min_fill(ticket_at)
    with pieter.expect_response(re.compile(rf"/embed/{slug}/sign\b")) as answer:
        pieter.get_by_role("button", name="Sign").click()
    assert answer.value.status == 403
    assert answer.value.request.header_value("origin") == copycat.origin
    expect(pieter.get_by_role("alert")).to_have_text(
        "This form can only be sent from the page it was shown on."
    )

    nothing_written(smtp)


def test_a_forged_ticket_is_refused_and_nothing_is_written(
    live_server: str,
    pieter: Page,
    smtp: SmtpServer,
    partner_site: StartSite,
) -> None:
    petition = open_petition(title="Free Ales Bialiatski")
    slug = petition.slug
    amnesty = partner_site("127.0.0.2", partner_html(live_server, slug))
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [amnesty.origin])

    pieter.goto(f"{amnesty.origin}{PARTNER_PATH}")
    form = pieter.frame_locator(FORM_FRAME)
    fill_in_as_pieter(form)

    # A bot backdates its ticket by an hour to skip the minimum fill time; it cannot re-sign it.
    ticket = form.locator("input[name=ticket]")
    payload, issued, signature = str(ticket.input_value()).rsplit(".", 2)
    earlier = base64_encode(int_to_bytes(bytes_to_int(base64_decode(issued)) - 3600)).decode()
    forged = f"{payload}.{earlier}.{signature}"
    ticket.evaluate("(input, forged) => { input.value = forged; }", forged)
    assert ticket.input_value() == forged

    with pieter.expect_response(re.compile(rf"/embed/{slug}/sign\b")) as answer:
        form.get_by_role("button", name="Sign", exact=True).click()
    assert answer.value.status == 400
    expect(form.get_by_role("alert")).to_have_text(
        "This form could not be checked. Please send it again."
    )
    expect(form.get_by_label("Full name", exact=True)).to_have_value("Pieter Jansen")

    nothing_written(smtp)
