"""Aliaksandra, in Vilnius, signs the demo petition on a small Android phone set to Belarusian.

She mistypes her address and forgets her name; the form tells her at the top, she fixes both and
signs. The confirmation mail (in Belarusian) reaches a real SMTP server; she opens its link on
her partner's phone, whose browser speaks Polish, and still reads Belarusian: the confirm page,
the thank-you page and the petition, whose count has moved by exactly one. axe-core judges every
page she meets, as her phone shows it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from petitions.cases.demo import DEMO_PETITION_SLUG
from petitions.cases.demo_translations import TRANSLATIONS
from petitions.extensions import db
from petitions.mail.worker import drain_once
from petitions.signing.models import Signature, SignatureState
from tests.conftest import SmtpServer
from tests.journeys.conftest import Console
from tests.journeys.phone import (
    SMALL_ANDROID,
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

BE = TRANSLATIONS["be"]
TITLE = BE["title"]


def test_aliaksandra_signs_on_her_phone_in_belarusian_and_confirms_on_a_polish_browser(
    live_server: str, browser: Browser, smtp: SmtpServer
) -> None:
    petition_id = load_demo(signers=3)
    axe = AxeOnEachPage()
    console = Console()
    with phone_tab(browser, console, SMALL_ANDROID, locale="be-BY") as page:
        # She opens the petition from a link; her browser asks for Belarusian.
        opened = page.goto(f"{live_server}/p/{DEMO_PETITION_SLUG}")
        assert opened is not None
        assert opened.status == 200
        assert page_language(page) == "be"
        title = page.get_by_role("heading", level=1)
        expect(title).to_have_text(TITLE)
        assert language_of(title) == "be"
        letter = page.locator(".petition-text")
        expect(letter).to_contain_text("Да ўладаў Рэспублікі Беларусь")
        assert language_of(letter) == "be"
        # The count and the way to the form are on her first screen.
        count = page.get_by_test_id("signature-count")
        in_first_screen(page, count)
        before = shown_count(page)
        assert before == 3
        sign_now = page.get_by_test_id("sign-now")
        expect(sign_now).to_have_text("Падпісаць")
        in_first_screen(page, sign_now)
        axe.judge(page, "petition page")

        # She taps "Sign now", forgets her name and mistypes her address.
        sign_now.tap()
        expect(page.get_by_role("heading", name="Падпішыце гэтую петыцыю")).to_be_in_viewport()
        page.get_by_label("Электронная пошта", exact=True).fill("aliaksandra.example.org")
        page.get_by_label("Краіна", exact=True).select_option(label="Літва")
        page.get_by_label("Горад або населены пункт", exact=True).fill("Вільня")
        with page.expect_response(f"{live_server}/p/{DEMO_PETITION_SLUG}/sign") as answer:
            page.get_by_role("button", name="Падпісаць", exact=True).tap()
        assert answer.value.status == 422

        # The summary of what to fix comes first, has the focus, and leads to each field.
        summary = page.get_by_test_id("error-summary")
        expect(summary).to_contain_text(
            "Калі ласка, выпраўце адзначаныя палі і адпраўце форму яшчэ раз."
        )
        focus_lands_on(page, "error-summary")
        in_view(page, summary)
        summary_box = summary.bounding_box()
        first_field = page.get_by_label("Імя і прозвішча", exact=True).bounding_box()
        assert summary_box is not None
        assert first_field is not None
        assert summary_box["y"] + summary_box["height"] <= first_field["y"]
        name_error = "Увядзіце, калі ласка, сваё імя."
        email_error = "Здаецца, гэты адрас электроннай пошты не працуе. Калі ласка, праверце яго."
        assert error_summary_links(page) == {
            "full_name": f"Імя і прозвішча: {name_error}",
            "email": f"Электронная пошта: {email_error}",
        }
        assert_bad_field(page, "full_name", name_error, kept="")
        assert_bad_field(page, "email", email_error, kept="aliaksandra.example.org")
        expect(page.get_by_label("Горад або населены пункт", exact=True)).to_have_value("Вільня")
        expect(page.get_by_label("Краіна", exact=True)).to_have_value("LT")
        for kept in ("Горад або населены пункт", "Краіна"):
            field = page.get_by_label(kept, exact=True)
            expect(field).not_to_have_attribute("aria-invalid", "true")
        axe.judge(page, "petition page with errors")

        # The summary's link takes her to the address; she fixes both fields and signs.
        summary.get_by_role("link", name=f"Электронная пошта: {email_error}").tap()
        email = page.get_by_label("Электронная пошта", exact=True)
        expect(email).to_be_in_viewport()
        email.fill("aliaksandra@example.org")
        page.get_by_label("Імя і прозвішча", exact=True).fill("Аляксандра Кузьміч")
        page.get_by_role("button", name="Падпісаць", exact=True).tap()
        expect(page.get_by_role("heading", name="Праверце пошту", level=1)).to_be_visible()
        assert page.url == f"{live_server}/p/{DEMO_PETITION_SLUG}/check-your-inbox"
        assert page_language(page) == "be"
        axe.judge(page, "check-your-inbox page")
        no_page_errors(page, console, refused=f"{live_server}/p/{DEMO_PETITION_SLUG}/sign")

        db.session.expire_all()
        signature = db.session.execute(
            db.select(Signature).filter_by(email="aliaksandra@example.org")
        ).scalar_one()
        assert signature.state is SignatureState.PENDING
        assert (signature.full_name, signature.city, signature.locale) == (
            "Аляксандра Кузьміч",
            "Вільня",
            "be",
        )

        # The outbox worker sends her mail, in Belarusian, through the real SMTP server.
        assert drain_once().sent == 1
        mail = smtp.take_one()
        assert mail.recipients == ["aliaksandra@example.org"]
        message = strictly_parsed(mail)
        assert message["Subject"] == f"Пацвердзіце, калі ласка, свой подпіс: {TITLE}"
        text = body_of(message, "plain")
        assert f"Калі ласка, пацвердзіце свой подпіс пад петыцыяй «{TITLE}»" in text
        assert "Вы падпісалі петыцыю як: Аляксандра Кузьміч, Вільня" in text
        assert "Please confirm" not in text
        assert '<html lang="be">' in body_of(message, "html")
        confirm_path = mail.link("confirm")
        assert confirm_path.endswith("?lang=be"), confirm_path

    # She opens the link on her partner's phone, whose browser speaks Polish.
    polish_console = Console()
    with phone_tab(browser, polish_console, SMALL_ANDROID, locale="pl-PL") as other:
        # On its own that browser reads the petition in Polish; her signature is not counted.
        other.goto(f"{live_server}/p/{DEMO_PETITION_SLUG}")
        assert page_language(other) == "pl"
        expect(other.get_by_test_id("sign-now")).to_have_text("Podpisz")
        assert shown_count(other) == before

        other.goto(f"{live_server}{confirm_path}")
        assert page_language(other) == "be"
        expect(other.get_by_role("heading", level=1)).to_have_text("Пацвердзіце подпіс")
        expect(other.locator(".signer")).to_contain_text("Аляксандра Кузьміч")
        axe.judge(other, "confirm page")
        confirm = other.get_by_role("button", name="Пацвердзіць подпіс")
        in_first_screen(other, confirm)
        # Opening the link counts nothing; only the button does.
        assert stored_state(petition_id, "aliaksandra@example.org") == (
            before,
            SignatureState.PENDING,
        )
        confirm.tap()

        expect(other.get_by_role("heading", level=1)).to_have_text("Дзякуй! Ваш подпіс пацверджаны")
        assert page_language(other) == "be"
        assert shown_count(other) == before + 1
        share = other.get_by_test_id("share")
        expect(share.get_by_role("heading", level=2)).to_have_text("Папрасіце іншых падпісаць")
        assert other.get_by_test_id("share-link").count() >= 3
        assert "lang=be" in str(share.get_attribute("data-share-url"))
        axe.judge(other, "confirmed page")

        # Back on the petition, still in Belarusian on the Polish browser: one more signature.
        other.get_by_role("link", name=f"Вярнуцца да петыцыі «{TITLE}»").tap()
        expect(other).to_have_url(f"{live_server}/p/{DEMO_PETITION_SLUG}")
        assert page_language(other) == "be"
        expect(other.get_by_role("heading", level=1)).to_have_text(TITLE)
        assert shown_count(other) == before + 1
        axe.judge(other, "petition page after confirming")
        no_page_errors(other, polish_console)

    assert stored_state(petition_id, "aliaksandra@example.org") == (
        before + 1,
        SignatureState.CONFIRMED,
    )
    axe.assert_no_violation(expected_pages=6)
