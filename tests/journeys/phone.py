"""What the journeys on a phone in another language share: the phones, the first screen, the
error summary, axe-core on each page, and the confirmation mail read by a strict parser.

Each journey (test_*_signs_on_a_phone_in_*.py) tells its own story with the words its reader
sees; the steps every such story takes are here, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from playwright.sync_api import Browser, Locator, Page, expect

from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.signing.models import Signature, SignatureState
from tests.factories import confirmed_signature, demo_campaign
from tests.journeys.conftest import Console, csp_violations, open_tab
from tests.judges import Judged, describe_axe, load_axe, require_judges, run_axe
from tests.servers import ReceivedMail

#: A small Android phone, the kind many supporters in Belarus sign from (CSS pixels).
SMALL_ANDROID: dict[str, Any] = {
    "viewport": {"width": 360, "height": 780},
    "screen": {"width": 360, "height": 780},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


@contextmanager
def phone_tab(
    browser: Browser, console: Console, device: dict[str, Any], locale: str
) -> Iterator[Page]:
    """Yield a page on a phone whose browser speaks ``locale``, axe-core loaded in each page.

    The pages keep their CSP (no bypass): axe-core comes in as an init script, outside it.
    """
    require_judges(need_java=False)
    tabs = open_tab(browser, console, **device, locale=locale, timezone_id="Europe/Minsk")
    tab = next(tabs)
    try:
        load_axe(tab.context)
        yield tab
    finally:
        next(tabs, None)  # closes the context


def load_demo(signers: int, counted_before: int = 0) -> int:
    """Load the demo campaign with ``signers`` confirmed signatures; return its petition's id."""
    petition = demo_campaign(counted_before)
    for _ in range(signers):
        confirmed_signature(petition)
    return petition.id


def stored_state(petition_id: int, email: str) -> tuple[int, SignatureState]:
    """Return the petition's count and the state of the signature from ``email``, read afresh
    (the live server writes from its own threads)."""
    db.session.expire_all()
    petition = db.session.get(Petition, petition_id)
    assert petition is not None
    signature: Signature = db.session.execute(
        db.select(Signature).filter_by(petition_id=petition_id, email=email)
    ).scalar_one()
    return petition.signature_count, signature.state


def shown_count(page: Page) -> int:
    """Return the count the page shows (digits grouped by space, comma or dot)."""
    shown = page.get_by_test_id("signature-count").inner_text()
    digits = "".join(c for c in shown if c.isdigit())
    # Digits and at most their group separators (a space, a comma or a dot each).
    assert digits, f"not a count: {shown!r}"
    assert len(shown.strip()) - len(digits) <= len(digits) // 3, f"not a count: {shown!r}"
    return int(digits)


def in_first_screen(page: Page, locator: Locator) -> None:
    """Assert the element is wholly within the screen as the page opens, without scrolling."""
    assert page.evaluate("window.scrollY") == 0, "the page opened scrolled"
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    screen = page.viewport_size
    assert screen is not None
    assert box["x"] >= 0
    assert box["y"] >= 0
    assert box["x"] + box["width"] <= screen["width"], (locator, box, screen)
    assert box["y"] + box["height"] <= screen["height"], (locator, box, screen)
    # Nothing wider than the screen either: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= screen["width"]


def in_view(page: Page, locator: Locator) -> None:
    """Assert the element is within the screen where the page is scrolled to now."""
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    screen = page.viewport_size
    assert screen is not None
    # Its top, or its first 40 pixels of a tall element, are on the screen.
    assert box["y"] >= 0, (box, screen)
    assert box["y"] + min(box["height"], 40) <= screen["height"], (box, screen)


def language_of(locator: Locator) -> str:
    """Return the language an element is in: its own lang, or its nearest ancestor's."""
    found = locator.evaluate("(e) => e.closest('[lang]').getAttribute('lang')")
    return str(found)


def page_language(page: Page) -> str:
    return str(page.locator("html").get_attribute("lang"))


def focused_test_id(page: Page) -> str | None:
    """Return the data-testid of the element that has the focus (None when none has)."""
    found = page.evaluate("document.activeElement && document.activeElement.dataset.testid")
    return str(found) if found else None


def focus_lands_on(page: Page, test_id: str) -> None:
    """Wait (up to 5 s) until the element with this data-testid has the focus.

    A browser moves the focus to an ``autofocus`` element in a rendering step after the page is
    parsed, so a busy machine may still show it on ``<body>`` just after the page arrived.
    """
    page.wait_for_function(
        "id => document.activeElement && document.activeElement.dataset.testid === id",
        arg=test_id,
        timeout=5000,
    )
    assert focused_test_id(page) == test_id


def error_summary_links(page: Page) -> dict[str, str]:
    """Return the error summary's links: the id of the field each leads to, and its words."""
    links = page.get_by_test_id("error-summary").get_by_role("link")
    found: dict[str, str] = {}
    for n in range(links.count()):
        link = links.nth(n)
        href = str(link.get_attribute("href"))
        assert href.startswith("#"), href
        found[href[1:]] = link.inner_text()
    return found


def assert_bad_field(page: Page, field_id: str, message: str, kept: str) -> None:
    """Assert a refused field is marked invalid, says why next to itself, and kept its input."""
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_value(kept)
    error = page.locator(f"#{field_id}-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(message)
    assert f"{field_id}-error" in str(field.get_attribute("aria-describedby")).split()


class AxeOnEachPage:
    """Runs axe-core in each page of a journey as the phone shows it; reports all at the end."""

    def __init__(self) -> None:
        self.judged: list[Judged] = []

    def judge(self, page: Page, name: str) -> None:
        language = page_language(page)
        self.judged.append(
            Judged(name, language, page.url, "", run_axe(page, f"{name} [{language}]"))
        )

    def assert_no_violation(self, expected_pages: int) -> None:
        assert len(self.judged) == expected_pages, [j.name for j in self.judged]
        problems = [line for page in self.judged for line in describe_axe(page)]
        assert not problems, f"{len(problems)} axe-core findings:\n" + "\n".join(problems)


def strictly_parsed(mail: ReceivedMail) -> EmailMessage:
    """Parse the mail as it arrived with email.policy.strict: any defect raises."""
    assert mail.raw, "the SMTP server kept no bytes of the mail"
    message = message_from_bytes(mail.raw, policy=policy.strict)
    assert isinstance(message, EmailMessage)
    assert not message.defects
    for part in message.walk():
        assert not part.defects, part.defects
    return message


def body_of(message: EmailMessage, kind: str) -> str:
    body = message.get_body((kind,))
    assert body is not None, f"no {kind} body"
    return str(body.get_content())


def no_page_errors(page: Page, console: Console, refused: str | None = None) -> None:
    """Assert no script failed and the CSP blocked nothing in the journey's pages.

    :param refused: the address of a form that answered 422 on purpose (Chromium logs it).
    """
    expected = (
        "Failed to load resource: the server responded with a status of 422"
        f" (UNPROCESSABLE ENTITY) @ {refused}"
    )
    assert [error for error in console.errors if error != expected] == []
    assert csp_violations(page) == []
