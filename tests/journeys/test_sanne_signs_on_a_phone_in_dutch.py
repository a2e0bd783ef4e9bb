"""Sanne, in Utrecht, signs the demo petition on her Pixel 5, whose browser speaks Dutch.

She leaves her name out and types half an address; the form tells her at the top, she fixes
both and signs. The confirmation mail (in Dutch) reaches a real SMTP server; she opens its link
on the shared phone of her Polish housemate, and still reads Dutch: the confirm page, the
thank-you page and the petition, whose count has moved by exactly one. axe-core judges every
page she meets, as the phone shows it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Playwright, expect

from petitions.cases.demo import DEMO_PETITION_SLUG
from petitions.cases.demo_translations import TRANSLATIONS
from petitions.extensions import db
from petitions.mail.worker import drain_once
from petitions.signing.models import Signature, SignatureState
from tests.conftest import SmtpServer
from tests.journeys.conftest import Console
from tests.journeys.phone import (
    AxeOnEachPage,
    assert_bad_field,
    body_of,
    error_summary_links,
    focus_lands_on,
    in_first_screen,
    in_view,
    language_of,
    load_demo,
    no_page_errors,
    page_language,
    phone_tab,
    shown_count,
    stored_state,
    strictly_parsed,
)

pytestmark = pytest.mark.browser

TITLE = TRANSLATIONS["nl"]["title"]
SIGN_URL = f"/p/{DEMO_PETITION_SLUG}/sign"


def test_sanne_signs_on_her_phone_in_dutch_and_confirms_on_a_polish_browser(
    live_server: str, browser: Browser, playwright: Playwright, smtp: SmtpServer
) -> None:
    pixel_5 = playwright.devices["Pixel 5"]
    petition_id = load_demo(signers=3, counted_before=1231)
    axe = AxeOnEachPage()
    console = Console()
    with phone_tab(browser, console, pixel_5, locale="nl-NL") as page:
        # She opens the petition from a link; her browser asks for Dutch.
        opened = page.goto(f"{live_server}/p/{DEMO_PETITION_SLUG}")
        assert opened is not None
        assert opened.status == 200
        assert page_language(page) == "nl"
        title = page.get_by_role("heading", level=1)
        expect(title).to_have_text(TITLE)
        assert language_of(title) == "nl"
        letter = page.locator(".petition-text")
        expect(letter).to_contain_text("Aan de autoriteiten van de Republiek Belarus,")
        assert language_of(letter) == "nl"
        # The count and the way to the form are on her first screen.
        count = page.get_by_test_id("signature-count")
        in_first_screen(page, count)
        before = shown_count(page)
        assert before == 1234
        expect(count).to_have_text("1.234")  # grouped as Dutch groups digits
        sign_now = page.get_by_test_id("sign-now")
        expect(sign_now).to_have_text("Nu tekenen")
        in_first_screen(page, sign_now)
        axe.judge(page, "petition page")

        # She taps "Sign now", forgets her name and mistypes her address.
        sign_now.tap()
        expect(page.get_by_role("heading", name="Onderteken deze petitie")).to_be_in_viewport()
        page.get_by_label("E-mail", exact=True).fill("sanne@")
        page.get_by_label("Land", exact=True).select_option(label="Nederland")
        page.get_by_label("Woonplaats", exact=True).fill("Utrecht")
        with page.expect_response(f"{live_server}{SIGN_URL}") as answer:
            page.get_by_role("button", name="Ondertekenen", exact=True).tap()
        assert answer.value.status == 422

        # The summary of what to fix comes first, has the focus, and leads to each field.
        summary = page.get_by_test_id("error-summary")
        expect(summary).to_contain_text(
            "Verbeter de gemarkeerde velden en verstuur het formulier opnieuw."
        )
        focus_lands_on(page, "error-summary")
        in_view(page, summary)
        summary_box = summary.bounding_box()
        first_field = page.get_by_label("Voor- en achternaam", exact=True).bounding_box()
        assert summary_box is not None
        assert first_field is not None
        assert summary_box["y"] + summary_box["height"] <= first_field["y"]
        name_error = "Vul je naam in."
        email_error = "Dit lijkt geen werkend e-mailadres. Controleer het even."
        assert error_summary_links(page) == {
            "full_name": f"Voor- en achternaam: {name_error}",
            "email": f"E-mail: {email_error}",
        }
        assert_bad_field(page, "full_name", name_error, kept="")
        assert_bad_field(page, "email", email_error, kept="sanne@")
        expect(page.get_by_label("Woonplaats", exact=True)).to_have_value("Utrecht")
        expect(page.get_by_label("Land", exact=True)).to_have_value("NL")
        for kept in ("Woonplaats", "Land"):
            field = page.get_by_label(kept, exact=True)
            expect(field).not_to_have_attribute("aria-invalid", "true")
        axe.judge(page, "petition page with errors")

        # The summary's link takes her to the address; she fixes both fields and signs.
        summary.get_by_role("link", name=f"E-mail: {email_error}").tap()
        email = page.get_by_label("E-mail", exact=True)
        expect(email).to_be_in_viewport()
        email.fill("sanne@example.org")
        page.get_by_label("Voor- en achternaam", exact=True).fill("Sanne de Vries")
        page.get_by_role("button", name="Ondertekenen", exact=True).tap()
        expect(page.get_by_role("heading", name="Kijk in je inbox", level=1)).to_be_visible()
        assert page.url == f"{live_server}/p/{DEMO_PETITION_SLUG}/check-your-inbox"
        assert page_language(page) == "nl"
        axe.judge(page, "check-your-inbox page")
        no_page_errors(page, console, refused=f"{live_server}{SIGN_URL}")

        db.session.expire_all()
        signature = db.session.execute(
            db.select(Signature).filter_by(email="sanne@example.org")
        ).scalar_one()
        assert signature.state is SignatureState.PENDING
        assert (signature.full_name, signature.city, signature.locale) == (
            "Sanne de Vries",
            "Utrecht",
            "nl",
        )

        # The outbox worker sends her mail, in Dutch, through the real SMTP server.
        assert drain_once().sent == 1
        mail = smtp.take_one()
        assert mail.recipients == ["sanne@example.org"]
        message = strictly_parsed(mail)
        assert message["Subject"] == f"Bevestig je handtekening: {TITLE}"
        text = body_of(message, "plain")
        assert f"Bevestig je handtekening onder de petitie “{TITLE}”" in text
        assert "Je hebt ondertekend als:" in text
        assert "Please confirm" not in text
        assert '<html lang="nl">' in body_of(message, "html")
        confirm_path = mail.link("confirm")
        assert confirm_path.endswith("?lang=nl"), confirm_path

    # She opens the link on her housemate's phone, whose browser speaks Polish.
    polish_console = Console()
    with phone_tab(browser, polish_console, pixel_5, locale="pl-PL") as other:
        # On its own that browser reads the petition in Polish; her signature is not counted.
        other.goto(f"{live_server}/p/{DEMO_PETITION_SLUG}")
        assert page_language(other) == "pl"
        expect(other.get_by_test_id("sign-now")).to_have_text("Podpisz")
        assert shown_count(other) == before

        other.goto(f"{live_server}{confirm_path}")
        assert page_language(other) == "nl"
        expect(other.get_by_role("heading", level=1)).to_have_text("Bevestig je handtekening")
        expect(other.locator(".signer")).to_contain_text("Sanne de Vries")
        axe.judge(other, "confirm page")
        confirm = other.get_by_role("button", name="Mijn handtekening bevestigen")
        in_first_screen(other, confirm)
        # Opening the link counts nothing; only the button does.
        assert stored_state(petition_id, "sanne@example.org") == (
            before,
            SignatureState.PENDING,
        )
        confirm.tap()

        expect(other.get_by_role("heading", level=1)).to_have_text(
            "Bedankt: je handtekening is bevestigd"
        )
        assert page_language(other) == "nl"
        assert shown_count(other) == before + 1
        share = other.get_by_test_id("share")
        expect(share.get_by_role("heading", level=2)).to_have_text("Vraag anderen om te tekenen")
        assert other.get_by_test_id("share-link").count() >= 3
        assert "lang=nl" in str(share.get_attribute("data-share-url"))
        axe.judge(other, "confirmed page")

        # Back on the petition, still in Dutch on the Polish browser: one more signature.
        other.get_by_role("link", name=f"Terug naar “{TITLE}”").tap()
        expect(other).to_have_url(f"{live_server}/p/{DEMO_PETITION_SLUG}")
        assert page_language(other) == "nl"
        expect(other.get_by_role("heading", level=1)).to_have_text(TITLE)
        assert shown_count(other) == before + 1
        axe.judge(other, "petition page after confirming")
        no_page_errors(other, polish_console)

    assert stored_state(petition_id, "sanne@example.org") == (
        before + 1,
        SignatureState.CONFIRMED,
    )
    axe.assert_no_violation(expected_pages=6)
