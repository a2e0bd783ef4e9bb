"""Old or odd data in the database fails one mail at most, never the worker."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from petitions.extensions import db
from petitions.mail import messages
from petitions.mail.models import OutboxStatus
from petitions.signing.mailing import MailKind
from tests.conftest import SmtpServer
from tests.factories import open_petition, pending_signature
from tests.helpers import outbox, wait_for
from tests.mail.conftest import WorkerProcess


def _queue(app: Flask, signature_id: int) -> None:
    with app.test_request_context():
        messages.queue(MailKind.CONFIRMATION, signature_id)
    db.session.commit()


def test_a_mail_that_cannot_be_built_fails_alone_and_the_worker_goes_on(
    app: Flask, smtp: SmtpServer, start_worker: Callable[..., WorkerProcess]
) -> None:
    # As old data would be: written past today's forms, straight into the database.
    broken_title = open_petition(title="Free Ales\r\nBcc: everybody@example.net")
    good = open_petition(title="Free Maria Kalesnikava")
    injected = pending_signature(good, email="x@example.org\r\nBcc: victim@example.net")
    _queue(app, pending_signature(broken_title, email="title@example.org").id)
    _queue(app, injected.id)
    _queue(app, pending_signature(good, email="good@example.org").id)

    worker = start_worker()
    wait_for(lambda: len(smtp.untaken()) >= 2, 10, "the two good mails")
    wait_for(
        lambda: all(row.status is not OutboxStatus.PENDING for row in outbox()),
        5,
        "every row to be settled",
    )

    mails = {mail.recipients[0]: mail for mail in smtp.take(2)}
    assert set(mails) == {"title@example.org", "good@example.org"}
    # The title's line break is folded into one line: no header was added.
    subject = mails["title@example.org"].message["Subject"]
    assert subject == "Please confirm your signature: Free Ales Bcc: everybody@example.net"
    assert mails["title@example.org"].message["Bcc"] is None
    statuses = [row.status for row in outbox()]
    assert statuses == [OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.SENT]
    failed = outbox()[1]
    assert failed.last_error == "the message could not be built (ValueError)"
    assert "example" not in worker.output()
    assert "Traceback" not in worker.output()

    # The worker lives on: the next mail goes out too.
    assert worker.process.poll() is None
    _queue(app, pending_signature(good, email="later@example.org").id)
    wait_for(lambda: len(smtp.untaken()) >= 1, 10, "the later mail")
    assert smtp.take_one().recipients == ["later@example.org"]
