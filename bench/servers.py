"""The processes a benchmark run starts and stops: back ends, gunicorn, an SMTP sink, children.

Everything listens on loopback and is stopped by its own process id (or its own process group)
however the run ends; the kernel is asked to send SIGTERM to each child should the runner die
without cleaning up. PostgreSQL and Redis come from tests/servers.py, as for the test suite.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import logging
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bench.settings import BIN, RAISED_LIMITS, ROOT, SECRET

# --- processes ---------------------------------------------------------------------------------


def pdeathsig(command: Sequence[str]) -> list[str]:
    """Have the kernel send SIGTERM to the child should this process die without cleaning up."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--", *command] if setpriv else list(command)


def kill_group(process: subprocess.Popen[Any], grace: float = 10) -> None:
    """Stop a child started in its own session, and everything it started, by its process id."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # its group: workers or grandchildren left over
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def run_child(
    command: Sequence[str],
    *,
    timeout: float,
    env: dict[str, str] | None = None,
    input_text: str | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run a command to its end in its own session; kill its whole group on any interruption."""
    process = subprocess.Popen(  # noqa: S603 - commands built here, no user input
        pdeathsig(command),
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE if input_text is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(input_text, timeout=timeout)
    except BaseException:
        kill_group(process, grace=2)
        raise
    if check and process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:4])}… exited with {process.returncode}:\n{err[-3000:]}"
        )
    return subprocess.CompletedProcess(list(command), process.returncode, out, err)


# --- the SMTP sink -----------------------------------------------------------------------------


#: A confirm link's token in a mail (itsdangerous tokens are URL-safe).
CONFIRM_LINK = re.compile(r"/confirm/([A-Za-z0-9_.\-]+)")


def confirm_tokens(raw: bytes) -> list[str]:
    """The confirm tokens of one mail, each once, from its decoded text parts."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    found: dict[str, None] = {}
    for part in message.walk():
        if part.get_content_maintype() == "text":
            found.update(dict.fromkeys(CONFIRM_LINK.findall(part.get_content())))
    return list(found)


class SmtpSink:
    """aiosmtpd on loopback in this process: accepts and counts every message.

    While ``capture`` is set (a part of an address), the confirm tokens of mails to matching
    addresses are collected in ``links``, as the record day's confirmers read them from their
    inbox, and ``captured`` counts those mails.
    """

    def __init__(self) -> None:
        from tests.servers import free_port

        self.port = free_port()
        self.count = 0
        self.lock = threading.Lock()
        self.controller: Any = None
        self.capture: str | None = None
        self.captured = 0
        self.links: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        capture = self.capture
        mine = capture is not None and any(capture in to for to in envelope.rcpt_tos)
        tokens = confirm_tokens(envelope.content) if mine else []
        with self.lock:
            self.count += 1
            if mine:
                self.captured += 1
                self.links += tokens
        return "250 OK"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        for name in ("mail.log", "mail.debug"):  # aiosmtpd logs every SMTP command at INFO
            logging.getLogger(name).setLevel(logging.WARNING)
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


# --- back ends and the app ---------------------------------------------------------------------

#: Settings of the caller that would change how the app under load runs.
_DROPPED_ENV = {"FLASK_DEBUG", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "PYTHONPATH"}


@dataclass
class Backend:
    name: str  # "sqlite" or "postgres"
    database_url: str
    stores: dict[str, str]
    sink: SmtpSink
    env: dict[str, str] = field(default_factory=dict)
    app: Any = None  # this process's own app on the same database: inserts, tokens, counts

    @property
    def label(self) -> str:
        return "SQLite" if self.name == "sqlite" else "PostgreSQL"

    def app_env(self, port: int | None = None) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in _DROPPED_ENV}
        env.update(
            {
                # Production behaviour (secure cookies, no development mailbox), but plain HTTP on
                # loopback and no DNS lookups of the signers' mail domains.
                "PETITIONS_ENV": "production",
                "FORCE_HTTPS": "0",
                "EMAIL_CHECK_DELIVERABILITY": "0",
                "SECRET_KEY": SECRET,
                "DATABASE_URL": self.database_url,
                "MAIL_URL": self.sink.url,
                "MAIL_FROM": "Petitions <petitions@bench.example.org>",
                "BASE_URL": f"http://127.0.0.1:{port or 5000}",
                "TRUSTED_PROXY_COUNT": "0",
                **RAISED_LIMITS,
                **self.stores,
            }
        )
        return env

    def flask(self, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return run_child(
            [str(BIN / "flask"), "--app", "wsgi", *arguments], timeout=timeout, env=self.app_env()
        )

    def prepare(self) -> None:
        """Migrate, load the demo petition, and build this process's app on the same database."""
        self.flask("db", "upgrade")
        self.flask("demo-data")
        from petitions import create_app

        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": self.database_url,
                "RATELIMIT_STORAGE_URI": "memory://",
                "CACHE_TYPE": "SimpleCache",
                "MAIL_URL": self.sink.url,
                "SECRET_KEY": SECRET,
            }
        )

    @contextlib.contextmanager
    def session(self) -> Iterator[Any]:
        from petitions.extensions import db

        with self.app.app_context():
            try:
                yield db.session
            finally:
                db.session.remove()
                db.engine.dispose()  # hold no SQLite lock or PostgreSQL connection meanwhile

    def scalar(self, sql: str, **params: Any) -> Any:
        from sqlalchemy import text

        with self.session() as session:
            return session.execute(text(sql), params).scalar()


def _sqlite_stores(stack: contextlib.ExitStack) -> dict[str, str]:
    from tests.servers import RedisServer

    # Production refuses per-worker (memory://) limits under several gunicorn workers, so even
    # the single-machine SQLite set-up shares its limits through a Redis.
    limits_store = RedisServer()
    stack.callback(limits_store.stop)
    limits_store.start()
    return {"RATELIMIT_STORAGE_URI": limits_store.url, "CACHE_TYPE": "SimpleCache"}


def _postgres(stack: contextlib.ExitStack) -> tuple[str, dict[str, str]]:
    from tests.servers import PostgresServer, RedisServer

    # Durable, as in production: the sign and confirm figures include the WAL flush of every
    # COMMIT, as SQLite's include its fsync.
    postgres = PostgresServer(durable=True)
    stack.callback(postgres.stop)  # also removes its folder after a failed start
    postgres.start()
    redis = RedisServer()
    stack.callback(redis.stop)
    redis.start()
    postgres.psql("CREATE DATABASE petitions_bench")
    stores = {
        "RATELIMIT_STORAGE_URI": redis.url,
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": redis.url,
    }
    return postgres.url("petitions_bench"), stores


def start_backend(name: str, folder: Path, stack: contextlib.ExitStack, sink: SmtpSink) -> Backend:
    """Start the servers of one back end (stopped by ``stack``) and prepare its database."""
    if name == "sqlite":
        backend = Backend(name, f"sqlite:///{folder / 'bench.sqlite'}", _sqlite_stores(stack), sink)
    else:
        database_url, stores = _postgres(stack)
        backend = Backend(name, database_url, stores, sink)
    backend.prepare()
    return backend


class Gunicorn:
    """gunicorn -c gunicorn.conf.py -w 2 on a free loopback port, in its own session."""

    def __init__(self, backend: Backend, folder: Path) -> None:
        from tests.servers import free_port

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = folder / f"gunicorn-{backend.name}.log"
        self.env = backend.app_env(self.port)
        self.process: subprocess.Popen[bytes] | None = None
        self.log_file: IO[bytes] | None = None

    def start(self) -> None:
        self.log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-w", "2"]
        self.process = subprocess.Popen(  # noqa: S603
            pdeathsig([*command, "-b", f"127.0.0.1:{self.port}", "wsgi:app"]),
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._wait_until_healthy(self.process, seconds=30)

    def _wait_until_healthy(self, process: subprocess.Popen[bytes], seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited while starting; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer /healthz within 30 s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None:
            kill_group(self.process, grace=15)  # SIGTERM: graceful; then the group, by id
            self.process = None
        if self.log_file is not None:
            self.log_file.close()
            self.log_file = None

    def worker_boots(self) -> int:
        return self.log_path.read_text(errors="replace").count("Booting worker")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []
