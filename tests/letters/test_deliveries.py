"""Organizers print batches on their page, record deliveries (the case timeline shows the
delivered ones with the count), and keep replies published only with consent."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from petitions.cases.models import Case
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.letters.models import (
    Channel,
    Letter,
    LetterBatch,
    LetterDelivery,
    LetterReply,
    LetterState,
    PaperSize,
)
from tests.conftest import OrganizerBrowser
from tests.factories import detained_case, letter, open_letters
from tests.helpers import one, parse, words

OWNER = "owner@example.org"


@pytest.fixture
def case(app: Flask) -> Case:
    made = detained_case()
    open_letters(made, addressee_name="Бяляцкі Алесь Віктаравіч", postal_address="ПК № 9")
    return made


def page_of(case: Case) -> str:
    return f"/organizer/cases/{case.slug}/letters/batches/"


def a_batch(case: Case, count: int) -> LetterBatch:
    batch = LetterBatch(
        case_id=case.id,
        fingerprint=f"{case.id:064x}",
        size=PaperSize.A4,
        letter_count=count,
        channel=Channel.POST,
        created_at=utcnow(),
        created_by=OWNER,
    )
    db.session.add(batch)
    db.session.commit()
    return batch


def counts() -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        db.session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (LetterBatch, LetterDelivery, LetterReply)
    )


def timeline(client: FlaskClient, case: Case) -> list[tuple[str, str]]:
    page = parse(client.get(f"/cases/{case.slug}"))
    return [
        (str(entry["data-kind"]), words(one(entry, "h4")))
        for entry in page.select("ol.timeline li")
    ]


def test_printing_from_the_page_sends_the_pdf_and_lists_the_batch(
    owner: OrganizerBrowser, case: Case
) -> None:
    letter(case, LetterState.APPROVED, body="Трымайся!")
    waiting = parse(owner.client.get(page_of(case)))
    assert words(one(waiting, "[data-testid=waiting-to-print]")).startswith("1 approved letter")
    answer = owner.post(page_of(case), {"size": "A5"}, page=page_of(case))
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.get_data().startswith(b"%PDF-")
    page = parse(owner.client.get(page_of(case)))
    rows = one(page, "[data-testid=batches]").select("tbody tr")
    assert len(rows) == 1
    assert words(rows[0].select("td")[1]) == "1"
    # Nothing left: a clear error on the page, and no second batch.
    again = owner.post(page_of(case), {"size": "A4"}, page=page_of(case))
    assert again.status_code == 422
    assert "No approved letter is waiting" in words(
        one(parse(again), "[data-testid=error-summary]")
    )
    assert counts()[0] == 1


def test_a_delivered_batch_goes_on_the_case_timeline_with_its_count(
    owner: OrganizerBrowser, case: Case, client: FlaskClient
) -> None:
    batch = a_batch(case, 1204)
    printed = letter(case, LetterState.PRINTED, batch_id=batch.id)
    sent = {
        "delivery-batch": str(batch.id),
        "delivery-channel": "post",
        "delivery-outcome": "sent",
        "delivery-happened_on": "2024-06-01",
    }
    assert owner.post(page_of(case) + "deliveries", sent, page=page_of(case)).status_code == 303
    assert ("delivery", "1,204 letters delivered") not in timeline(client, case)
    delivered = {**sent, "delivery-outcome": "delivered", "delivery-happened_on": "2024-06-20"}
    assert (
        owner.post(page_of(case) + "deliveries", delivered, page=page_of(case)).status_code == 303
    )
    assert ("delivery", "1,204 letters delivered") in timeline(client, case)
    after = db.session.execute(
        select(Letter).where(Letter.id == printed.id).execution_options(populate_existing=True)
    ).scalar_one()
    assert after.state is LetterState.DELIVERED
    shown = words(one(parse(owner.client.get(page_of(case))), "[data-testid=batches]"))
    assert "2024-06-01: sent; 2024-06-20: delivered" in shown
    verify = parse(client.get(f"/letter-batches/{batch.fingerprint}"))
    outcomes = [words(each) for each in one(verify, "[data-testid=batch-deliveries]").select("li")]
    assert outcomes == ["June 1, 2024: sent", "June 20, 2024: delivered"]


def test_one_letter_delivered_is_singular(
    owner: OrganizerBrowser, case: Case, client: FlaskClient
) -> None:
    batch = a_batch(case, 1)
    form = {
        "delivery-batch": str(batch.id),
        "delivery-channel": "family",
        "delivery-outcome": "delivered",
        "delivery-happened_on": "2024-06-01",
    }
    owner.post(page_of(case) + "deliveries", form, page=page_of(case))
    assert ("delivery", "1 letter delivered") in timeline(client, case)


def test_a_batch_is_delivered_once_and_its_entry_speaks_every_language(
    owner: OrganizerBrowser, case: Case, client: FlaskClient
) -> None:
    batch = a_batch(case, 1204)
    form = {
        "delivery-batch": str(batch.id),
        "delivery-channel": "post",
        "delivery-outcome": "delivered",
        "delivery-happened_on": "2024-06-20",
    }
    assert owner.post(page_of(case) + "deliveries", form, page=page_of(case)).status_code == 303
    again = owner.post(
        page_of(case) + "deliveries",
        {**form, "delivery-happened_on": "2024-06-21"},
        page=page_of(case),
    )
    assert again.status_code == 409
    assert "recorded as delivered already" in words(
        one(parse(again), "[data-testid=error-summary]")
    )
    assert counts()[1] == 1
    kinds = [kind for kind, _title in timeline(client, case)]
    assert kinds.count("delivery") == 1
    # The entry is written in the case's language and translated at once for other readers.
    page = parse(client.get(f"/cases/{case.slug}?lang=ru"))
    titles = [
        "".join(words(one(entry, "h4")).split()).replace("\u202f", "")
        for entry in page.select("ol.timeline li")
        if entry["data-kind"] == "delivery"
    ]
    assert titles == ["1204письмадоставлены"]  # digits grouped by Russian rules, spaces dropped
    assert page.select_one("ol.timeline li[data-kind=delivery] h4[lang]") is None


def published(client: FlaskClient, case: Case) -> list[str]:
    page = parse(client.get(f"/cases/{case.slug}"))
    return [words(each) for each in page.select("[data-testid=replies] blockquote")]


def test_a_reply_is_published_only_with_consent(
    owner: OrganizerBrowser, case: Case, client: FlaskClient
) -> None:
    form = {
        "reply-text": "Дзякуй за лісты!",
        "reply-received_on": "2024-06-02",
        "reply-consent": "none",
    }
    assert owner.post(page_of(case) + "replies", form, page=page_of(case)).status_code == 303
    assert published(client, case) == []
    reply = db.session.execute(select(LetterReply)).scalar_one()
    consent = f"{page_of(case)}replies/{reply.id}/consent"
    assert owner.post(consent, {"consent-consent": "family"}, page=page_of(case)).status_code == 303
    assert published(client, case) == ["Дзякуй за лісты!"]
    assert owner.post(consent, {"consent-consent": "none"}, page=page_of(case)).status_code == 303
    assert published(client, case) == []
    second = {**form, "reply-text": "Я трымаюся.", "reply-consent": "prisoner"}
    owner.post(page_of(case) + "replies", second, page=page_of(case))
    assert published(client, case) == ["Я трымаюся."]


DELIVERY = {
    "delivery-channel": "post",
    "delivery-outcome": "delivered",
    "delivery-happened_on": "2024-06-01",
}
REPLY = {"reply-text": "Дзякуй!", "reply-received_on": "2024-06-02", "reply-consent": "none"}
FUTURE = (dt.date.today() + dt.timedelta(days=30)).isoformat()


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("", {"size": "B5"}, "Paper size"),
        ("", {}, "Paper size"),
        ("deliveries", {**DELIVERY, "delivery-channel": "pigeon"}, "How it went"),
        ("deliveries", {**DELIVERY, "delivery-outcome": "lost"}, "Outcome"),
        ("deliveries", {**DELIVERY, "delivery-happened_on": "yesterday"}, "Day"),
        ("deliveries", {**DELIVERY, "delivery-happened_on": FUTURE}, "in the future"),
        ("deliveries", {**DELIVERY, "delivery-batch": "x"}, "Batch"),
        ("replies", {**REPLY, "reply-text": "  "}, "Please enter the reply"),
        ("replies", {**REPLY, "reply-text": "я" * 10001}, "shorten the reply"),
        ("replies", {**REPLY, "reply-received_on": ""}, "Received on"),
        ("replies", {**REPLY, "reply-received_on": FUTURE}, "in the future"),
        ("replies", {**REPLY, "reply-consent": "neighbour"}, "Consent"),
        ("consent", {"consent-consent": "neighbour"}, "Consent"),
        ("consent", {}, "Consent"),
    ],
)
def test_bad_input_gets_a_clear_error_and_writes_nothing(
    owner: OrganizerBrowser, case: Case, path: str, data: dict[str, str], message: str
) -> None:
    letter(case, LetterState.APPROVED)
    batch = a_batch(case, 1)
    reply = LetterReply(
        case_id=case.id,
        text="Kept.",
        received_on=dt.date(2024, 1, 1),
        created_at=utcnow(),
        created_by=OWNER,
    )
    db.session.add(reply)
    db.session.commit()
    if path == "deliveries":
        data = {"delivery-batch": str(batch.id), **data}
    url = page_of(case) + (f"replies/{reply.id}/consent" if path == "consent" else path)
    before = counts()
    answer = owner.post(url, data, page=page_of(case))
    assert answer.status_code == 422
    summary = words(one(parse(answer), "[data-testid=error-summary]"))
    assert message in summary
    assert counts() == before
    kept = db.session.execute(
        select(LetterReply).execution_options(populate_existing=True)
    ).scalar_one()
    assert kept.consent.value == "none"
