"""Hanna, an organizer at her laptop, checks her petition and downloads a bundle for the embassy."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from tests.factories import ORGANIZER_PASSWORD, confirmed_signature, open_petition, organizer
from tests.journeys.conftest import TIMEOUT_MS, Console

pytestmark = pytest.mark.browser


@pytest.fixture
def laptop(browser: Browser, console: Console) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("console", console.on_message)
    yield tab
    context.close()


def test_hanna_logs_in_reads_her_dashboard_and_downloads_a_bundle_for_the_hague(
    laptop: Page, live_server: str, console: Console
) -> None:
    petition = open_petition(title="Free Ales Bialiatski")
    organizer("hanna@example.org", cases=(petition.case,))
    confirmed_signature(petition, full_name="Jan de Vries", city="Utrecht", country="NL")
    confirmed_signature(petition, full_name="Алесь Бяляцкі", city="Мінск", country="BY")
    confirmed_signature(petition, full_name="Christie Miedema", city="Den Haag", country="NL")
    other_case_petition = open_petition(title="Another organizer's petition")

    laptop.goto(f"{live_server}/organizer/")
    expect(laptop.get_by_role("heading", name="Organizer login")).to_be_visible()
    laptop.get_by_label("Email").fill("hanna@example.org")
    laptop.get_by_label("Password").fill(ORGANIZER_PASSWORD)
    laptop.get_by_role("button", name="Log in").click()

    expect(laptop.get_by_role("heading", name="Your campaigns")).to_be_visible()
    expect(laptop.get_by_text("Another organizer's petition")).to_have_count(0)
    laptop.get_by_role("link", name="Free Ales Bialiatski").click()

    expect(laptop.get_by_test_id("confirmed")).to_have_text("3")
    sections = laptop.get_by_role("navigation", name="Sections of the petition dashboard")
    sections.get_by_role("link", name="Signatures", exact=True).click()
    chart = laptop.get_by_role("img", name=re.compile("Bar chart of confirmed signatures"))
    expect(chart).to_be_visible()
    assert laptop.evaluate("img => img.naturalWidth", chart.element_handle()) > 0

    sections.get_by_role("link", name="Bundles").click()
    # The country filter: typed, the first match ticked with Enter, shown as a chip.
    laptop.get_by_label("Find a country").fill("nether")
    laptop.get_by_label("Find a country").press("Enter")
    expect(laptop.get_by_role("button", name="Remove Netherlands")).to_be_visible()
    expect(laptop.get_by_role("checkbox", name="Netherlands", exact=True)).to_be_checked()
    with laptop.expect_download() as download_info:
        laptop.get_by_role("button", name="Download the PDF bundle").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    assert path is not None
    with open(path, "rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "Jan de Vries" in text
    assert "Christie Miedema" in text
    assert "Алесь Бяляцкі" not in text
    fingerprint = re.findall(r"\b[0-9a-f]{64}\b", text)[0]

    laptop.goto(f"{live_server}/verify/{fingerprint}")
    expect(laptop.get_by_test_id("bundle-count")).to_have_text("2")

    assert console.errors == []

    # Another organizer's petition is simply not there for Hanna.
    answer = laptop.goto(f"{live_server}/organizer/petitions/{other_case_petition.slug}")
    assert answer is not None
    assert answer.status == 404
    expect(laptop.get_by_role("heading", name="Page not found")).to_be_visible()
