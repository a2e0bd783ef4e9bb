"""The real worker process queues updates (its chore) and sends them; killed, it doubles nothing."""

from __future__ import annotations

import signal
from collections.abc import Callable

import pytest
from sqlalchemy import select

from petitions.extensions import db
from petitions.mail.models import OutboxMessage, OutboxStatus
from tests.conftest import SmtpServer
from tests.factories import open_petition, organizer
from tests.helpers import wait_for
from tests.mail.conftest import WorkerProcess
from tests.mail.conftest import start_worker as start_worker  # noqa: F401 - the fixture
from tests.updates.conftest import consenting_signature, send_now, written_update


def _sent() -> int:
    db.session.rollback()
    return len(
        db.session.execute(
            select(OutboxMessage.id).where(
                OutboxMessage.update_recipient_id.is_not(None),
                OutboxMessage.status == OutboxStatus.SENT,
            )
        ).all()
    )


def test_a_worker_killed_between_batches_loses_and_doubles_nothing(
    smtp: SmtpServer,
    start_worker: Callable[..., WorkerProcess],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Three seconds apart: the worker is killed well before the next mail falls due.
    monkeypatch.setenv("UPDATE_MAILS_PER_MINUTE", "20")
    monkeypatch.setenv("UPDATE_BATCH_SIZE", "2")
    petition = open_petition()
    author = organizer(cases=(petition.case,))
    signers = [consenting_signature(petition, email=f"w{n}@example.org") for n in range(4)]
    send_now(written_update(author, {"en": ("News", "Text.")}, petition=petition))

    first = start_worker()
    wait_for(lambda: _sent() >= 2, 20, "the first batch to be sent")
    assert first.send_signal(signal.SIGKILL) == -signal.SIGKILL
    before_the_kill = smtp.take(2)

    second = start_worker()
    wait_for(lambda: _sent() >= 4, 20, "the second worker to send the rest")
    assert second.send_signal(signal.SIGTERM) == 0, second.output()
    after_the_kill = smtp.take(2)

    # Each signer exactly once, across both workers.
    received = [mail.recipients[0] for mail in before_the_kill + after_the_kill]
    assert sorted(received) == sorted(str(signature.email) for signature in signers)
    assert _sent() == 4
