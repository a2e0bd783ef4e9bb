"""Nadzeya writes Ales a birthday wish in Belarusian from a ready text, and an organizer
approves it.

On her phone she opens the case, follows "Write to Ales Bialiatski", reads the ready text with
its English translation, picks it, adds a line of her own and sends it. The confirmation mail
goes through the outbox to a real SMTP server; she opens its link and presses the button. An
organizer logs in, reads the letter in the queue, approves it and prints the batch: her letter is
a page of the PDF (read back with pypdf), it is on the wall, and the count of wishes on the case
page has moved by exactly one.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from petitions.cases import status, translations
from petitions.extensions import db
from petitions.letters import services, settings
from petitions.letters.models import Letter, LetterBatch, LetterState, Occasion
from petitions.mail.worker import drain_once
from tests.conftest import SmtpServer
from tests.factories import ORGANIZER_PASSWORD, detained_case, letter, open_letters, organizer
from tests.journeys.conftest import Console, csp_violations, open_tab
from tests.letters.test_batches import flat, pages_of

pytestmark = pytest.mark.browser

READY = "Дарагі Алесь! Віншуем з днём нараджэння. Мы памятаем пра цябе кожны дзень."
TRANSLATED = "Dear Ales! Happy birthday. We remember you every day."
HER_LINE = "Абдымаю, Надзея з Гданьска."


def wishes_shown(page: Page) -> str:
    return page.get_by_test_id("wishes-count").inner_text()


def stored() -> list[Letter]:
    db.session.expire_all()
    return list(db.session.execute(db.select(Letter).order_by(Letter.id)).scalars())


def test_nadzeya_writes_a_birthday_wish_from_a_ready_text_and_it_reaches_the_wall(
    live_server: str, page: Page, browser: Browser, console: Console, smtp: SmtpServer
) -> None:
    case = detained_case()
    open_letters(case)
    ready = settings.add_ready_text(case, "be", READY, Occasion.BIRTHDAY)
    translations.save(ready, "en", {"text": TRANSLATED}, "organizer@example.org")
    db.session.commit()
    birthday_on = services.next_day(dt.date(1962, 9, 25), status.today())
    # One birthday wish for the coming birthday was approved before hers.
    letter(case, LetterState.APPROVED, occasion=Occasion.BIRTHDAY, occasion_year=birthday_on.year)
    organizer("organizer@example.org", cases=(case,))
    slug = case.slug

    # She opens the case and reads how many wishes were written.
    page.goto(f"{live_server}/cases/{slug}")
    assert wishes_shown(page) == "1 letter or wish written to Ales Bialiatski."
    page.get_by_test_id("write-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write to Ales Bialiatski")
    birthday = page.get_by_test_id("occasion-birthday")
    expect(birthday).to_contain_text("1 birthday wish for Ales Bialiatski")
    expect(birthday.locator(".countdown")).to_have_text(re.compile(r"^(today|in \d+ days?)$"))

    # The ready text is in Belarusian, with its translation into her page's language.
    offered = page.get_by_test_id(f"ready-{ready.id}")
    expect(offered.locator("blockquote")).to_have_text(READY)
    expect(offered.locator(".translation")).to_contain_text(TRANSLATED)
    offered.get_by_role("link").click()
    body = page.get_by_label("Your letter", exact=True)
    expect(body).to_have_value(READY)
    expect(page.get_by_label("Беларуская")).to_be_checked()
    expect(page.get_by_label("Birthday wish")).to_be_checked()
    body.fill(f"{READY}\n{HER_LINE}")
    page.get_by_label("Your name or a pseudonym").fill("Nadzeya")
    page.get_by_label("Show my name with my wish on the public wall").check()
    page.get_by_label("Country (optional)").select_option("PL")
    page.get_by_label("Email").fill("nadzeya@example.org")
    page.get_by_role("button", name="Send my letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    [written] = [each for each in stored() if each.writer_name == "Nadzeya"]
    assert written.state is LetterState.PENDING
    assert written.ready_text_id == ready.id

    # The mail reaches the SMTP server; she presses the button behind its link.
    drain_once()
    mail = smtp.take_one()
    assert mail.recipients == ["nadzeya@example.org"]
    page.goto(f"{live_server}{mail.link('confirm-letter')}")
    expect(page.locator("blockquote.letter")).to_contain_text(HER_LINE)
    page.get_by_role("button", name="Confirm my letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your letter is confirmed")
    # Not counted before an organizer reads it.
    page.goto(f"{live_server}/cases/{slug}")
    assert wishes_shown(page) == "1 letter or wish written to Ales Bialiatski."

    # The organizer reads it in the queue and approves it.
    for organizer_page in open_tab(browser, console, accept_downloads=True):
        organizer_page.goto(f"{live_server}/organizer/login")
        organizer_page.get_by_label("Email").fill("organizer@example.org")
        organizer_page.get_by_label("Password").fill(ORGANIZER_PASSWORD)
        organizer_page.locator("main form button[type=submit]").click()
        organizer_page.goto(f"{live_server}/organizer/cases/{slug}/letters/")
        queued = organizer_page.get_by_test_id("queue").locator("li")
        expect(queued).to_have_count(1)
        expect(queued.locator("blockquote")).to_contain_text(HER_LINE)
        queued.get_by_role("checkbox").check()
        organizer_page.get_by_role("button", name="Approve the ticked letters").click()
        expect(organizer_page.get_by_role("status")).to_have_text("1 letter was approved.")

        # The organizer prints the approved letters: hers is a page of the batch, read back
        # as a clerk's PDF reader would, with its number and the batch's fingerprint.
        organizer_page.goto(f"{live_server}/organizer/cases/{slug}/letters/batches/")
        with organizer_page.expect_download() as download:
            organizer_page.get_by_role("button", name="Print the approved letters as a PDF").click()
        pdf = Path(download.value.path()).read_bytes()
    approved = [each for each in stored() if each.writer_name == "Nadzeya"][0]
    assert approved.state is LetterState.PRINTED
    assert approved.decided_by == "organizer@example.org"
    batch = db.session.execute(db.select(LetterBatch)).scalar_one()
    pages = [flat(page) for page in pages_of(pdf)]
    hers = [page for page in pages if flat(HER_LINE) in page]
    assert len(hers) == 1, "her letter is printed once, on a page of its own"
    assert flat(READY) in hers[0]
    assert str(approved.number) in hers[0]
    assert all(batch.fingerprint in page.replace(" ", "") for page in pages)
    assert "nadzeya@" not in " ".join(pages)

    # Her wish is on the wall with her name, and the count moved by exactly one.
    page.goto(f"{live_server}/cases/{slug}/wall")
    wall = page.get_by_test_id("wall").locator("li")
    expect(wall.first.locator("blockquote")).to_contain_text(HER_LINE)
    expect(wall.first.locator(".from")).to_have_text("Nadzeya, Poland")
    page.goto(f"{live_server}/cases/{slug}")
    assert wishes_shown(page) == "2 letters and wishes written to Ales Bialiatski."
    assert csp_violations(page) == []
    assert console.errors == []
