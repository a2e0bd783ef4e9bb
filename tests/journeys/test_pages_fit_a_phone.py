"""The public pages as a supporter's phone and a desktop lay them out: nothing widens the page,
nothing is squeezed, and every field in error looks it.

Found by looking at screenshots (issue #14's review): a signer's comment holding a long address
widened the petition page to 795 px on a 360 px phone; a case without a portrait kept its name
and status in the portrait's narrow column; text inputs in error kept their grey border.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from petitions.cases.models import Petition
from tests.factories import confirmed_signature, open_petition
from tests.journeys.conftest import Console, open_tab

pytestmark = pytest.mark.browser

LONG_ADDRESS = "https://spring96.org/be/news/" + "a" * 120
#: The error colour of static/css/site.css (--error: #b00020).
ERROR_RED = "rgb(176, 0, 32)"


@pytest.fixture
def phone(browser: Browser, console: Console) -> Iterator[Page]:
    yield from open_tab(
        browser,
        console,
        viewport={"width": 360, "height": 780},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
    )


@pytest.fixture
def desktop(browser: Browser, console: Console) -> Iterator[Page]:
    yield from open_tab(browser, console, viewport={"width": 1280, "height": 800}, locale="en-GB")


@pytest.fixture
def petition() -> Petition:
    petition = open_petition(title="Free Ales Bialiatski")
    confirmed_signature(
        petition, full_name="Sanne Bakker", show_name_publicly=True, comment=f"Lees {LONG_ADDRESS}"
    )
    return petition


def scrolls_sideways(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


def test_a_long_address_in_a_comment_wraps_on_a_phone(
    phone: Page, live_server: str, petition: Petition
) -> None:
    phone.goto(f"{live_server}/p/{petition.slug}")

    expect(phone.locator(".comments blockquote")).to_contain_text(LONG_ADDRESS)
    assert not scrolls_sideways(phone)


def test_every_field_in_error_is_marked_by_its_border(
    phone: Page, live_server: str, petition: Petition
) -> None:
    phone.goto(f"{live_server}/p/{petition.slug}")
    with phone.expect_response(lambda answer: answer.request.method == "POST") as sent:
        phone.locator("form[action*='/sign'] button[type=submit]").click()
    assert sent.value.status == 422

    invalid = phone.locator("main form [aria-invalid='true']")
    assert invalid.count() >= 3
    for n in range(invalid.count()):
        field = invalid.nth(n)
        color = field.evaluate("element => getComputedStyle(element).borderTopColor")
        assert color == ERROR_RED, (field.get_attribute("id"), color)
    valid = phone.locator("main form input[type=text]:not([aria-invalid='true'])")
    for n in range(valid.count()):
        color = valid.nth(n).evaluate("element => getComputedStyle(element).borderTopColor")
        assert color != ERROR_RED
    assert not scrolls_sideways(phone)


def test_a_case_without_a_portrait_gives_its_name_the_width(
    desktop: Page, live_server: str, petition: Petition
) -> None:
    desktop.goto(f"{live_server}/cases/{petition.case.slug}")

    heading = desktop.get_by_role("heading", level=1)
    box = heading.bounding_box()
    main = desktop.locator("main").bounding_box()
    assert box is not None
    assert main is not None
    assert box["width"] > main["width"] * 0.8, (box, main)
    assert heading.evaluate("h => h.getClientRects().length") == 1
