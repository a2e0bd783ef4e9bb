"""Pieter signs in the form Amnesty Netherlands embeds on its own site, in a browser that blocks
third-party cookies, confirms from his mail and sees the count rise on the partner's page; the
frame keeps the size of what it shows; a site that is not the partner reads where to sign
instead, and cannot frame (or post) the form; a forged form is refused.

Two origins on loopback, as two sites would be in production: the petitions app on the live
server (127.0.0.1) and the partner's page, served by a small HTTP server started here
(127.0.0.2; a copycat of that page on 127.0.0.3). The partner's page holds the documented
snippets: the sign form, the counter widget and the badge. The browser is a Chromium of its own,
launched with third-party cookies blocked, so nothing in the embed may lean on our cookies."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from flask import current_app
from itsdangerous.encoding import base64_decode, base64_encode, bytes_to_int, int_to_bytes
from playwright.sync_api import Browser, Page, Response, expect

from petitions.cases.models import Petition
from petitions.embeds.services import add_partner
from petitions.extensions import db
from petitions.mail.models import OutboxMessage
from petitions.mail.worker import drain_once
from petitions.signing.models import Signature, SignatureState
from tests.conftest import SmtpServer
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer
from tests.journeys.conftest import TIMEOUT_MS, Console
from tests.journeys.partner_sites import (
    COUNTER_FRAME,
    FIT_TOLERANCE,
    FORM_FRAME,
    INITIAL_FORM_HEIGHT,
    MIN_FILL_SECONDS,
    PARTNER_PATH,
    StartSite,
    fill_in_as_pieter,
    frame_height,
    frame_of,
    heights_once_settled,
    partner_html,
    wait_out_min_fill,
)

pytestmark = pytest.mark.browser

#: The app's default: how long the badge may be served from a cache, ours or the browser's.
COUNT_CACHE_SECONDS = 5

#: Sets a cookie from inside a frame and reads it back: "" where third-party cookies are blocked.
COOKIE_PROBE = (
    "() => { document.cookie = 'probe=1; SameSite=None; Secure; Path=/'; return document.cookie; }"
)


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"EMBED_MIN_FILL_SECONDS": MIN_FILL_SECONDS}


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


def badge_count(svg: str) -> int:
    match = re.search(r'font-weight="bold"[^>]*>([\d,.\s]+)</text>', svg)
    assert match, svg
    return int(re.sub(r"\D", "", match.group(1)))


def fresh_badge(page: Page, url: str) -> str:
    """The badge as our server draws it now, past any copy in the browser's cache."""
    svg = page.evaluate("url => fetch(url, {cache: 'no-store'}).then(r => r.text())", url)
    return str(svg)


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


NOTICE = "This site is not registered to show this petition."

#: A copycat's own iframe that names the partner's origin and hides its own (no Referer): it is
#: served the form, which only the browser's frame-ancestors check keeps out.
DISGUISED_FRAME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign here</title></head>
<body>
<iframe title="Disguised" referrerpolicy="no-referrer"
  src="{app}/embed/{slug}?partner=amnesty-nl&amp;origin={partner}"></iframe>
</body>
</html>
"""

#: The README's script-free snippet, pasted by a site that is not the partner.
BARE_FRAME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Petition</title></head>
<body>
<iframe title="Sign the petition" src="{app}/embed/{slug}?partner=amnesty-nl"
  style="width:100%;height:960px;border:0"></iframe>
</body>
</html>
"""


def notice_in(frame: Any, petition_url: str) -> None:
    """The frame shows the notice: the title, why, and a link to sign on our site."""
    site = urlsplit(petition_url).hostname
    expect(frame.get_by_role("heading", name="Free Ales Bialiatski")).to_be_visible()
    expect(frame.locator("main p")).to_have_text(
        f"{NOTICE} Sign it on {site} (opens in a new tab)."
    )
    link = frame.get_by_role("link", name=f"Sign it on {site} (opens in a new tab).")
    expect(link).to_have_attribute("href", petition_url)
    expect(link).to_have_attribute("target", "_blank")
    expect(frame.locator("form, input, button")).to_have_count(0)


def test_a_site_that_is_not_the_partner_reads_where_to_sign_and_never_frames_the_form(
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
    copycat = partner_site(
        "127.0.0.3",
        html,
        {
            "/sign-here": COPYCAT_FORM.format(app=live_server, slug=slug, ticket=ticket),
            "/disguised": DISGUISED_FRAME.format(
                app=live_server, slug=slug, partner=amnesty.origin
            ),
            "/bare": BARE_FRAME.format(app=live_server, slug=slug),
        },
    )
    # Links name BASE_URL's host, whatever host the request came in by (petitions/links.py).
    petition_url = f"{current_app.config['BASE_URL']}/p/{slug}"

    # The copycat page loads embed.js, which names the page's origin: a notice in both frames.
    with pieter.expect_response(re.compile(rf"/embed/{slug}\?")) as answer:
        pieter.goto(f"{copycat.origin}{PARTNER_PATH}")
    assert answer.value.status == 403
    assert "frame-ancestors *" in (answer.value.header_value("content-security-policy") or "")
    notice_in(pieter.frame_locator(FORM_FRAME), petition_url)
    notice_in(pieter.frame_locator(COUNTER_FRAME), petition_url)
    # Each frame fits its notice: no broken box, no 900-pixel gap.
    for selector in (FORM_FRAME, COUNTER_FRAME):
        outer, inner = heights_once_settled(pieter, selector)
        assert outer == pytest.approx(inner, abs=FIT_TOLERANCE), selector
    assert frame_height(pieter, FORM_FRAME) < INITIAL_FORM_HEIGHT / 2
    # The badge is only a picture, free for any page to show.
    assert pieter.locator("#badge").evaluate("img => img.naturalWidth") > 0
    assert [e for e in console.errors if "frame-ancestors" in e] == []

    # The link opens our petition page in a tab of its own (BASE_URL's host, served here by the
    # live server).
    base = str(current_app.config["BASE_URL"])
    pieter.context.route(
        f"{base}/**",
        lambda route: route.continue_(url=route.request.url.replace(base, live_server)),
    )
    with pieter.context.expect_page() as opened:
        pieter.frame_locator(FORM_FRAME).locator("main").get_by_role("link").click()
    opened.value.wait_for_load_state()
    assert opened.value.url == petition_url
    expect(opened.value.get_by_role("heading", name="Free Ales Bialiatski")).to_be_visible()
    opened.value.close()

    # The README's script-free snippet on the copycat: the browser's Referer names the copycat.
    pieter.goto(f"{copycat.origin}/bare")
    notice_in(pieter.frame_locator("iframe"), petition_url)

    # An iframe that claims the partner's origin and hides its own gets the form, with the
    # partner's frame-ancestors: Chromium refuses to show it, an error page instead.
    with (
        pieter.expect_console_message(lambda m: "frame-ancestors" in m.text) as refusal,
        pieter.expect_response(re.compile(rf"/embed/{slug}\?")) as answer,
    ):
        pieter.goto(f"{copycat.origin}/disguised")
    assert answer.value.status == 200
    policy = answer.value.header_value("content-security-policy") or ""
    assert f"frame-ancestors 'self' {amnesty.origin}" in policy
    assert refusal.value.type == "error"
    assert frame_of(pieter, "iframe").url.startswith("chrome-error://")
    disguised = pieter.frame_locator("iframe")
    expect(disguised.get_by_role("button", name="Sign", exact=True)).to_have_count(0)
    expect(disguised.locator("input[name=ticket]")).to_have_count(0)

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
