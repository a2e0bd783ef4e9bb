"""Fixtures for the mail tests: fresh reads of the outbox, and real worker processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from flask import Flask

from petitions.mail.sender import Transport
from petitions.signing import services
from tests.conftest import SmtpServer
from tests.helpers import FLASK, PROJECT_ROOT, wait_for
from tests.servers import SmtpHandler


class WorkerProcess:
    """`flask --app wsgi outbox send`, run as an operator runs it, against the test's database."""

    def __init__(self, app: Flask, smtp: SmtpServer, log_path: Path) -> None:
        self.log_path = log_path
        self.log = log_path.open("ab")
        self.process = subprocess.Popen(
            [str(FLASK), "--app", "wsgi", "outbox", "send"],
            cwd=PROJECT_ROOT,
            env=worker_environment(app, smtp),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def wait_started(self, timeout: float = 10) -> None:
        wait_for(
            lambda: "Outbox worker started" in self.output() or self.process.poll() is not None,
            timeout,
            "the worker to start",
        )
        assert self.process.poll() is None, "the worker exited early:\n" + self.output()

    def send_signal(self, signum: int) -> int:
        """Send ``signum`` and return the exit code (the test fails if it takes over 5 s)."""
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the worker did not exit within 5 s of signal {signum}:\n{self.output()}")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)
        self.log.close()


def worker_environment(app: Flask, smtp: SmtpServer) -> dict[str, str]:
    """Return the environment of a worker that shares the test's database and SMTP server."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PETITIONS_", "OUTBOX_", "MAIL_", "FLASK_"))
        and key not in {"DATABASE_URL", "BASE_URL"}
    }
    environment.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_URL=smtp.url,
        MAIL_FROM=app.config["MAIL_FROM"],
        BASE_URL=app.config["BASE_URL"],
        SECRET_KEY=app.config["SECRET_KEY"],
        EMAIL_CHECK_DELIVERABILITY="false",
        OUTBOX_POLL_SECONDS="1",
        OUTBOX_RETRY_BASE_SECONDS="0",
        MAIL_TIMEOUT_SECONDS="5",
        PYTHONUNBUFFERED="1",
    )
    return environment


class _SlowHandler(SmtpHandler):
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        assert isinstance(self.server, SlowSmtpServer)
        await asyncio.sleep(self.server.delay)
        return await super().handle_DATA(server, session, envelope)


@dataclass
class SlowSmtpServer(SmtpServer):
    """Like the `smtp` server, but each mail takes ``delay`` seconds to be accepted."""

    delay: float = 0.25

    def start(self) -> None:
        self.controller = Controller(_SlowHandler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()


class _FussyHandler(SmtpHandler):
    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        assert isinstance(self.server, FussySmtpServer)
        if address in self.server.defer:
            return "450 4.2.1 Mailbox busy, try again later"
        if address in self.server.hang_up:
            # As a server does after a 421: the answer goes out, then the connection closes.
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 Service shutting down"
        return await super().handle_RCPT(server, session, envelope, address, options)


class _CountingSMTP(SMTP):
    """aiosmtpd's SMTP session, counting the connections it is made for."""

    def __init__(self, handler: _FussyHandler, counted: FussySmtpServer) -> None:
        super().__init__(handler)
        self.counted = counted

    def connection_made(self, transport: Any) -> None:
        with self.counted.lock:
            self.counted.connections += 1
        super().connection_made(transport)


class _CountingController(Controller):
    def __init__(self, server: FussySmtpServer) -> None:
        self.counted = server
        super().__init__(_FussyHandler(server), hostname="127.0.0.1", port=server.port)

    def factory(self) -> SMTP:
        return _CountingSMTP(self.handler, self.counted)


@dataclass
class FussySmtpServer(SmtpServer):
    """Like the `smtp` server (``refuse``: 550), but also defers addresses (``defer``: 450),
    hangs up on others (``hang_up``: 421, then the connection closes), and counts the
    connections made to it."""

    defer: set[str] = field(default_factory=set)
    hang_up: set[str] = field(default_factory=set)
    connections: int = 0

    def start(self) -> None:
        self.controller = _CountingController(self)
        self.controller.start()
        # The controller's own probe, which start() waits for, is no client's connection.
        with self.lock:
            self.connections = 0


@pytest.fixture
def fussy_smtp() -> Iterator[FussySmtpServer]:
    server = FussySmtpServer()
    server.start()
    yield server
    server.stop()
    leftover = server.untaken()
    assert not leftover, "unexpected mail: " + ", ".join(str(m.recipients) for m in leftover)


@pytest.fixture
def slow_smtp() -> Iterator[SlowSmtpServer]:
    server = SlowSmtpServer()
    server.start()
    yield server
    server.stop()
    leftover = server.untaken()
    assert not leftover, "unexpected mail: " + ", ".join(str(m.recipients) for m in leftover)


@pytest.fixture
def start_worker(
    app: Flask, smtp: SmtpServer, tmp_path: Path
) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real worker processes; any still running at the end are killed (by their own id).

    A worker mails through the `smtp` server unless given another one.
    """
    started: list[WorkerProcess] = []

    def start(server: SmtpServer | None = None) -> WorkerProcess:
        worker = WorkerProcess(app, server or smtp, tmp_path / f"worker-{len(started) + 1}.log")
        started.append(worker)
        worker.wait_started()
        return worker

    yield start
    for worker in started:
        worker.close()


class WithdrawsWhileSending:
    """Delivers through ``inner``; before the first mail ``when`` picks is handed over, the
    signer of ``signature_id`` withdraws, in a request of their own, as if mid-send."""

    def __init__(
        self,
        app: Flask,
        inner: Transport,
        signature_id: int,
        when: Callable[[EmailMessage], bool],
    ) -> None:
        self.app, self.inner, self.signature_id, self.when = app, inner, signature_id, when
        self.outcomes: list[services.WithdrawOutcome] = []

    def _withdraw(self) -> None:
        with self.app.app_context():
            self.outcomes.append(services.withdraw(self.signature_id))

    def send(self, message: EmailMessage) -> None:
        if not self.outcomes and self.when(message):
            elsewhere = threading.Thread(target=self._withdraw)
            elsewhere.start()
            elsewhere.join(timeout=10)
        self.inner.send(message)

    def close(self) -> None:
        self.inner.close()
