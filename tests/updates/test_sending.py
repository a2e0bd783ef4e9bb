"""An update reaches exactly the signers who asked for it, each once, in their language."""

from __future__ import annotations

import datetime as dt
import re
import time
from unittest import mock

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail import messages
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.mail.worker import drain_once
from petitions.signing import services as signing
from petitions.signing.consent import UpdateConsent
from petitions.updates import services
from petitions.updates.models import UpdateRecipient, UpdateStatus
from tests.conftest import SmtpServer
from tests.factories import confirmed_signature, open_petition, organizer, pending_signature
from tests.helpers import outbox
from tests.updates.conftest import (
    consenting_signature,
    send_now,
    strictly_parsed,
    text_of,
    written_update,
)

TEXTS = {
    "en": ("He was moved", "Ales was moved to another colony.\n\nWrite to him there."),
    "be": ("Яго перавялі", "Алеся перавялі ў іншую калонію."),
}
UNSUBSCRIBE = re.compile(r"^<(https?://[^>]+/updates/([^/>?]+)/unsubscribe(?:\?[^>]*)?)>$")


def _send_all() -> None:
    """Queue every due batch and drain the outbox until both are empty (the worker's loop)."""
    for _round in range(50):
        queued = services.queue_due()
        time.sleep(0.03)  # the batch's mails fall due (UPDATE_MAILS_PER_MINUTE below)
        report = drain_once()
        if not queued and report.sent == 0 and report.failed == 0 and report.retrying == 0:
            return
    raise AssertionError("the update did not finish sending")


@pytest.fixture
def config_overrides() -> dict[str, object]:
    # Fast enough for a test to drain at once with the clock moved an hour on.
    return {"UPDATE_MAILS_PER_MINUTE": 6000, "UPDATE_BATCH_SIZE": 2}


def test_an_update_reaches_exactly_the_consenting_confirmed_signers_in_their_language(
    smtp: SmtpServer,
) -> None:
    petition = open_petition()
    other = open_petition()
    author = organizer(cases=(petition.case,))
    english = consenting_signature(petition, email="ann@example.org", locale="en")
    belarusian = consenting_signature(petition, email="bel@example.org", locale="be")
    dutch = consenting_signature(petition, email="nl@example.org", locale="nl")
    confirmed_signature(petition, email="silent@example.org")  # never ticked the box
    pending = pending_signature(petition, email="pending@example.org")
    db.session.add(
        UpdateConsent(
            signature_id=pending.id,
            wording="w",
            version="1",
            locale="en",
            ticked_at=utcnow(),
            given_at=None,
        )
    )
    gone = consenting_signature(petition, email="gone@example.org")
    left = consenting_signature(petition, email="left@example.org")
    db.session.execute(
        UpdateConsent.__table__.update()
        .where(UpdateConsent.signature_id == left.id)
        .values(withdrawn_at=utcnow(), withdrawn_by="unsubscribe")
    )
    db.session.commit()
    consenting_signature(other, email="elsewhere@example.org")
    assert signing.withdraw(gone.id).value == "withdrawn"

    update = written_update(author, TEXTS, petition=petition)
    assert services.recipient_count(update) == 3
    send_now(update)
    _send_all()

    mails = {mail.recipients[0]: strictly_parsed(mail) for mail in smtp.take(3)}
    assert set(mails) == {english.email, belarusian.email, dutch.email}
    assert mails["ann@example.org"]["Subject"] == "He was moved"
    assert "Write to him there." in text_of(mails["ann@example.org"])
    assert mails["bel@example.org"]["Subject"] == "Яго перавялі"
    assert "Алеся перавялі" in text_of(mails["bel@example.org"])
    # No Dutch text: the original.
    assert mails["nl@example.org"]["Subject"] == "He was moved"
    for message in mails.values():
        match = UNSUBSCRIBE.match(str(message["List-Unsubscribe"]))
        assert match, message["List-Unsubscribe"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert match.group(1) in text_of(message)
    db.session.expire_all()
    assert update.status is UpdateStatus.SENT
    assert update.queued == 3


def test_a_one_click_unsubscribe_stops_the_next_update_and_keeps_the_signature(
    smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()
    author = organizer(cases=(petition.case,))
    stays = consenting_signature(petition, email="stays@example.org")
    leaves = consenting_signature(petition, email="leaves@example.org")
    first = written_update(author, {"en": ("First", "One.")}, petition=petition)
    send_now(first)
    _send_all()
    mails = {mail.recipients[0]: strictly_parsed(mail) for mail in smtp.take(2)}
    match = UNSUBSCRIBE.match(str(mails["leaves@example.org"]["List-Unsubscribe"]))
    assert match
    path = match.group(1).removeprefix("http://localhost")

    # As a mail provider sends it (RFC 8058): no cookie, no CSRF token, just this body.
    answer = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200

    second = written_update(author, {"en": ("Second", "Two.")}, petition=petition)
    assert services.recipient_count(second) == 1
    send_now(second)
    _send_all()
    assert smtp.take_one().recipients == [stays.email]
    db.session.expire_all()
    kept = db.session.get(type(leaves), leaves.id)
    assert kept is not None
    assert kept.email == "leaves@example.org"
    assert kept.state.value == "confirmed"


def test_an_unsubscribe_after_queueing_stops_the_mail_still_waiting(
    smtp: SmtpServer, client: FlaskClient
) -> None:
    petition = open_petition()
    author = organizer(cases=(petition.case,))
    signature = consenting_signature(petition, email="late@example.org")
    update = written_update(author, {"en": ("Queued", "Text.")}, petition=petition)
    send_now(update)
    assert services.queue_due() == 1
    services.stop_updates(signature.id, None, "unsubscribe")
    drain_once()
    smtp.take(0)
    assert [row.status for row in outbox()] == [OutboxStatus.FAILED]


def test_smtp_down_mid_send_and_a_crashed_batch_lose_and_double_nothing(
    smtp: SmtpServer,
) -> None:
    petition = open_petition()
    author = organizer(cases=(petition.case,))
    signers = [consenting_signature(petition, email=f"s{n}@example.org") for n in range(5)]
    update = written_update(author, {"en": ("News", "Text.")}, petition=petition)
    send_now(update)

    # The first batch goes out.
    assert services.queue_due() == 2
    time.sleep(0.03)
    drain_once()
    assert len(smtp.take(2)) == 2

    # The queueing of the second batch crashes after writing its rows: none of them stays.
    with (
        # After the batch's recipient rows are written, before their mails are.
        mock.patch.object(messages, "pending", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        services.queue_due(utcnow() + dt.timedelta(seconds=1))
    db.session.rollback()
    assert db.session.execute(select(UpdateRecipient.id)).all().__len__() == 2

    # The mail server goes down while the second batch is sent, and comes back.
    assert services.queue_due(utcnow() + dt.timedelta(seconds=1)) == 2
    time.sleep(1.1)
    smtp.stop()
    report = drain_once()
    assert report.sent == 0
    assert report.retrying == 2
    smtp.start()
    _send_all()

    mails = smtp.take(3)
    received = sorted(mail.recipients[0] for mail in mails)
    assert received == sorted(signature.email for signature in signers[2:])  # type: ignore[type-var]
    # Nobody twice: one recipient row and one sent mail per signer, all five.
    rows = db.session.execute(select(UpdateRecipient.signature_id)).scalars().all()
    assert sorted(row or 0 for row in rows) == sorted(signature.id for signature in signers)
    sent = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.update_recipient_id.is_not(None))
    ).scalars()
    assert [row.status for row in sent] == [OutboxStatus.SENT] * 5
    # Queueing again finds nobody left.
    assert services.queue_due(utcnow() + dt.timedelta(seconds=5)) == 0
    smtp.take(0)


def test_a_case_wide_update_mails_each_address_once(smtp: SmtpServer) -> None:
    first = open_petition()
    second = open_petition(case=first.case)
    author = organizer(cases=(first.case,))
    consenting_signature(first, email="both@example.org")
    consenting_signature(second, email="both@example.org")
    consenting_signature(second, email="second@example.org")
    update = written_update(author, {"en": ("Case news", "Text.")}, case=first.case)
    assert services.recipient_count(update) == 2
    send_now(update)
    _send_all()
    mails = smtp.take(2)
    assert sorted(mail.recipients[0] for mail in mails) == [
        "both@example.org",
        "second@example.org",
    ]


@pytest.mark.parametrize("config_overrides", [{"UPDATE_MAILS_PER_MINUTE": 30}])
def test_the_mails_are_due_at_the_configured_pace(
    smtp: SmtpServer, config_overrides: dict[str, object]
) -> None:
    petition = open_petition()
    author = organizer(cases=(petition.case,))
    for n in range(3):
        consenting_signature(petition, email=f"p{n}@example.org")
    update = written_update(author, {"en": ("Paced", "Text.")}, petition=petition)
    send_now(update)
    now = utcnow()
    assert services.queue_due(now) == 3
    due = [row.next_attempt_at for row in outbox()]
    assert [b - a for a, b in zip(due, due[1:], strict=False)] == [dt.timedelta(seconds=2)] * 2
    # The next batch waits for the last one's mails to fall due.
    assert services.queue_due(now) == 0
    smtp.take(0)
    db.session.rollback()
