"""The outbox worker against a real SMTP server: retries, backoff, refusals, claims, headers.

Every mail here travels over loopback SMTP to aiosmtpd; the `smtp` fixture fails a test that
leaves a delivered mail untaken.
"""

from __future__ import annotations

import datetime as dt
import re
import signal
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from petitions.clock import utcnow
from petitions.config import from_environment
from petitions.extensions import db
from petitions.mail import messages
from petitions.mail.models import OutboxMessage, OutboxStatus
from petitions.mail.worker import DrainReport, configured_transport, drain_once, retry_delay
from petitions.signing import services
from petitions.signing.mailing import MailKind
from petitions.signing.models import Signature
from tests.conftest import SmtpServer, Supporter
from tests.factories import open_petition, pending_signature
from tests.helpers import outbox, wait_for
from tests.mail.conftest import SlowSmtpServer, WithdrawsWhileSending, WorkerProcess

SIGNERS = [
    {"full_name": "Ann Example", "email": "ann@example.org"},
    {"full_name": "Bob Example", "email": "bob@example.net"},
    {"full_name": "Cleo Example", "email": "cleo@example.com"},
]


def sign_all(supporter: Supporter, slug: str, signers: list[dict[str, str]]) -> None:
    for signer in signers:
        answer = supporter.sign(slug, **signer)
        assert answer.status_code == 303, answer.get_data(as_text=True)


# --- temporary failures --------------------------------------------------------------------


def test_smtp_down_then_up_each_signer_gets_exactly_one_mail(
    supporter: Supporter, smtp: SmtpServer, runner: FlaskCliRunner
) -> None:
    petition = open_petition()
    smtp.stop()
    sign_all(supporter, petition.slug, SIGNERS)

    assert drain_once() == DrainReport(sent=0, retrying=3, failed=0)
    rows = outbox()
    assert len(rows) == 3
    for row in rows:
        assert row.status is OutboxStatus.PENDING
        assert row.attempts == 1
        assert row.last_error == "ConnectionRefusedError"
        assert row.claimed_until is None
        assert row.sent_at is None

    # The operator's command, run through the real CLI, meets the same closed port.
    result = runner.invoke(args=["outbox", "send", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 0, retrying 3, failed 0"
    rows = outbox()
    assert [row.attempts for row in rows] == [2, 2, 2]
    assert all(row.status is OutboxStatus.PENDING and row.last_error for row in rows)
    assert smtp.untaken() == []

    smtp.start()  # the same port as before
    assert drain_once() == DrainReport(sent=3, retrying=0, failed=0)
    mails = smtp.take(3)
    assert sorted(recipient for mail in mails for recipient in mail.recipients) == sorted(
        signer["email"] for signer in SIGNERS
    )
    for mail in mails:
        assert len(mail.recipients) == 1
        assert "/confirm/" in mail.text
    rows = outbox()
    assert all(row.status is OutboxStatus.SENT for row in rows)
    assert [row.attempts for row in rows] == [3, 3, 3]
    assert all(row.last_error is None for row in rows)

    # Draining again sends nothing more, through the function and through the CLI.
    assert drain_once() == DrainReport()
    result = runner.invoke(args=["outbox", "send", "--once"])
    assert result.output.strip() == "sent 0, retrying 0, failed 0"
    smtp.take(0)


@pytest.mark.parametrize("config_overrides", [{"SIGN_RATE_LIMIT": "100 per minute"}])
def test_one_connection_carries_up_to_twenty_mails_and_a_dropped_one_is_replaced(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    signers = [{"email": f"signer{n}@example.org"} for n in range(45)]
    sign_all(supporter, petition.slug, signers[:25])

    assert drain_once() == DrainReport(sent=25)

    first = smtp.take(25)
    assert [len({mail.peer for mail in first[:20]}), len({mail.peer for mail in first[20:]})] == [
        1,
        1,
    ]
    assert first[0].peer != first[20].peer

    # The round's connection was closed at its end; a server restart in between (every
    # connection dropped) is met with a fresh one.
    smtp.stop()
    smtp.start()
    sign_all(supporter, petition.slug, signers[25:])
    assert drain_once() == DrainReport(sent=20)
    assert len({mail.peer for mail in smtp.take(20)}) == 1


def test_retry_delay_doubles_and_is_capped_with_the_shipped_defaults(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OUTBOX_RETRY_BASE_SECONDS", "OUTBOX_RETRY_MAX_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    defaults = from_environment(Path(app.instance_path))
    assert defaults["OUTBOX_RETRY_BASE_SECONDS"] == 30
    assert defaults["OUTBOX_RETRY_MAX_SECONDS"] == 3600
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_BASE_SECONDS", 30)
    monkeypatch.setitem(app.config, "OUTBOX_RETRY_MAX_SECONDS", 3600)

    waits = [retry_delay(attempts).total_seconds() for attempts in range(1, 11)]

    assert waits == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert retry_delay(0) == dt.timedelta(seconds=30)
    assert retry_delay(500) == dt.timedelta(hours=1)


@pytest.mark.parametrize("config_overrides", [{"OUTBOX_RETRY_BASE_SECONDS": 60}])
def test_a_failed_message_waits_out_its_backoff(supporter: Supporter, smtp: SmtpServer) -> None:
    petition = open_petition()
    smtp.stop()
    sign_all(supporter, petition.slug, SIGNERS[:1])
    before = utcnow()
    assert drain_once() == DrainReport(retrying=1)
    (row,) = outbox()
    assert row.attempts == 1
    assert dt.timedelta(seconds=59) <= row.next_attempt_at - before <= dt.timedelta(seconds=61)

    smtp.start()
    assert drain_once() == DrainReport()
    smtp.take(0)
    (row,) = outbox()
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 1

    # Once the wait is over (moved into the past here) the message goes out, once.
    row.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert drain_once() == DrainReport(sent=1)
    assert smtp.take_one().recipients == [SIGNERS[0]["email"]]
    assert drain_once() == DrainReport()


# --- permanent failures --------------------------------------------------------------------


def test_a_refused_recipient_fails_for_good_and_the_rest_still_go_out(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    smtp.refuse.add("bob@example.net")
    sign_all(supporter, petition.slug, SIGNERS)

    assert drain_once() == DrainReport(sent=2, retrying=0, failed=1)

    mails = smtp.take(2)
    assert sorted(mail.recipients[0] for mail in mails) == ["ann@example.org", "cleo@example.com"]
    rows = outbox()
    failed = [row for row in rows if row.status is OutboxStatus.FAILED]
    assert len(failed) == 1
    assert failed[0].attempts == 1
    assert failed[0].last_error == "recipient refused ([550])"
    assert "bob" not in failed[0].last_error
    assert failed[0].claimed_until is None
    assert sum(row.status is OutboxStatus.SENT for row in rows) == 2

    # Not retried: the next drains leave it alone, even once the server would take it.
    smtp.refuse.clear()
    assert drain_once() == DrainReport()
    smtp.take(0)
    assert [row.status for row in outbox()].count(OutboxStatus.FAILED) == 1


# --- claims ----------------------------------------------------------------------------------


def test_a_claim_is_respected_until_it_lapses_then_taken_over_once(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    sign_all(supporter, petition.slug, SIGNERS[:1])
    (row,) = outbox()
    # Another worker holds the message (still alive, or died less than a claim ago).
    row.claimed_until = utcnow() + dt.timedelta(minutes=5)
    db.session.commit()

    assert drain_once() == DrainReport()
    smtp.take(0)
    (row,) = outbox()
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 0

    # Its claim has lapsed: the worker died holding it. Another worker sends it, once.
    row.claimed_until = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert drain_once() == DrainReport(sent=1)
    mail = smtp.take_one()
    assert mail.recipients == [SIGNERS[0]["email"]]
    (row,) = outbox()
    assert row.status is OutboxStatus.SENT
    assert row.attempts == 1
    assert row.claimed_until is None
    assert mail.message["Message-ID"] == row.message_id
    assert drain_once() == DrainReport()


# --- privacy and transactions ---------------------------------------------------------------


def test_the_outbox_never_holds_an_address_or_a_link(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    sign_all(supporter, petition.slug, SIGNERS[:1])

    def stored() -> str:
        db.session.rollback()
        rows = db.session.execute(db.text("SELECT * FROM outbox_messages")).all()
        assert len(rows) == 1
        return " ".join(str(value) for value in rows[0])

    queued = stored()
    assert SIGNERS[0]["email"].lower() not in queued.lower()
    assert "/confirm/" not in queued

    drain_once()
    mail = smtp.take_one()
    assert mail.recipients == [SIGNERS[0]["email"]]
    assert "/confirm/" in mail.text

    sent = stored()
    assert SIGNERS[0]["email"].lower() not in sent.lower()
    assert "/confirm/" not in sent
    (row,) = outbox()
    assert row.status is OutboxStatus.SENT
    assert row.sent_at is not None
    assert row.last_error is None
    assert row.claimed_until is None


def test_a_signing_refused_by_validation_queues_and_sends_nothing(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()

    answer = supporter.sign(petition.slug, full_name="")
    assert answer.status_code == 422
    answer = supporter.sign(petition.slug, email="not-an-address")
    assert answer.status_code == 422

    assert outbox() == []
    assert db.session.execute(db.select(db.func.count()).select_from(Signature)).scalar() == 0
    assert drain_once() == DrainReport()
    smtp.take(0)


def test_a_queued_mail_rolled_back_with_its_transaction_is_never_sent(
    app: Flask, smtp: SmtpServer
) -> None:
    petition = open_petition()
    signature = pending_signature(petition)
    with app.test_request_context():
        messages.queue(MailKind.CONFIRMATION, signature.id)
    db.session.flush()
    assert db.session.execute(db.select(db.func.count()).select_from(OutboxMessage)).scalar() == 1

    db.session.rollback()

    assert outbox() == []
    assert drain_once() == DrainReport()
    smtp.take(0)


def test_a_withdrawal_before_the_worker_runs_takes_the_unsent_mail_along(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    sign_all(supporter, petition.slug, SIGNERS[:2])
    signature = db.session.execute(
        db.select(Signature).where(Signature.email == SIGNERS[0]["email"])
    ).scalar_one()

    assert services.withdraw(signature.id) is services.WithdrawOutcome.WITHDRAWN

    assert drain_once() == DrainReport(sent=1)
    assert smtp.take_one().recipients == [SIGNERS[1]["email"]]


def test_a_mail_whose_signature_was_erased_in_flight_fails_and_the_rest_go_out(
    app: Flask, supporter: Supporter, smtp: SmtpServer
) -> None:
    petition = open_petition()
    sign_all(supporter, petition.slug, SIGNERS[:1])
    erased = pending_signature(petition)
    assert services.withdraw(erased.id) is services.WithdrawOutcome.WITHDRAWN
    # As if the worker had claimed it just before the withdrawal deleted the signer's unsent mail.
    with app.test_request_context():
        messages.queue(MailKind.CONFIRMATION, erased.id)
    db.session.commit()

    assert drain_once() == DrainReport(sent=1, failed=1)

    assert smtp.take_one().recipients == [SIGNERS[0]["email"]]
    failed = next(row for row in outbox() if row.signature_id == erased.id)
    assert failed.status is OutboxStatus.FAILED
    assert failed.last_error == "the signature was erased"
    assert drain_once() == DrainReport()


# --- what the mail looks like ---------------------------------------------------------------


def test_headers_and_parts_of_a_confirmation(
    supporter: Supporter, smtp: SmtpServer, app: Flask
) -> None:
    petition = open_petition(title="Свабоду Алесю Бяляцкаму & “Viasna”")
    sign_all(supporter, petition.slug, SIGNERS[:1])
    (row,) = outbox()
    before = dt.datetime.now(dt.UTC)

    drain_once()
    mail = smtp.take_one()
    message = mail.message

    assert message["From"] == app.config["MAIL_FROM"] == "Petitions <petitions@example.org>"
    assert mail.sender == "petitions@example.org"
    assert message["To"] == SIGNERS[0]["email"]
    assert petition.title in message["Subject"]
    assert message["Subject"] == f"Please confirm your signature: {petition.title}"
    assert message["Message-ID"] == row.message_id
    assert re.fullmatch(r"<[0-9a-f]{32}@example\.org>", row.message_id)
    sent_at = parsedate_to_datetime(message["Date"])
    assert sent_at.tzinfo is not None
    assert abs(sent_at - before) < dt.timedelta(minutes=1)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert [part.get_content_charset() for part in parts] == ["utf-8", "utf-8"]
    assert "“Свабоду Алесю Бяляцкаму & “Viasna””" in mail.text
    assert "Свабоду Алесю Бяляцкаму &amp; “Viasna”" in mail.html


@pytest.mark.parametrize(
    ("full_name", "in_html"),
    [
        ("Алесь Бяляцкі", "Алесь Бяляцкі"),
        ("<b>bold</b> Signer", "&lt;b&gt;bold&lt;/b&gt; Signer"),
    ],
)
def test_a_signers_name_is_literal_in_text_and_escaped_in_html(
    supporter: Supporter, smtp: SmtpServer, full_name: str, in_html: str
) -> None:
    petition = open_petition()
    sign_all(supporter, petition.slug, [{"full_name": full_name, "email": "name@example.org"}])

    drain_once()
    mail = smtp.take_one()

    assert f"\r\nYou signed as: {full_name}, Den Haag\r\n" in mail.text
    assert f'<span class="typed">{in_html}</span>' in mail.html
    assert "<b>" not in mail.html


# --- the real long-running worker -----------------------------------------------------------


def test_the_worker_process_delivers_and_stops_cleanly_on_sigterm(
    supporter: Supporter, smtp: SmtpServer, start_worker: Callable[..., WorkerProcess]
) -> None:
    worker = start_worker()
    petition = open_petition()

    sign_all(supporter, petition.slug, SIGNERS[:1])

    wait_for(lambda: len(smtp.untaken()) >= 1, 10, "the worker to deliver the mail")
    assert smtp.take_one().recipients == [SIGNERS[0]["email"]]
    wait_for(lambda: outbox()[0].status is OutboxStatus.SENT, 5, "the row to be marked sent")
    assert worker.send_signal(signal.SIGTERM) == 0, worker.output()
    assert "Outbox worker started" in worker.output()
    assert "Traceback" not in worker.output()


def test_a_killed_worker_loses_no_mail(
    supporter: Supporter, smtp: SmtpServer, start_worker: Callable[..., WorkerProcess]
) -> None:
    petition = open_petition()
    first = start_worker()
    sign_all(supporter, petition.slug, SIGNERS[:1])
    wait_for(lambda: len(smtp.untaken()) >= 1, 10, "the first worker to deliver")
    smtp.take_one()
    wait_for(lambda: outbox()[0].status is OutboxStatus.SENT, 5, "the row to be marked sent")

    assert first.send_signal(signal.SIGKILL) == -signal.SIGKILL

    sign_all(supporter, petition.slug, SIGNERS[1:2])
    rows = outbox()
    assert [row.status for row in rows] == [OutboxStatus.SENT, OutboxStatus.PENDING]
    smtp.take(0)

    second = start_worker()
    wait_for(lambda: len(smtp.untaken()) >= 1, 10, "the second worker to deliver")
    assert smtp.take_one().recipients == [SIGNERS[1]["email"]]
    wait_for(lambda: outbox()[1].status is OutboxStatus.SENT, 5, "the row to be marked sent")
    assert second.send_signal(signal.SIGTERM) == 0, second.output()
    assert [row.attempts for row in outbox()] == [1, 1]


def test_sigterm_during_a_long_drain_stops_after_the_message_in_hand(
    app: Flask,
    smtp: SmtpServer,
    slow_smtp: SlowSmtpServer,
    start_worker: Callable[..., WorkerProcess],
) -> None:
    petition = open_petition()
    queued = 40  # at a quarter second each, ten seconds of sending
    with app.test_request_context():
        for _ in range(queued):
            signature = pending_signature(petition)
            messages.queue(MailKind.CONFIRMATION, signature.id)
            db.session.commit()
    worker = start_worker(slow_smtp)
    wait_for(lambda: len(slow_smtp.untaken()) >= 1, 10, "the first mail")

    asked = time.monotonic()
    assert worker.send_signal(signal.SIGTERM) == 0, worker.output()
    assert time.monotonic() - asked < 3, "the worker went on sending after SIGTERM"

    rows = outbox()
    sent = [row for row in rows if row.status is OutboxStatus.SENT]
    by_worker = slow_smtp.take(len(sent))
    assert 1 <= len(sent) < queued
    # Nothing is left claimed by the worker that stopped: the next one takes the rest at once.
    assert all(row.claimed_until is None for row in rows)
    assert drain_once() == DrainReport(sent=queued - len(sent))
    by_next = smtp.take(queued - len(sent))
    recipients = [mail.recipients[0] for mail in by_worker + by_next]
    assert len(set(recipients)) == queued
    assert "Traceback" not in worker.output()


@pytest.mark.parametrize("smtp_up", [True, False], ids=["sent", "smtp-down"])
def test_a_withdrawal_while_the_mail_is_in_flight_does_not_stop_the_worker(
    app: Flask, supporter: Supporter, smtp: SmtpServer, smtp_up: bool
) -> None:
    petition = open_petition()
    sign_all(supporter, petition.slug, SIGNERS)
    signature = db.session.execute(
        db.select(Signature).where(Signature.email == SIGNERS[0]["email"])
    ).scalar_one()
    transport = WithdrawsWhileSending(
        app, configured_transport(), signature.id, lambda m: m["To"] == SIGNERS[0]["email"]
    )
    if not smtp_up:
        smtp.stop()

    report = drain_once(transport)

    assert transport.outcomes == [services.WithdrawOutcome.WITHDRAWN]
    rows = outbox()
    # The withdrawal erased the row with its address and links; the others went on as usual.
    assert all(row.signature_id != signature.id for row in rows)
    assert len(rows) == 2
    if smtp_up:
        mails = smtp.take(3)  # the one in flight could not be called back
        assert mails[0].recipients == [SIGNERS[0]["email"]]
        assert report == DrainReport(sent=3)
        assert all(row.status is OutboxStatus.SENT for row in rows)
    else:
        assert report == DrainReport(retrying=2)
        assert all(row.status is OutboxStatus.PENDING and row.attempts == 1 for row in rows)
