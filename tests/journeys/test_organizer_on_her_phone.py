"""Hanna, on a small phone, reads each section of her petition's dashboard and exports the
signers from Belarus with the searchable country filter; then again with scripts off."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from petitions.paper import services as paper
from tests.factories import ORGANIZER_PASSWORD, confirmed_signature, open_petition, organizer
from tests.journeys.conftest import Console, csp_violations, open_tab

pytestmark = pytest.mark.browser

#: The narrowest phones still sold (CSS pixels): no section may scroll sideways on one.
SMALL_PHONE = {"width": 360, "height": 740}

SECTIONS = {
    "Overview": "",
    "Signatures": "/signatures",
    "Comments": "/comments",
    "Bundles": "/bundles",
    "Partners": "/partners/",
    "Paper signatures": "/paper/",
    "Updates": "/updates",
}


def _phone(browser: Browser, console: Console, **options: object) -> Iterator[Page]:
    yield from open_tab(
        browser,
        console,
        viewport=SMALL_PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        accept_downloads=True,
        **options,
    )


@pytest.fixture
def phone(browser: Browser, console: Console) -> Iterator[Page]:
    yield from _phone(browser, console)


@pytest.fixture
def phone_without_scripts(browser: Browser, console: Console) -> Iterator[Page]:
    yield from _phone(browser, console, java_script_enabled=False)


@pytest.fixture
def slug() -> str:
    petition = open_petition(title="Free Ales Bialiatski, Nobel Peace Prize laureate 2022")
    organizer("hanna@example.org", cases=(petition.case,))
    confirmed_signature(petition, full_name="Jan de Vries", city="Utrecht", country="NL")
    confirmed_signature(
        petition,
        full_name="Алесь Бяляцкі",
        city="Мінск",
        country="BY",
        # Words and an address too long for a phone's line: they wrap, the page stays put.
        comment="Трымайцеся! " * 20 + "https://spring96.org/be/news/" + "x" * 90,
    )
    confirmed_signature(petition, full_name="Lotte Peeters", city="Gent", country="BE")
    # A sheet from a stall, with a doubtful pair (Lotte in another city) to decide.
    paper.enter_sheet(
        petition,
        paper.SheetDetails(1, "Stall at the Korenmarkt, Gent", dt.date(2024, 5, 1)),
        [paper.PaperSigner("Lotte Peeters", "Sint-Amandsberg", "BE")],
        by="hanna@example.org",
        organizer_id=None,
    )
    return petition.slug


def _log_in(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/organizer/")
    page.get_by_label("Email").fill("hanna@example.org")
    page.get_by_label("Password").fill(ORGANIZER_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your campaigns")).to_be_visible()


def _scrolls_sideways(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


def _exported_names(page: Page, button: str) -> list[str]:
    with page.expect_download() as download_info:
        page.get_by_role("button", name=button).click()
    path = download_info.value.path()
    assert path is not None
    with open(path, encoding="utf-8-sig") as handle:
        return sorted(row["Name"] for row in csv.DictReader(io.StringIO(handle.read())))


def test_each_section_fits_a_small_phone_and_its_nav_says_where_she_is(
    phone: Page, live_server: str, slug: str, console: Console
) -> None:
    _log_in(phone, live_server)
    for name, path in SECTIONS.items():
        phone.goto(f"{live_server}/organizer/petitions/{slug}{path}")
        nav = phone.get_by_role("navigation", name="Sections of the petition dashboard")
        expect(nav.locator('[aria-current="page"]')).to_have_text(name)
        assert not _scrolls_sideways(phone), f"{name} scrolls sideways on a 360 px phone"
        if name != "Partners":  # the partner page's preview frame is another document
            assert csp_violations(phone) == [], name
    # Her way between sections is the nav, not the address bar.
    phone.goto(f"{live_server}/organizer/petitions/{slug}")
    nav = phone.get_by_role("navigation", name="Sections of the petition dashboard")
    nav.get_by_role("link", name="Comments").click()
    expect(phone.get_by_role("heading", level=2)).to_have_text("Comments")
    assert console.errors == []


def test_she_types_bel_picks_belarus_and_exports_only_its_signers(
    phone: Page, live_server: str, slug: str, console: Console
) -> None:
    _log_in(phone, live_server)
    phone.goto(f"{live_server}/organizer/petitions/{slug}/signatures")
    search = phone.get_by_label("Find a country")
    options = phone.locator("#country-options li:visible label")

    search.fill("bel")

    expect(options).to_have_text(["Belarus", "Belgium", "Belize"])
    expect(phone.get_by_text("Options shown: 3")).to_be_visible()
    phone.get_by_role("checkbox", name="Belarus").check()
    expect(phone.get_by_role("button", name="Remove Belarus")).to_be_visible()
    assert not _scrolls_sideways(phone)
    # With the keyboard: Enter ticks the first match, a chip is removed with Enter.
    search.fill("belg")
    search.press("Enter")
    expect(search).to_have_value("")
    remove_belgium = phone.get_by_role("button", name="Remove Belgium")
    remove_belgium.focus()
    phone.keyboard.press("Enter")
    expect(remove_belgium).to_have_count(0)
    expect(phone.get_by_role("checkbox", name="Belgium")).not_to_be_checked()
    expect(phone.locator("button.chip")).to_have_count(1)

    assert _exported_names(phone, "Download signatures (CSV)") == ["Алесь Бяляцкі"]
    assert csp_violations(phone) == []
    assert console.errors == []


def test_without_scripts_she_ticks_belarus_in_the_list_and_exports_its_signers(
    phone_without_scripts: Page, live_server: str, slug: str
) -> None:
    page = phone_without_scripts
    _log_in(page, live_server)
    page.goto(f"{live_server}/organizer/petitions/{slug}/signatures")
    expect(page.get_by_label("Find a country")).to_be_hidden()

    page.get_by_role("checkbox", name="Belarus").check()

    assert not _scrolls_sideways(page)
    assert _exported_names(page, "Download signatures (CSV)") == ["Алесь Бяляцкі"]
