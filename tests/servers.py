"""Real PostgreSQL, Redis, SMTP and DNS servers on loopback, for the test suite and the benchmarks.

Each gets a temporary data folder and a free port. Both come from Debian's packages
(`postgresql`, `redis-server`), which `make test` installs; pytest-postgresql and pytest-redis
(their executors, not their fixtures: the suite hands out its own databases, see conftest.py)
start and stop them.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import stat
import tempfile
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import psycopg
import redis
from aiosmtpd.controller import Controller
from pytest_postgresql.executors.proc import PostgreSQLExecutor
from pytest_redis.executor.process import RedisExecutor


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: apt-get install postgresql (make test does this as root)."
        )
    return Path(found[-1]).parent


def _pg_ctl_as_postgres(folder: Path) -> Path:
    """Return a pg_ctl that runs as the `postgres` system user when we are root.

    PostgreSQL refuses to run as root, and pytest-postgresql's executor runs the pg_ctl it is
    given for every step (initdb, start, status, stop); it has no setting for another user, so
    it gets this two-line wrapper instead of pg_ctl itself.
    """
    pg_ctl = _postgres_bin() / "pg_ctl"
    if os.geteuid() != 0:
        return pg_ctl
    shutil.chown(folder, "postgres")
    wrapper = folder / "pg_ctl"
    wrapper.write_text(f'#!/bin/sh\nexec runuser -u postgres -- "{pg_ctl}" "$@"\n')
    wrapper.chmod(stat.S_IRWXU)
    return wrapper


@dataclass
class PostgresServer:
    """A throwaway PostgreSQL cluster owned by the `postgres` system user (it refuses root).

    The test suite's cluster trades durability for speed; ``durable=True`` keeps PostgreSQL's
    defaults (fsync and a synchronous commit), as a production server runs and the benchmarks
    measure.
    """

    durable: bool = False
    port: int = field(default_factory=free_port)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="petitions-pg-")))
    executor: PostgreSQLExecutor | None = None

    def _settings(self) -> list[str]:
        # Connections enough for the concurrency tests and two app instances.
        settings = ["max_connections=200", "listen_addresses=127.0.0.1"]
        if self.durable:
            # The executor always starts the server with -F (fsync off); a later -c wins.
            settings += ["fsync=on", "synchronous_commit=on", "full_page_writes=on"]
        else:
            settings += ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]
        return [f"-c {setting}" for setting in settings]

    def start(self) -> None:
        self.executor = PostgreSQLExecutor(
            executable=str(_pg_ctl_as_postgres(self.folder)),
            host="127.0.0.1",
            port=self.port,
            datadir=str(self.folder / "data"),
            unixsocketdir=str(self.folder),
            logfile=str(self.folder / "postgresql.log"),
            startparams="-w",
            dbname="postgres",
            user="postgres",
            postgres_options=" ".join(self._settings()),
        )
        try:
            self.executor.start()
            # The executor returns once the port is open; `pg_ctl start -w` leaves only when
            # the server takes connections (not "the database system is starting up").
            assert self.executor.process is not None
            if self.executor.process.wait(timeout=60) != 0:
                raise RuntimeError(f"PostgreSQL did not start: see {self.folder}/postgresql.log")
        except BaseException:
            self.stop()
            raise

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> None:
        """Run one SQL statement outside a transaction (CREATE DATABASE needs that)."""
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        ) as connection:
            connection.execute(sql.encode())

    def stop(self) -> None:
        if self.executor is not None:
            # pg_ctl stop -m fast: disconnect clients, stop cleanly; then the data goes.
            self.executor.stop()
            self.executor = None
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class RedisServer:
    """A throwaway Redis server without persistence."""

    port: int = field(default_factory=free_port)
    #: Its pid, log and socket files; made at start (a server may be named and never started).
    folder: Path | None = None
    executor: RedisExecutor | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "Redis is not installed: apt-get install redis-server "
                "(make test does this as root)."
            )
        self.folder = Path(tempfile.mkdtemp(prefix="petitions-redis-"))
        self.executor = RedisExecutor(
            binary,
            databases=16,
            redis_timeout=0,  # idle clients stay connected, as by default
            loglevel="warning",
            host="127.0.0.1",
            port=self.port,
            startup_timeout=15,
            datadir=self.folder,
        )
        self.executor.start()
        # The executor leaves Redis's default snapshots on when given no save rule.
        redis.Redis.from_url(self.url).config_set("save", "")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.executor is not None:
            self.executor.stop()
            self.executor = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


@dataclass
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: EmailMessage
    #: The client's address and port: one per SMTP connection.
    peer: tuple[str, int] = ("", 0)
    #: The message's bytes as the server received them (for a stricter parser, say).
    raw: bytes = b""

    @property
    def text(self) -> str:
        body = self.message.get_body(("plain",))
        assert body is not None
        return str(body.get_content())

    @property
    def html(self) -> str:
        body = self.message.get_body(("html",))
        assert body is not None
        return str(body.get_content())

    def link(self, kind: str) -> str:
        """Return the path of the confirm or withdraw link in the text body."""
        match = re.search(rf"https?://[^/\s]+(/{kind}/[^\s]+)", self.text)
        assert match, f"no /{kind}/ link in:\n{self.text}"
        return match.group(1)


class SmtpHandler:
    """aiosmtpd's handler for SmtpServer: refuses the addresses in ``refuse``, keeps the rest."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:  # noqa: N802
        if address in self.server.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.server.lock:
            self.server.received.append(
                ReceivedMail(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    message,
                    tuple(session.peer),
                    bytes(envelope.original_content),
                )
            )
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """aiosmtpd on loopback; every test must take the mails it causes (see ``take``)."""

    port: int = field(default_factory=free_port)
    received: list[ReceivedMail] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    taken: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(SmtpHandler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def take(self, count: int) -> list[ReceivedMail]:
        """Return the next ``count`` mails, failing if a different number arrived."""
        with self.lock:
            fresh = self.received[self.taken :]
        assert len(fresh) == count, f"expected {count} new mails, got {len(fresh)}: " + ", ".join(
            f"{m.recipients} {m.message['Subject']}" for m in fresh
        )
        self.taken += count
        return fresh

    def take_one(self) -> ReceivedMail:
        return self.take(1)[0]

    def untaken(self) -> list[ReceivedMail]:
        with self.lock:
            return self.received[self.taken :]


class DnsServer:
    """A name server on loopback UDP that answers from a table, as a mail domain's DNS would.

    ``records`` maps a name (``"example.org."``) to its records by type (``{"MX": ["10
    mx.example.org."]}``). A name absent from the table does not exist (NXDOMAIN); a type absent
    from its entry has no answer; a name in ``silent`` gets no reply at all, like an overloaded
    or unreachable server. Every question asked is kept in ``questions`` as (name, type).
    """

    def __init__(self, records: dict[str, dict[str, list[str]]], silent: set[str]) -> None:
        self.records = records
        self.silent = silent
        self.questions: list[tuple[str, str]] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self.port = int(self._socket.getsockname()[1])
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _serve(self) -> None:
        import dns.message
        import dns.rcode
        import dns.rdatatype
        import dns.rrset

        while not self._stopping.is_set():
            try:
                wire, sender = self._socket.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            question = query.question[0]
            name, kind = question.name.to_text(), dns.rdatatype.to_text(question.rdtype)
            self.questions.append((name, kind))
            if name in self.silent:
                continue
            response = dns.message.make_response(query)
            if name not in self.records:
                response.set_rcode(dns.rcode.NXDOMAIN)
            elif kind in self.records[name]:
                response.answer.append(
                    dns.rrset.from_text_list(name, 300, "IN", kind, self.records[name][kind])
                )
            self._socket.sendto(response.to_wire(), sender)

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._socket.close()
