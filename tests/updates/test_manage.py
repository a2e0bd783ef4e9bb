"""An organizer's side: write, translate, preview, test, count, schedule."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from petitions.cases.models import Petition
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail.worker import drain_once
from petitions.updates import services
from petitions.updates.models import Update, UpdateStatus
from tests.conftest import OrganizerBrowser, SmtpServer
from tests.factories import ORGANIZER_PASSWORD, open_petition, organizer
from tests.helpers import main_text, one, parse, words
from tests.updates.conftest import consenting_signature, strictly_parsed, text_of

OWNER = "owner@example.org"


@pytest.fixture
def petition_and_browser(organizer_browser: OrganizerBrowser) -> tuple[str, OrganizerBrowser]:
    petition = open_petition(title="Free Maria Kalesnikava")
    organizer(OWNER, cases=(petition.case,))
    assert organizer_browser.log_in(OWNER, ORGANIZER_PASSWORD).status_code == 303
    return petition.slug, organizer_browser


def _updates() -> list[Update]:
    db.session.rollback()
    return list(db.session.execute(select(Update)).scalars())


def _write(browser: OrganizerBrowser, slug: str, **form: str) -> str:
    path = f"/organizer/petitions/{slug}/updates"
    answer = browser.post(path, form, page=path)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return urlsplit(answer.headers["Location"]).path


def test_a_draft_shows_its_preview_and_how_many_it_reaches_never_who(
    petition_and_browser: tuple[str, OrganizerBrowser], smtp: SmtpServer
) -> None:
    slug, browser = petition_and_browser
    petition = _petition(slug)
    consenting_signature(petition, email="volha@example.org", full_name="Volha Reader")
    consenting_signature(petition, email="pavel@example.org")
    page_path = _write(
        browser, slug, locale="en", subject="She was moved", body="To Gomel.\n\nWrite to her."
    )
    page = browser.client.get(page_path)
    assert page.status_code == 200
    soup = parse(page)
    assert words(one(soup, "[data-testid=recipients]")).startswith("It reaches 2 signers now.")
    preview = one(soup, "[data-testid=preview]")
    assert "She was moved" in words(preview)
    assert "Write to her." in one(preview, "pre").text
    assert "/unsubscribe" in one(preview, "pre").text
    body = page.get_data(as_text=True)
    for secret in ("volha@example.org", "pavel@example.org", "Volha Reader"):
        assert secret not in body
    smtp.take(0)


def _petition(slug: str) -> Petition:
    return db.session.execute(select(Petition).where(Petition.slug == slug)).scalar_one()


def test_a_bad_update_is_refused_with_a_message_and_nothing_is_written(
    petition_and_browser: tuple[str, OrganizerBrowser],
) -> None:
    slug, browser = petition_and_browser
    path = f"/organizer/petitions/{slug}/updates"
    answer = browser.post(path, {"locale": "en", "subject": "", "body": "Text"}, page=path)
    assert answer.status_code == 400
    assert "Please write a subject." in words(one(parse(answer), "[data-testid=error-summary]"))
    answer = browser.post(path, {"locale": "xx", "subject": "S", "body": "Text"}, page=path)
    assert answer.status_code == 400
    assert _updates() == []


def test_a_translation_and_a_test_mail_in_each_language(
    petition_and_browser: tuple[str, OrganizerBrowser], smtp: SmtpServer
) -> None:
    slug, browser = petition_and_browser
    page_path = _write(browser, slug, locale="en", subject="Moved", body="To Gomel.")
    answer = browser.post(
        f"{page_path}/texts",
        {"locale": "be", "subject": "Перавялі", "body": "У Гомель."},
        page=page_path,
    )
    assert answer.status_code == 303
    previews = parse(browser.client.get(page_path)).select("[data-testid=preview]")
    assert sorted(str(preview["lang"]) for preview in previews) == ["be", "en"]

    assert browser.post(f"{page_path}/test", page=page_path).status_code == 303
    drain_once()
    mails = {str(strictly_parsed(mail)["Subject"]): mail for mail in smtp.take(2)}
    assert set(mails) == {"Moved", "Перавялі"}
    for mail in mails.values():
        assert mail.recipients == [OWNER]
    assert "У Гомель." in text_of(strictly_parsed(mails["Перавялі"]))
    # A test reaches nobody else and counts as no recipient.
    [update] = _updates()
    assert update.queued == 0
    assert update.status is UpdateStatus.DRAFT


def test_a_scheduled_update_goes_out_at_its_time_and_then_can_no_longer_change(
    petition_and_browser: tuple[str, OrganizerBrowser], smtp: SmtpServer
) -> None:
    slug, browser = petition_and_browser
    consenting_signature(_petition(slug), email="reader@example.org")
    page_path = _write(browser, slug, locale="en", subject="Court date", body="On Monday.")
    when = (utcnow() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    answer = browser.post(f"{page_path}/schedule", {"send_at": when}, page=page_path)
    assert answer.status_code == 303
    assert "Scheduled" in main_text(browser.client.get(page_path))

    assert services.queue_due() == 0  # not yet
    assert services.queue_due(utcnow() + dt.timedelta(hours=3)) == 1
    [update] = _updates()
    assert update.status is UpdateStatus.SENDING
    answer = browser.post(
        f"{page_path}/texts", {"locale": "en", "subject": "Changed", "body": "x"}, page=page_path
    )
    assert answer.status_code == 409
    assert "can no longer change" in main_text(answer)
    db.session.rollback()
    texts = db.session.execute(select(func.count()).select_from(Update)).scalar_one()
    assert texts == 1
    smtp.take(0)


def test_sending_now_and_a_case_wide_update_from_the_case_page(
    petition_and_browser: tuple[str, OrganizerBrowser], smtp: SmtpServer
) -> None:
    slug, browser = petition_and_browser
    petition = _petition(slug)
    consenting_signature(petition, email="reader@example.org")
    case_page = f"/organizer/cases/{petition.case.slug}"
    link = one(parse(browser.client.get(case_page)), "a[href$='/updates']")
    path = str(link["href"])
    listing = parse(browser.client.get(path))
    assert words(one(listing, "h1")) == f"Updates to the whole case: {petition.case.prisoner_name}"
    answer = browser.post(path, {"locale": "en", "subject": "For all", "body": "Hi."}, page=path)
    assert answer.status_code == 303
    page_path = urlsplit(answer.headers["Location"]).path
    assert browser.post(f"{page_path}/schedule", {"send_at": ""}, page=page_path).status_code == 303
    services.queue_due()
    drain_once()
    mail = strictly_parsed(smtp.take_one())
    assert mail["Subject"] == "For all"
    assert mail["To"] == "reader@example.org"


def test_a_bad_send_time_is_refused_with_a_message_and_the_update_stays_a_draft(
    petition_and_browser: tuple[str, OrganizerBrowser],
) -> None:
    slug, browser = petition_and_browser
    page_path = _write(browser, slug, locale="en", subject="Soon", body="Text.")
    answer = browser.post(f"{page_path}/schedule", {"send_at": "next Monday"}, page=page_path)
    assert answer.status_code == 400
    assert "Send at (UTC)" in words(one(parse(answer), "[data-testid=error-summary]"))
    [update] = _updates()
    assert update.status is UpdateStatus.DRAFT
    assert update.send_at is None
