"""Christie, on a phone, signs the petition for Ales Bialiatski, confirms from her mail and
sees the count rise.

A real browser (headless Chromium, phone-sized) drives the live server; the confirmation mail
goes through the outbox worker to a real SMTP server. The live server answers from other
threads, so database checks expire the test's session and query afresh.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.mail.models import OutboxMessage
from petitions.mail.worker import drain_once
from petitions.signing.models import Signature, SignatureState
from tests.conftest import SmtpServer
from tests.factories import confirmed_signature, open_petition
from tests.journeys.conftest import PHONE_WIDTH, Console, csp_violations

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/petition-mobile.png"


def shown_count(page: Page) -> int:
    return int(page.get_by_test_id("signature-count").inner_text().replace(",", ""))


def width_of(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None, locator
    return box["width"]


def rows(model: type) -> int:
    db.session.expire_all()
    count: int = db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()
    return count


def stored_count(petition_id: int) -> int:
    db.session.expire_all()
    count: int = db.session.execute(
        db.select(Petition.signature_count).where(Petition.id == petition_id)
    ).scalar_one()
    return count


def test_christie_signs_on_her_phone_confirms_from_her_mail_and_sees_the_count_rise(
    live_server: str, page: Page, console: Console, smtp: SmtpServer
) -> None:
    petition = open_petition()
    for name in ("Natallia Pinchuk", "Valiantsin Stefanovich"):
        confirmed_signature(petition, full_name=name, show_name_publicly=True)
    slug, petition_id = petition.slug, petition.id

    # She opens the petition from a link on her phone and reads the count.
    response = page.goto(f"{live_server}/p/{slug}")
    assert response is not None
    assert response.status == 200
    assert "default-src 'self'" in (response.headers.get("content-security-policy") or "")
    expect(page.get_by_role("heading", name="Free Ales Bialiatski", level=1)).to_be_visible()
    before = shown_count(page)
    assert before == 2

    # Fits a phone: nothing wider than the screen, inputs as wide as the form, button on screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    form_width = width_of(page.locator("form"))
    for label in ("Full name", "Email", "Country", "City or town"):
        assert width_of(page.get_by_label(label, exact=True)) >= form_width - 1, label
    expect(page.get_by_role("button", name="Sign", exact=True)).to_be_visible()
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert console.errors == []
    assert csp_violations(page) == []

    # She fills the form by its labels and signs.
    page.get_by_label("Full name", exact=True).fill("Christie Miedema")
    page.get_by_label("Email", exact=True).fill("christie@example.org")
    page.get_by_label("Country", exact=True).select_option(label="Netherlands")
    page.get_by_label("City or town", exact=True).fill("Den Haag")
    page.get_by_label("Show my name in the public list of signers").check()
    page.get_by_role("button", name="Sign", exact=True).tap()

    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    assert page.url == f"{live_server}/p/{slug}/check-your-inbox"
    db.session.expire_all()
    signature = db.session.execute(
        db.select(Signature).filter_by(email="christie@example.org")
    ).scalar_one()
    assert signature.state is SignatureState.PENDING
    assert (signature.full_name, signature.country, signature.city) == (
        "Christie Miedema",
        "NL",
        "Den Haag",
    )
    assert signature.show_name_publicly is True
    assert stored_count(petition_id) == before

    # The outbox worker sends her the mail; she opens its link on the same phone.
    report = drain_once()
    assert report.sent == 1
    mail = smtp.take_one()
    assert mail.recipients == ["christie@example.org"]
    confirm_path = mail.link("confirm")

    page.goto(f"{live_server}{confirm_path}")
    expect(page.get_by_role("heading", name="Confirm your signature")).to_be_visible()
    expect(page.locator(".signer")).to_contain_text("Christie Miedema")
    confirm_button = page.get_by_role("button", name="Confirm my signature")
    expect(confirm_button).to_be_visible()
    # Opening the link counts nothing: not in the database, not on the petition page.
    assert stored_count(petition_id) == before
    other_tab = page.context.new_page()
    other_tab.goto(f"{live_server}/p/{slug}")
    assert shown_count(other_tab) == before
    other_tab.close()

    confirm_button.tap()
    expect(page.get_by_role("heading", name="your signature is confirmed")).to_be_visible()
    assert shown_count(page) == before + 1
    assert stored_count(petition_id) == before + 1

    # Back on the petition: the count is one higher and her name leads the latest signers.
    page.get_by_role("link", name="Back to “Free Ales Bialiatski”").tap()
    expect(page).to_have_url(f"{live_server}/p/{slug}")
    assert shown_count(page) == before + 1
    signers = page.locator(".signers li")
    expect(signers.first).to_have_text("Christie Miedema, Den Haag (Netherlands)")
    expect(signers).to_have_count(3)

    assert console.errors == []
    assert csp_violations(page) == []


def test_an_empty_name_is_refused_next_to_the_field_keeping_the_rest(
    live_server: str, page: Page, smtp: SmtpServer
) -> None:
    slug = open_petition().slug
    page.goto(f"{live_server}/p/{slug}")

    page.get_by_label("Email", exact=True).fill("christie@example.org")
    page.get_by_label("Country", exact=True).select_option(label="Netherlands")
    page.get_by_label("City or town", exact=True).fill("Den Haag")
    with page.expect_response(f"{live_server}/p/{slug}/sign") as answer:
        page.get_by_role("button", name="Sign", exact=True).tap()
    assert answer.value.status == 422

    expect(page.get_by_role("alert").first).to_contain_text("Please correct the marked fields")
    name = page.get_by_label("Full name", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_value("")
    error = page.locator("#full_name-error")
    expect(error).to_have_text("Please enter your name.")
    # "Next to the field": in the same field block, and tied to the input for screen readers.
    expect(page.locator(".field.has-error")).to_have_count(1)
    expect(page.locator(".field.has-error #full_name-error")).to_be_visible()
    assert "full_name-error" in (name.get_attribute("aria-describedby") or "").split()
    name_box, error_box = name.bounding_box(), error.bounding_box()
    assert name_box is not None
    assert error_box is not None
    assert 0 <= error_box["y"] - (name_box["y"] + name_box["height"]) < 40

    expect(page.get_by_label("Email", exact=True)).to_have_value("christie@example.org")
    expect(page.get_by_label("City or town", exact=True)).to_have_value("Den Haag")
    expect(page.get_by_label("Country", exact=True)).to_have_value("NL")
    for other in ("Email", "City or town", "Country"):
        expect(page.get_by_label(other, exact=True)).not_to_have_attribute("aria-invalid", "true")

    assert rows(Signature) == 0
    assert rows(OutboxMessage) == 0
    drain_once()
    assert smtp.untaken() == []
