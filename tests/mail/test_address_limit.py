"""MAIL_PER_ADDRESS_LIMIT: how much mail one address gets, counted by the worker as it sends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from flask import Flask

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail import messages
from petitions.mail.models import OutboxStatus
from petitions.mail.worker import DrainReport, drain_once
from petitions.signing.mailing import MailKind
from tests.conftest import SmtpServer, Supporter
from tests.factories import open_petition, pending_signature
from tests.helpers import outbox
from tests.servers import RedisServer

TWO_PER_HOUR = pytest.mark.parametrize(
    "config_overrides", [{"MAIL_PER_ADDRESS_LIMIT": "2 per hour; 20 per day"}]
)


@TWO_PER_HOUR
def test_one_address_signing_many_petitions_gets_only_its_share_of_mail(
    supporter: Supporter, smtp: SmtpServer
) -> None:
    petitions = [open_petition() for _ in range(3)]
    answers = [supporter.sign(p.slug, email="target@example.org") for p in petitions]
    # Spellings of one mailbox count as one address.
    answers.append(supporter.sign(open_petition().slug, email="Target+4@Example.org"))
    answers.append(supporter.sign(petitions[0].slug, email="someone.else@example.org"))

    # Every signer sees the same answer: the form never says whose mail was held back.
    assert [answer.status_code for answer in answers] == [303] * 5
    assert drain_once() == DrainReport(sent=3, failed=2)

    mails = smtp.take(3)
    assert sorted(mail.recipients[0] for mail in mails) == [
        "someone.else@example.org",
        "target@example.org",
        "target@example.org",
    ]
    held = [row for row in outbox() if row.status is OutboxStatus.FAILED]
    assert len(held) == 2
    assert all(row.last_error and "MAIL_PER_ADDRESS_LIMIT" in row.last_error for row in held)
    assert drain_once() == DrainReport()


@pytest.mark.parametrize("config_overrides", [{"MAIL_PER_ADDRESS_LIMIT": "1 per hour"}])
def test_a_retried_mail_is_counted_once(supporter: Supporter, smtp: SmtpServer) -> None:
    petition = open_petition()
    smtp.stop()
    assert supporter.sign(petition.slug, email="patient@example.org").status_code == 303
    assert drain_once() == DrainReport(retrying=1)
    (row,) = outbox()
    row.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()

    smtp.start()
    assert drain_once() == DrainReport(sent=1)

    assert smtp.take_one().recipients == ["patient@example.org"]


UNREACHABLE_REDIS = RedisServer()


@pytest.fixture
def redis_later() -> Iterator[RedisServer]:
    yield UNREACHABLE_REDIS
    UNREACHABLE_REDIS.stop()


@pytest.mark.parametrize("config_overrides", [{"RATELIMIT_STORAGE_URI": UNREACHABLE_REDIS.url}])
def test_while_the_limit_cannot_be_counted_the_mail_waits_then_goes_out(
    app: Flask, smtp: SmtpServer, redis_later: RedisServer
) -> None:
    signature = pending_signature(open_petition())
    with app.test_request_context():
        messages.queue(MailKind.CONFIRMATION, signature.id)
    db.session.commit()

    assert drain_once() == DrainReport(retrying=1)

    smtp.take(0)
    (row,) = outbox()
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 0, "nothing was attempted: the mail is not one try nearer giving up"
    assert row.last_error == "rate-limit storage unreachable (ConnectionError)"

    redis_later.start()
    row.next_attempt_at = utcnow() - dt.timedelta(seconds=1)
    db.session.commit()
    assert drain_once() == DrainReport(sent=1)
    assert smtp.take_one().recipients == [signature.email]
