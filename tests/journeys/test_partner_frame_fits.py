"""Amnesty Netherlands' page holds the form: the frame follows what it shows, the form coming
back with errors included, and listens to our frame alone; Olga reads the counter in Belarusian;
Sanne, on a phone, signs in the script-free snippet, which fits the form in every language.

As tests/journeys/test_partner_embed.py: the petitions app on 127.0.0.1, the partner's page on
127.0.0.2 and another site on 127.0.0.3."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import Browser, Page, expect

from petitions.cases import translations
from petitions.embeds.services import add_partner
from petitions.extensions import db
from tests.conftest import OrganizerBrowser
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer
from tests.journeys.conftest import Console, open_tab
from tests.journeys.partner_sites import (
    COUNTER_FRAME,
    FIT_TOLERANCE,
    FORM_FRAME,
    MIN_FILL_SECONDS,
    PARTNER_PATH,
    StartSite,
    content_height,
    frame_height,
    frame_of,
    heights_once_settled,
    partner_html,
    wait_out_min_fill,
    wait_until,
)

pytestmark = pytest.mark.browser

BE_TITLE = "Вызваліце Алеся Бяляцкага"

#: The narrowest phone screen most signers have, in CSS pixels.
PHONE_WIDTH = 360

RESIZE_TO_3000 = "() => parent.postMessage({type: 'petitions:resize', height: 3000}, '*')"

#: A partner page that shows the counter in the language the partner chose.
COUNTER_IN = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Ales Bialiatski</title></head>
<body>
<script src="{app}/embed.js" data-petition="{slug}" data-partner="amnesty-nl"
  data-widget="counter" data-lang="{lang}" async></script>
</body>
</html>
"""

#: A partner page on a phone, with the snippet pasted as the organizer page shows it.
SNIPPET_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Teken</title></head>
<body>
<h1>Vrijheid voor Ales Bialiatski</h1>
{snippet}
</body>
</html>
"""


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    return {"EMBED_MIN_FILL_SECONDS": MIN_FILL_SECONDS}


@pytest.fixture
def sanne(browser: Browser, console: Console) -> Iterator[Page]:
    """Sanne on a small phone."""
    yield from open_tab(
        browser,
        console,
        viewport={"width": PHONE_WIDTH, "height": 740},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
    )


def test_the_frame_grows_when_the_form_comes_back_with_errors(
    live_server: str, pieter: Page, console: Console, partner_site: StartSite
) -> None:
    petition = open_petition(title="Free Ales Bialiatski")
    amnesty = partner_site("127.0.0.2", partner_html(live_server, petition.slug))
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [amnesty.origin])
    pieter.goto(f"{amnesty.origin}{PARTNER_PATH}")
    form = pieter.frame_locator(FORM_FRAME)
    expect(form.get_by_role("button", name="Sign", exact=True)).to_be_visible()
    shown_at = time.monotonic()
    before, _ = heights_once_settled(pieter, FORM_FRAME)

    # Pieter sends the form with his name only: it comes back with a message at each field.
    form.get_by_label("Full name", exact=True).fill("Pieter Jansen")
    wait_out_min_fill(shown_at)
    with pieter.expect_response(re.compile(r"/sign\b")) as answer:
        form.get_by_role("button", name="Sign", exact=True).click()
    assert answer.value.status == 422
    expect(form.locator(".error-summary[role=alert]")).to_have_text(
        "Please correct the marked fields and send the form again."
    )
    expect(form.locator("p.error[role=alert]")).to_have_count(3)
    frame_of(pieter, FORM_FRAME).wait_for_load_state("load")

    outer, inner = heights_once_settled(pieter, FORM_FRAME)
    assert outer > before + 50, f"the frame stayed {outer:.0f}px tall for {inner:.0f}px"
    assert outer == pytest.approx(inner, abs=FIT_TOLERANCE)
    # No scrollbar inside the frame: its document is no taller than the frame.
    inner_scroll = frame_of(pieter, FORM_FRAME).evaluate(
        "() => document.documentElement.scrollHeight - window.innerHeight"
    )
    assert inner_scroll <= 1
    expect(form.get_by_label("Full name", exact=True)).to_have_value("Pieter Jansen")
    assert console.errors == [] or all("422" in error for error in console.errors)


def test_size_messages_from_anyone_but_our_own_frame_are_ignored(
    live_server: str, pieter: Page, partner_site: StartSite
) -> None:
    petition = open_petition(title="Free Ales Bialiatski")
    other = partner_site("127.0.0.3", "<!doctype html><title>Other</title><p>Other site</p>")
    html = partner_html(live_server, petition.slug).replace(
        "<p>Amnesty International Nederland</p>",
        f'<iframe title="Other site" src="{other.origin}/"></iframe>',
    )
    amnesty = partner_site("127.0.0.2", html)
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [amnesty.origin])
    pieter.goto(f"{amnesty.origin}{PARTNER_PATH}")
    expect(pieter.frame_locator(FORM_FRAME).get_by_role("button", name="Sign")).to_be_visible()
    fitted, _ = heights_once_settled(pieter, FORM_FRAME)
    frame_of(pieter, "iframe[title='Other site']").wait_for_load_state("load")

    # Another site's frame, the partner's page itself, and our other frame (the counter, our
    # origin but not the form's window) each ask the form's frame to be 3000 px tall.
    frame_of(pieter, "iframe[title='Other site']").evaluate(RESIZE_TO_3000)
    pieter.evaluate("() => window.postMessage({type: 'petitions:resize', height: 3000}, '*')")
    frame_of(pieter, COUNTER_FRAME).evaluate(RESIZE_TO_3000)
    # The counter's own frame does take its message: the listener is there and hears.
    wait_until(lambda: frame_height(pieter, COUNTER_FRAME) == 3000, pieter)

    assert frame_height(pieter, FORM_FRAME) == fitted
    # ...while the form's frame, asked by its own window, follows (the check above can fail).
    frame_of(pieter, FORM_FRAME).evaluate(RESIZE_TO_3000)
    wait_until(lambda: frame_height(pieter, FORM_FRAME) == 3000, pieter)


@pytest.mark.parametrize(
    ("lang", "title", "title_lang"),
    [("be", BE_TITLE, "be"), ("ru", "Free Ales Bialiatski", "en")],
)
def test_olga_reads_the_counter_in_the_partners_language(
    live_server: str,
    pieter: Page,
    partner_site: StartSite,
    lang: str,
    title: str,
    title_lang: str,
) -> None:
    petition = open_petition(title="Free Ales Bialiatski", language="en")
    translations.save(petition, "be", {"title": BE_TITLE}, by="test")
    db.session.commit()
    page = COUNTER_IN.format(app=live_server, slug=petition.slug, lang=lang)
    site = partner_site("127.0.0.2", page)
    add_partner(petition, "Belarusian diaspora", "amnesty-nl", [site.origin])

    pieter.goto(f"{site.origin}/")
    counter = pieter.frame_locator(COUNTER_FRAME)
    link = counter.locator(".embed-title a")
    expect(link).to_have_text(title)
    expect(counter.locator("html")).to_have_attribute("lang", lang)
    # The language a screen reader reads the title in: its nearest lang attribute.
    assert link.evaluate("a => a.firstElementChild?.lang || a.closest('[lang]').lang") == (
        title_lang
    )
    expect(counter.get_by_test_id("signature-count")).to_have_text("0")
    # The iframe is named for screen readers in the frame's language, not embed.js's English.
    expect(pieter.locator(COUNTER_FRAME)).to_have_attribute("title", title)


def snippet_of(organizer_browser: OrganizerBrowser, slug: str) -> str:
    """The script-free snippet, as the organizer copies it from the partners page."""
    organizer_browser.log_in("hanna@example.org", ORGANIZER_PASSWORD)
    page = organizer_browser.client.get(f"/organizer/petitions/{slug}/partners/")
    box = BeautifulSoup(page.get_data(as_text=True), "lxml").select_one("textarea[id^=iframe-]")
    assert box is not None, "no iframe snippet on the partners page"
    return box.get_text()


@pytest.mark.parametrize("lang", ["en", "be", "ru", "de"])
def test_sanne_signs_in_the_script_free_snippet_on_a_phone(
    live_server: str,
    sanne: Page,
    partner_site: StartSite,
    organizer_browser: OrganizerBrowser,
    lang: str,
) -> None:
    petition = open_petition(title="Free Ales Bialiatski")
    organizer("hanna@example.org", cases=(petition.case,))
    site = partner_site("127.0.0.2", "")
    add_partner(petition, "Amnesty Netherlands", "amnesty-nl", [site.origin])
    snippet = snippet_of(organizer_browser, petition.slug)
    # The snippet names BASE_URL; the live server answers for it here. The partner adds the
    # language to the address, as the partners page says.
    base = str(organizer_browser.client.application.config["BASE_URL"])
    snippet = snippet.replace(base, live_server).replace('amnesty-nl"', f'amnesty-nl&lang={lang}"')
    site.html = SNIPPET_PAGE.format(snippet=snippet)

    sanne.goto(f"{site.origin}/")
    frame = frame_of(sanne, "iframe")
    frame.wait_for_load_state("load")

    # The whole form fits the frame: no scrolling inside it, sideways or down.
    sizes = frame.evaluate(
        """() => ({width: document.documentElement.scrollWidth, inner: window.innerWidth,
                   height: document.documentElement.scrollHeight, tall: window.innerHeight})"""
    )
    assert sizes["width"] <= sizes["inner"], sizes
    assert content_height(frame) <= sizes["tall"], sizes
    assert frame_height(sanne, "iframe") == sizes["tall"]
    assert sanne.evaluate("() => document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert frame.evaluate("() => document.documentElement.lang") == lang
    # The language stays with the form once sent.
    form = sanne.frame_locator("iframe")
    form.locator("form button[type=submit]").click()
    expect(form.locator("html")).to_have_attribute("lang", lang)
    expect(form.locator(".error-summary[role=alert]")).to_be_visible()
