"""All benchmarks in one command: `.venv/bin/python bench/run.py` (what `make bench` runs).

Starts everything it needs on loopback, stops all of it again however the run ends (Ctrl-C,
SIGTERM, a failure), and prints a table that is also written to bench/results.md:

1. sign      valid, distinct signers POSTing /p/<slug>/sign through gunicorn (2 sync workers,
             gunicorn.conf.py), per second, next to /livez per second of the same server in the
             same round; on SQLite (in-memory limits, per-process cache) and on PostgreSQL
             (Redis for limits and cache). Rate limiting stays on with raised limits.
2. confirm   POST /confirm/<token> per second, for signatures inserted pending beforehand.
3. counter   /api/v1/petitions/<slug> and /badge/<slug>.svg, 200s (warm cache) and 304s.
4. mail      outbox messages delivered per second to a local SMTP sink (aiosmtpd, in this
             process) by `flask --app wsgi outbox send --once`.
5. bundle    bench/bundle_pdf.py (10,000 and 100,000 signatures): seconds and peak memory.
6. export    bench/export_csv.py --sizes 1000000: seconds and peak memory.

Load comes from wrk (a separate process, one thread, 8 connections, 3 s per run and 2 s per
counter run), driven by the Lua scripts in bench/lua/. A round is: /livez, sign, JSON and badge
(200 and 304), confirm, /livez again; the round's baseline is the mean of its two /livez runs.
Every HTTP figure is the median of --rounds rounds (5; mail, bundle and export: --other-rounds,
3); the ratios are medians of the per-round ratios. After each sign and confirm run the
database is checked against wrk's answers: new rows == 303s (confirmed rows == 200s) plus the
requests wrk had written but cut off at its stop.
The share of CPU other processes took during each round is reported: on a shared machine the
absolute figures drop and scatter, the ratios less so.

Then py-spy (when installed: `.venv/bin/pip install py-spy`) samples both gunicorn workers
during one more sign run per back end (and /livez, JSON and badge runs on SQLite, and one
`outbox send --once`), and an in-process harness (`--harness`, a child process) counts SQL
statements, COMMITs, rate-limit storage calls and Redis round trips per sign and per
confirmation, and prices each suspect by signing with and without it (CPU time, alternating).
Raw py-spy stacks are kept in $TMPDIR/petitions-bench-pyspy/.

Options: --rounds, --other-rounds, --duration, --counter-duration, --connections, --backends,
--mail-messages, --skip http,mail,profile,bundle,export, --output (see --help). A full run takes
seven to ten minutes on a 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH = ROOT / "bench"
LUA = BENCH / "lua"
RESULTS = BENCH / "results.md"
BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-not-for-production"  # noqa: S105 - a throwaway test key
SLUG = "free-ales-bialiatski"  # the demo petition (`flask demo-data`)

#: High enough that no limit refuses the load; the limiter is still consulted on every request.
RAISED_LIMITS = {
    "SIGN_RATE_LIMIT": "10000000 per minute",
    "LINK_RATE_LIMIT": "10000000 per minute",
    "MAIL_PER_ADDRESS_LIMIT": "1000 per hour; 10000 per day",
}

TARGETS = {
    "sign_sqlite": 0.20,
    "sign_postgres": 0.15,
    "counter": 0.80,
    "pdf_seconds": 60.0,
    "pdf_peak_mb": 300.0,
    "csv_peak_mb": 150.0,
}

os.environ["SECRET_KEY"] = SECRET  # before the app is imported here: never write instance/


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- processes ---------------------------------------------------------------------------------


def _pdeathsig(command: Sequence[str]) -> list[str]:
    """Have the kernel send SIGTERM to the child should this process die without cleaning up."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "TERM", "--", *command] if setpriv else list(command)


def _kill_group(process: subprocess.Popen[Any], grace: float = 10) -> None:
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
        _pdeathsig(command),
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
        _kill_group(process, grace=2)
        raise
    if check and process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:4])}… exited with {process.returncode}:\n{err[-3000:]}"
        )
    return subprocess.CompletedProcess(list(command), process.returncode, out, err)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


# --- how busy the machine was with other work ------------------------------------------------


class CpuWatch:
    """CPU time the machine spent on processes outside this run's process tree.

    Other sessions may share the machine; their load skews every figure. Compares busy time from
    /proc/stat with the CPU time of this process and all its descendants (live ones, plus what
    they reaped, so wrk's and gunicorn's exited workers count as ours).
    """

    def __init__(self) -> None:
        self.ticks = os.sysconf("SC_CLK_TCK")
        self.cpus = os.cpu_count() or 1

    @staticmethod
    def _busy() -> int:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        user, nice, system, _idle, _iowait, irq, softirq = fields[:7]
        return user + nice + system + irq + softirq

    @staticmethod
    def _ours() -> int:
        parents: dict[int, int] = {}
        times: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            fields = text.rsplit(")", 1)[1].split()
            pid = int(entry.name)
            parents[pid] = int(fields[1])
            times[pid] = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
        mine = {os.getpid()}
        changed = True
        while changed:
            changed = False
            for pid, parent in parents.items():
                if parent in mine and pid not in mine:
                    mine.add(pid)
                    changed = True
        return sum(times.get(pid, 0) for pid in mine)

    def snapshot(self) -> tuple[float, int, int]:
        return time.monotonic(), self._busy(), self._ours()

    def foreign(self, before: tuple[float, int, int], after: tuple[float, int, int]) -> float:
        """Share of the machine's CPU capacity used by others between two snapshots."""
        seconds = after[0] - before[0]
        others = (after[1] - before[1]) - (after[2] - before[2])
        return max(0.0, others / self.ticks / (seconds * self.cpus)) if seconds > 0 else 0.0


CPU = CpuWatch()


# --- the SMTP sink -----------------------------------------------------------------------------


class SmtpSink:
    """aiosmtpd on loopback in this process: accepts and counts every message."""

    def __init__(self) -> None:
        from tests.servers import free_port

        self.port = free_port()
        self.count = 0
        self.lock = threading.Lock()
        self.controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"

    def start(self) -> None:
        import logging

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
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"FLASK_DEBUG", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "PYTHONPATH"}
        }
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


def start_backend(name: str, folder: Path, stack: contextlib.ExitStack, sink: SmtpSink) -> Backend:
    from tests.servers import PostgresServer, RedisServer

    if name == "sqlite":
        # Production refuses per-worker (memory://) limits under several gunicorn workers, so
        # even the single-machine SQLite set-up shares its limits through a Redis.
        limits_store = RedisServer()
        stack.callback(limits_store.stop)
        limits_store.start()
        backend = Backend(
            name,
            f"sqlite:///{folder / 'bench.sqlite'}",
            {"RATELIMIT_STORAGE_URI": limits_store.url, "CACHE_TYPE": "SimpleCache"},
            sink,
        )
    else:
        # Durable, as in production: the sign and confirm figures include the WAL flush of every
        # COMMIT, as SQLite's include its fsync.
        postgres = PostgresServer(durable=True)
        stack.callback(postgres.stop)  # also removes its folder after a failed start
        postgres.start()
        redis = RedisServer()
        stack.callback(redis.stop)
        redis.start()
        postgres.psql("CREATE DATABASE petitions_bench")
        backend = Backend(
            name,
            postgres.url("petitions_bench"),
            {
                "RATELIMIT_STORAGE_URI": redis.url,
                "CACHE_TYPE": "RedisCache",
                "CACHE_REDIS_URL": redis.url,
            },
            sink,
        )
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

    def start(self) -> None:
        self.log_file = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603
            _pdeathsig(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    "gunicorn.conf.py",
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{self.port}",
                    "wsgi:app",
                ]
            ),
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
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
            _kill_group(self.process, grace=15)  # SIGTERM: graceful; then the group, by id
            self.process = None
            self.log_file.close()

    def worker_boots(self) -> int:
        return self.log_path.read_text(errors="replace").count("Booting worker")

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []


# --- HTTP from Python: the CSRF token and the ETags --------------------------------------------

_CSRF = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')


def session_and_token(base: str) -> tuple[str, str]:
    """Open the petition page once, as a browser would: its session cookie and CSRF token."""
    with urllib.request.urlopen(f"{base}/p/{SLUG}", timeout=10) as answer:  # noqa: S310
        html = answer.read().decode()
        cookies = answer.headers.get_all("Set-Cookie") or []
    cookie = next((m.group(1) for c in cookies if (m := re.match(r"\s*session=([^;]+)", c))), None)
    token = _CSRF.search(html)
    if cookie is None or token is None:
        raise RuntimeError("the petition page set no session cookie or had no CSRF token")
    return cookie, urllib.parse.quote(token.group(1), safe="")


def etag_of(base: str, path: str) -> str:
    with urllib.request.urlopen(f"{base}{path}", timeout=10) as answer:  # noqa: S310
        answer.read()
        etag = answer.headers.get("ETag")
    if not etag:
        raise RuntimeError(f"{path} sent no ETag")
    return etag


# --- wrk ---------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    seconds: float
    statuses: dict[int, int]
    sent: int
    answered: int
    errors: dict[str, int]
    latency_us: dict[str, int]

    def per_second(self, *statuses: int) -> float:
        return sum(self.statuses.get(status, 0) for status in statuses) / self.seconds

    @property
    def unanswered(self) -> int:
        """Requests written whose answers wrk dropped when its time was up (at most -c)."""
        return max(0, self.sent - self.answered)


class Wrk:
    def __init__(
        self, folder: Path, duration: int, connections: int, counter_duration: int
    ) -> None:
        self.folder = folder
        self.duration = duration
        self.counter_duration = counter_duration
        self.connections = connections
        self.scripts: dict[str, Path] = {}
        common = (LUA / "common.lua").read_text()
        for name in ("get", "sign", "confirm"):
            path = folder / f"{name}.lua"
            path.write_text(common + "\n" + (LUA / f"{name}.lua").read_text())
            self.scripts[name] = path

    def run(
        self,
        url: str,
        script: str = "get",
        args: Sequence[str] = (),
        headers: Sequence[str] = (),
        duration: int | None = None,
    ) -> WrkResult:
        if not url.startswith("http://127.0.0.1:"):
            raise ValueError("load goes to 127.0.0.1 only")
        seconds = duration or self.duration
        command = ["wrk", "-t1", f"-c{self.connections}", f"-d{seconds}s", "--timeout", "10s"]
        for header in headers:
            command += ["-H", header]
        command += ["-s", str(self.scripts[script]), url, "--", *args]
        done = run_child(command, timeout=seconds + 30)
        line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_RESULT ")), None)
        if line is None:
            raise RuntimeError(f"wrk printed no result:\n{done.stdout}\n{done.stderr}")
        data = json.loads(line.split(" ", 1)[1])
        return WrkResult(
            seconds=data["duration_us"] / 1e6,
            statuses={int(k): v for k, v in data["statuses"].items()},
            sent=data["sent"],
            answered=data["answered"],
            errors=data["errors"],
            latency_us=data["latency_us"],
        )


# --- the HTTP benchmarks of one back end -------------------------------------------------------


@dataclass
class Round:
    livez: float = 0.0
    sign: float = 0.0
    confirm: float = 0.0
    counter: dict[str, float] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)  # problems found; empty when all is well
    notes: list[str] = field(default_factory=list)
    foreign_cpu: float = 0.0  # share of the CPU other processes used during the round
    livez_first: float = 0.0
    livez_last: float = 0.0


def _statuses(result: WrkResult) -> str:
    return ", ".join(f"{code}: {n}" for code, n in sorted(result.statuses.items())) or "none"


def _error_note(what: str, result: WrkResult) -> str | None:
    errors = {k: v for k, v in result.errors.items() if v}
    return f"{what}: wrk socket errors {errors}" if errors else None


def insert_pending(backend: Backend, count: int, nonce: str) -> Path:
    """Insert pending signatures directly and write their confirm tokens to a file, one a line."""
    from sqlalchemy import insert, select

    from petitions.cases.models import Petition
    from petitions.clock import utcnow
    from petitions.signing.models import Signature, SignatureState
    from petitions.tokens import confirm_token

    with backend.session() as session:
        petition_id = session.execute(select(Petition.id).where(Petition.slug == SLUG)).scalar_one()
        now = utcnow()
        rows = [
            {
                "petition_id": petition_id,
                "state": SignatureState.PENDING,
                "full_name": f"Confirming Signer {n}",
                "email": f"confirm-{nonce}-{n}@example.org",
                "email_normalized": f"confirm-{nonce}-{n}@example.org",
                "country": "NL",
                "city": "Den Haag",
                "show_name_publicly": n % 2 == 0,
                "may_contact": False,
                "locale": "en",
                "mails_sent": 1,
                "last_mail_at": now,
                "created_at": now,
            }
            for n in range(count)
        ]
        ids = session.execute(insert(Signature).returning(Signature.id), rows).scalars().all()
        session.commit()
        with backend.app.test_request_context():
            tokens = [confirm_token(signature_id) for signature_id in ids]
    path = Path(tempfile.gettempdir()) / f"petitions-bench-tokens-{nonce}.txt"
    path.write_text("\n".join(tokens) + "\n")
    return path


def http_round(
    backend: Backend, server: Gunicorn, wrk: Wrk, number: int, previous_livez: float
) -> Round:
    result = Round()
    base = server.base
    cookie, token = session_and_token(base)
    cpu_before = CPU.snapshot()

    # /livez: the baseline every ratio of this round is taken against.
    livez = wrk.run(f"{base}/livez")
    result.livez = livez.per_second(200)
    if set(livez.statuses) != {200}:
        result.checks.append(f"/livez answered {_statuses(livez)}")

    # sign: distinct valid signers; every 303 must be exactly one new row.
    nonce = f"{backend.name[:2]}{number}{uuid.uuid4().hex[:6]}"
    pattern = f"bench-{nonce}-%"
    before = backend.scalar("SELECT count(*) FROM signatures WHERE email LIKE :p", p=pattern)
    sign = wrk.run(f"{base}/p/{SLUG}/sign", "sign", [SLUG, cookie, token, nonce])
    time.sleep(0.3)  # let the last requests that wrk cut off finish on the server
    rows = backend.scalar("SELECT count(*) FROM signatures WHERE email LIKE :p", p=pattern) - before
    answered_303 = sign.statuses.get(303, 0)
    result.sign = sign.per_second(303)
    if set(sign.statuses) - {303}:
        result.checks.append(f"sign answered {_statuses(sign)}")
    if rows != answered_303 + sign.unanswered:
        result.checks.append(
            f"sign: {rows} new rows but {answered_303} answers 303 "
            f"(+{sign.unanswered} cut off by wrk)"
        )
    result.notes.append(
        f"sign: {answered_303} × 303, {rows} new rows"
        + (
            f" ({sign.unanswered} requests cut off by wrk's stop, processed)"
            if sign.unanswered
            else ""
        )
        + f", latency p50 {sign.latency_us['p50'] / 1000:.1f} ms"
        + f" p99 {sign.latency_us['p99'] / 1000:.1f} ms"
    )

    # counter: JSON and badge, 200s with a warm cache and 304s with the current ETag.
    for label, path in (("json", f"/api/v1/petitions/{SLUG}"), ("badge", f"/badge/{SLUG}.svg")):
        etag_of(base, path)  # warm this path's cache
        full = wrk.run(f"{base}{path}", duration=wrk.counter_duration)
        result.counter[f"{label}_200"] = full.per_second(200)
        if set(full.statuses) != {200}:
            result.checks.append(f"{path} answered {_statuses(full)}")
        etag = etag_of(base, path)
        conditional = wrk.run(
            f"{base}{path}", headers=[f"If-None-Match: {etag}"], duration=wrk.counter_duration
        )
        result.counter[f"{label}_304"] = conditional.per_second(304)
        if set(conditional.statuses) != {304}:
            result.checks.append(f"{path} with If-None-Match answered {_statuses(conditional)}")

    # confirm: enough pending signatures that the run cannot use them up.
    expected = max(previous_livez, result.livez) * wrk.duration * 1.2 + 500
    nonce = f"{backend.name[:2]}{number}{uuid.uuid4().hex[:6]}"
    tokens = insert_pending(backend, int(expected), nonce)
    try:
        confirm = wrk.run(f"{base}/confirm/x", "confirm", [str(tokens), cookie, token, "1"])
    finally:
        tokens.unlink(missing_ok=True)
    time.sleep(0.3)
    confirmed = backend.scalar(
        "SELECT count(*) FROM signatures WHERE email LIKE :p AND state = 'confirmed'",
        p=f"confirm-{nonce}-%",
    )
    answered_200 = confirm.statuses.get(200, 0)
    result.confirm = confirm.per_second(200)
    if set(confirm.statuses) - {200}:
        result.checks.append(f"confirm answered {_statuses(confirm)} (400: tokens ran out)")
    if confirmed != answered_200 + confirm.unanswered:
        result.checks.append(
            f"confirm: {confirmed} confirmed rows but {answered_200} answers 200 "
            f"(+{confirm.unanswered} cut off by wrk)"
        )
    result.notes.append(f"confirm: {answered_200} × 200, {confirmed} rows confirmed")
    for what, run in (("livez", livez), ("sign", sign), ("confirm", confirm)):
        note = _error_note(what, run)
        if note:
            result.notes.append(note)
    # /livez again at the end: the round's baseline is the mean of both, so a burst of other
    # work on the machine during one of them weighs less.
    livez_end = wrk.run(f"{base}/livez")
    if set(livez_end.statuses) != {200}:
        result.checks.append(f"/livez answered {_statuses(livez_end)}")
    result.livez_first, result.livez_last = result.livez, livez_end.per_second(200)
    result.livez = (result.livez_first + result.livez_last) / 2
    result.foreign_cpu = CPU.foreign(cpu_before, CPU.snapshot())
    return result


# --- mail --------------------------------------------------------------------------------------


def queue_mail(backend: Backend, count: int, nonce: str) -> None:
    """Park what the sign runs queued and queue `count` confirmation mails for new signers.

    The worker renders each mail from its signature when it sends it, so the figure includes
    rendering, as in production.
    """
    import datetime as dt

    from sqlalchemy import insert, select, update

    from petitions.cases.models import Petition
    from petitions.clock import utcnow
    from petitions.mail.models import OutboxMessage, OutboxStatus
    from petitions.signing.models import Signature, SignatureState

    with backend.session() as session:
        now = utcnow()
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
            .values(next_attempt_at=now + dt.timedelta(days=3650))
        )
        if count == 0:
            session.commit()
            return
        petition_id = session.execute(select(Petition.id).where(Petition.slug == SLUG)).scalar_one()
        signature_ids = (
            session.execute(
                insert(Signature).returning(Signature.id),
                [
                    {
                        "petition_id": petition_id,
                        "state": SignatureState.PENDING,
                        "full_name": f"Mail Bench {n}",
                        "email": f"mail-{nonce}-{n}@example.org",
                        "email_normalized": f"mail-{nonce}-{n}@example.org",
                        "country": "NL",
                        "city": "Den Haag",
                        "locale": "en",
                        "mails_sent": 0,
                        "created_at": now,
                    }
                    for n in range(count)
                ],
            )
            .scalars()
            .all()
        )
        session.execute(
            insert(OutboxMessage),
            [
                {
                    "kind": "sign_attempt",  # as a sign request queues it: decided, then sent
                    "signature_id": signature_id,
                    "message_id": f"<{nonce}.{n}@bench.example.org>",
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now - dt.timedelta(minutes=1),
                    "created_at": now,
                }
                for n, signature_id in enumerate(signature_ids)
            ],
        )
        session.commit()


#: A plain smtplib client, 20 messages per connection like the app's SmtpTransport (its
#: MAIL_MESSAGES_PER_CONNECTION default): how fast the sink itself can take mail, so a slow
#: outbox is not blamed on the sink.
_SMTP_CEILING = """
import smtplib, sys, time
from email.message import EmailMessage
port, count = int(sys.argv[1]), int(sys.argv[2])
message = EmailMessage()
message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "x"
message.set_content("Please confirm: http://127.0.0.1/confirm/x\\n" * 20)
started = time.perf_counter()
for _ in range(0, count, 20):
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as connection:
        for _ in range(20):
            connection.send_message(message)
print(count / (time.perf_counter() - started))
"""


def smtp_ceiling(sink: SmtpSink, count: int = 500) -> float:
    done = run_child([sys.executable, "-c", _SMTP_CEILING, str(sink.port), str(count)], timeout=120)
    return float(done.stdout.strip().splitlines()[-1])


def mail_rounds(backend: Backend, rounds: int, messages: int) -> dict[str, Any]:
    env = backend.app_env()
    command = [str(BIN / "flask"), "--app", "wsgi", "outbox", "send", "--once"]
    queue_mail(backend, 0, "empty")
    started = time.perf_counter()
    run_child(command, timeout=60, env=env)
    startup = time.perf_counter() - started  # import, app, one empty claim: the fixed cost
    drain_rates, overall_rates, checks = [], [], []
    for number in range(rounds):
        nonce = f"m{backend.name[:2]}{number}{uuid.uuid4().hex[:6]}"
        queue_mail(backend, messages, nonce)
        before = backend.sink.count
        started = time.perf_counter()
        done = run_child(command, timeout=300, env=env)
        seconds = time.perf_counter() - started
        delivered = backend.sink.count - before
        sent = re.search(r"sent (\d+)", done.stdout)
        if delivered != messages or sent is None or int(sent.group(1)) != messages:
            checks.append(
                f"mail round {number + 1}: queued {messages}, worker said "
                f"{done.stdout.strip()!r}, sink received {delivered}"
            )
        overall_rates.append(delivered / seconds)
        drain_rates.append(delivered / max(seconds - startup, 1e-3))
    return {
        "drain": statistics.median(drain_rates),
        "overall": statistics.median(overall_rates),
        "startup": startup,
        "runs": drain_rates,
        "checks": checks,
    }


# --- bundle and export (their own scripts, unchanged) ------------------------------------------


def bundle_rounds(rounds: int) -> dict[int, dict[str, Any]]:
    row = re.compile(r"^\s*([\d,]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+([\d,]+)\s+([\d.]+)\s*$")
    runs: dict[int, list[tuple[float, float]]] = {}
    for number in range(rounds):
        log(f"bundle: bench/bundle_pdf.py, round {number + 1}/{rounds}")
        done = run_child([sys.executable, str(BENCH / "bundle_pdf.py")], timeout=600)
        for line in done.stdout.splitlines():
            if match := row.match(line):
                size = int(match.group(1).replace(",", ""))
                runs.setdefault(size, []).append((float(match.group(2)), float(match.group(3))))
    return {
        size: {
            "seconds": statistics.median(s for s, _ in values),
            "peak_mb": statistics.median(p for _, p in values),
            "runs": values,
        }
        for size, values in runs.items()
    }


def export_rounds(rounds: int) -> dict[str, Any]:
    row = re.compile(r"^\s*([\d,]+)\s+([\d.]+)\s+([\d,]+)\s+(\d+)\s+([\d.]+)\s*$")
    values: list[tuple[float, float]] = []
    for number in range(rounds):
        log(f"export: bench/export_csv.py --sizes 1000000, round {number + 1}/{rounds}")
        done = run_child(
            [sys.executable, str(BENCH / "export_csv.py"), "--sizes", "1000000"], timeout=900
        )
        for line in done.stdout.splitlines():
            if match := row.match(line):
                values.append((float(match.group(2)), float(match.group(4))))
    if not values:
        raise RuntimeError("bench/export_csv.py printed no result row")
    return {
        "seconds": statistics.median(s for s, _ in values),
        "peak_mb": statistics.median(p for _, p in values),
        "runs": values,
    }


# --- where a sign request spends its time ------------------------------------------------------


def _has(*parts: str) -> Callable[[str], bool]:
    return lambda frame: any(part in frame for part in parts)


Parts = list[tuple[str, Callable[[str], bool]]]

#: What wraps every request, after the parts of the view itself.
_AROUND_THE_VIEW: Parts = [
    ("rate-limit check per IP (Flask-Limiter, limits)", _has("flask_limiter/", "limits/")),
    ("session cookie (open, save)", _has("open_session (", "save_session (", "flask/sessions.py")),
    ("locale selection (Flask-Babel)", _has("flask_babel/", "select_locale (")),
    ("security and CORS headers (Talisman, flask-cors)", _has("flask_talisman/", "flask_cors/")),
    ("SQLAlchemy outside the view (session teardown)", _has("sqlalchemy/")),
    (
        "logging (app log, access log, redaction filter)",
        _has("logging/", "petitions/privacy/redaction.py", "gunicorn/glogging.py"),
    ),
    ("Flask and Werkzeug (routing, request, response)", _has("flask/", "werkzeug/")),
    ("gunicorn (accept, parse, write, close)", _has("gunicorn/")),
]

#: Parts of a sign request, each recognised by a frame anywhere in a sampled stack. Every
#: sample goes to the first part that matches, so the shares add up to 100 %: the parts
#: inside the view come first, then what wraps it (limiter, Flask, gunicorn).
SIGN_PARTS: Parts = [
    ("email-validator", _has("email_validator/")),
    ("CSRF token check (Flask-WTF)", _has("flask_wtf/csrf.py")),
    ("SignForm() construction (fields, CSRF token)", _has("FormMeta.__call__ (")),
    ("form validation, other (WTForms)", _has("wtforms/", "flask_wtf/form.py")),
    ("COMMIT (on SQLite: the fsync of the WAL)", _has("do_commit (")),
    (
        "services.sign: INSERT…SELECT signature, INSERT outbox row",
        _has("sign (petitions/signing/services.py"),
    ),
    (
        "rest of the view (SignerDetails, get_locale, redirect)",
        _has("sign (petitions/signing/views.py"),
    ),
    *_AROUND_THE_VIEW,
]

COUNTER_PARTS: Parts = [
    ("count recomputed after the cache expired (SQL)", _has("_details (petitions/counting")),
    (
        "cache lookup (Flask-Caching get: unpickle, Redis round trip)",
        _has("flask_caching/", "cachelib/", "redis/"),
    ),
    ("badge template rendering (Jinja, context processors)", _has("jinja2/", "render_template (")),
    ("JSON encoding (jsonify)", _has("jsonify (", "flask/json/")),
    (
        "rest of the view (ETag check, headers)",
        _has(
            "conditional_response (",
            "badge (petitions/counting/views.py",
            "petition (petitions/api/views.py",
        ),
    ),
    *_AROUND_THE_VIEW,
]

MAIL_PARTS: Parts = [
    (
        "SMTP conversation (smtplib: MAIL, RCPT, DATA; a connection per 20 mails)",
        _has("smtplib.py"),
    ),
    ("rendering the mail (2 templates, 2 tokens, in the signer's language)", _has("render (")),
    ("per-address mail limit (allow_mail_to: limiter storage)", _has("allow_mail_to (")),
    ("building the MIME message (build_message, email package)", _has("build_message (")),
    ("claiming batches (SELECT + UPDATE claimed_until, COMMIT)", _has("_claim_batch (")),
    ("marking each message sent (UPDATE + COMMIT per message)", _has("_deliver (")),
    ("renewing the claim before each send (UPDATE + COMMIT per message)", _has("_renew (")),
    ("loading each message (session.get)", _has("drain_once (")),
    ("imports and app start-up", _has("_find_and_load", "create_app (")),
]

BACKGROUND = "background threads in the workers (e.g. limits' memory-storage expiry timer)"
_IDLE_LEAVES = ("wait (threading.py", "Condition.wait (", "Event.wait (", "select (", "sleep (")


def parse_pyspy(raw: Path, parts: Parts, view: str | None, workers_only: bool) -> dict[str, Any]:
    """Summarise py-spy's collapsed stacks: busy samples, by part.

    :param view: a frame that marks the view function, for its inclusive share.
    :param workers_only: skip the gunicorn master; samples outside a request are background.
    """
    total = in_view = sql = commit = 0
    shares: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [frame.strip() for frame in stack.split(";")]
        if workers_only and sum(frame.startswith("process ") for frame in frames) < 2:
            continue  # the master (a worker's stacks sit under master and worker process frames)
        frames = [frame for frame in frames if not frame.startswith("process ")]
        if not frames:
            continue
        # A sync worker is occupied from accepting a connection to closing it (the lingering
        # close included); other threads of a worker are background work.
        background = workers_only and any(f.startswith("Thread._bootstrap (") for f in frames)
        in_request = not workers_only or any("SyncWorker.handle (" in f for f in frames)
        if frames[-1].startswith(_IDLE_LEAVES) and not in_request:
            continue
        total += count
        leaf[re.sub(r":\d+\)$", ")", frames[-1])] += count
        if background:
            shares[BACKGROUND] += count
            continue
        if not in_request:
            shares["gunicorn worker loop (between requests)"] += count
            continue
        if view and any(frame.startswith(view) for frame in frames):
            in_view += count
        if any(_has("sqlalchemy/", "psycopg/", "sqlite3/")(frame) for frame in frames):
            sql += count
        if any("do_commit (" in frame for frame in frames):
            commit += count
        for frame in {re.sub(r":\d+\)$", ")", frame) for frame in frames}:
            functions[frame] += count
        shares[next((label for label, match in parts if any(map(match, frames))), "other")] += count
    return {
        "samples": total,
        "in_view": in_view,
        "sql": sql,
        "commit": commit,
        "parts": shares,
        "functions": functions,
        "leaf": leaf,
    }


def pyspy_binary() -> Path | None:
    if (BIN / "py-spy").exists():
        return BIN / "py-spy"
    found = shutil.which("py-spy")
    return Path(found) if found else None


def record(
    target: list[str],
    raw: Path,
    seconds: int | None,
    load: Callable[[], Any] | None = None,
    env: dict[str, str] | None = None,
) -> tuple[bool, Any]:
    """Run py-spy record on ``target`` (``--pid …`` or ``-- command``) while ``load`` runs."""
    pyspy = pyspy_binary()
    if pyspy is None:
        return False, None
    command = [str(pyspy), "record", "--rate", "250", "--format", "raw", "--output", str(raw)]
    if seconds:
        command += ["--duration", str(seconds)]
    process = subprocess.Popen(  # noqa: S603
        _pdeathsig([*command, *target]),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    loaded = None
    try:
        if load is not None:
            time.sleep(0.7)  # py-spy attaches
            loaded = load()
        _, err = process.communicate(timeout=(seconds or 120) + 30)
    except BaseException:
        _kill_group(process, grace=2)
        raise
    if process.returncode != 0 or not raw.exists():
        log(f"py-spy failed ({process.returncode}): {err.strip()[-500:]}")
        return False, loaded
    return True, loaded


def profile_http(
    server: Gunicorn,
    wrk: Wrk,
    raw: Path,
    path: str,
    parts: Parts,
    view: str,
    script: str = "get",
    args: Sequence[str] = (),
    status: int = 200,
) -> dict[str, Any] | None:
    """py-spy on both gunicorn workers during one wrk run."""
    assert server.process is not None
    target = ["--pid", str(server.process.pid), "--subprocesses"]
    ok, run = record(
        target, raw, wrk.duration + 1, lambda: wrk.run(f"{server.base}{path}", script, args)
    )
    if not ok:
        return None
    summary = parse_pyspy(raw, parts, view, workers_only=True)
    summary.update(
        rate=run.per_second(status), raw=raw, path=path, answers=sum(run.statuses.values())
    )
    return summary


def profile_backend(backend: Backend, server: Gunicorn, wrk: Wrk, folder: Path) -> dict[str, Any]:
    profiles: dict[str, Any] = {}
    if pyspy_binary() is None:
        return profiles
    cookie, token = session_and_token(server.base)
    nonce = f"pf{uuid.uuid4().hex[:8]}"
    profiles["sign"] = profile_http(
        server,
        wrk,
        folder / f"pyspy-{backend.name}-sign.txt",
        f"/p/{SLUG}/sign",
        SIGN_PARTS,
        "sign (petitions/signing/views.py",
        "sign",
        [SLUG, cookie, token, nonce],
        status=303,
    )
    if backend.name == "sqlite":
        for label, path, view in (
            ("/livez (reference)", "/livez", "livez (petitions/health.py"),
            ("JSON 200", f"/api/v1/petitions/{SLUG}", "petition (petitions/api/views.py"),
            ("badge 200", f"/badge/{SLUG}.svg", "badge (petitions/counting/views.py"),
        ):
            if path != "/livez":
                etag_of(server.base, path)  # a warm cache
            profiles[label] = profile_http(
                server,
                wrk,
                folder / f"pyspy-{backend.name}-{label.split()[0].strip('/').lower()}.txt",
                path,
                COUNTER_PARTS,
                view,
            )
    return profiles


def profile_mail(backend: Backend, folder: Path, messages: int) -> dict[str, Any] | None:
    """py-spy around one `flask outbox send --once` (it starts the command itself)."""
    if pyspy_binary() is None:
        return None
    queue_mail(backend, messages, f"pm{uuid.uuid4().hex[:8]}")
    raw = folder / f"pyspy-{backend.name}-mail.txt"
    command = ["--", str(BIN / "flask"), "--app", "wsgi", "outbox", "send", "--once"]
    started = time.perf_counter()
    ok, _ = record(command, raw, None, env=backend.app_env())
    seconds = time.perf_counter() - started
    if not ok:
        return None
    summary = parse_pyspy(raw, MAIL_PARTS, None, workers_only=False)
    summary.update(rate=messages / seconds, raw=raw, path="flask outbox send --once")
    return summary


@contextlib.contextmanager
def _patched(target: Any, name: str, value: Any) -> Iterator[None]:
    original = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, original)


def _variants(app: Any) -> dict[str, Callable[[], contextlib.AbstractContextManager[Any]]]:
    """What-if changes, each applied in this harness process only, to price one suspect."""
    import logging
    import types

    from petitions.extensions import db, limiter

    variants: dict[str, Callable[[], contextlib.AbstractContextManager[Any]]] = {}
    variants["rate limiter disabled (limiter.enabled = False)"] = (
        lambda: _patched(limiter, "enabled", False)  # noqa: E731
    )
    with contextlib.suppress(ImportError, AttributeError):
        from petitions.signing import forms

        forms.validate_email  # noqa: B018 - fails early if the form no longer uses it
        variants["email-validator skipped (address taken as typed)"] = lambda: _patched(
            forms, "validate_email", lambda value, **kw: types.SimpleNamespace(normalized=value)
        )

    @contextlib.contextmanager
    def no_csrf() -> Iterator[None]:
        app.config["WTF_CSRF_ENABLED"] = False
        try:
            yield
        finally:
            app.config["WTF_CSRF_ENABLED"] = True

    variants["CSRF check off"] = no_csrf

    @contextlib.contextmanager
    def quiet() -> Iterator[None]:
        logger = logging.getLogger("petitions")
        level = logger.level
        logger.setLevel(logging.WARNING)
        try:
            yield
        finally:
            logger.setLevel(level)

    variants["no INFO log line per signature"] = quiet
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "sqlite":

        @contextlib.contextmanager
        def synchronous_normal() -> Iterator[None]:
            from sqlalchemy import event

            def pragma(dbapi_connection: Any, record: Any) -> None:
                dbapi_connection.execute("PRAGMA synchronous=NORMAL")

            with app.app_context():
                engine = db.engine
                engine.dispose()
                event.listen(engine, "connect", pragma)
                try:
                    yield
                finally:
                    event.remove(engine, "connect", pragma)
                    engine.dispose()

        variants["SQLite PRAGMA synchronous=NORMAL (WAL: no fsync per COMMIT)"] = synchronous_normal
    return variants


def harness_main() -> None:
    """Child mode (--harness): sign through the test client; count statements and store calls,
    time the suspects alone, and price each one by signing again without it."""
    import redis
    from limits import storage as limit_storage
    from sqlalchemy import event

    from petitions import create_app
    from petitions.extensions import db

    app = create_app()
    statements: Counter[str] = Counter()
    commits = 0
    store_calls: Counter[str] = Counter()
    redis_commands: Counter[str] = Counter()
    counting = False

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if counting:
            words = re.sub(r"\s+", " ", statement).strip().split(" ")
            verb = words[0].upper()
            if verb == "SELECT":
                table = words[words.index("FROM") + 1] if "FROM" in words else "?"
                statements[f"SELECT … FROM {table}"] += 1  # noqa: S608 - a label, not SQL
            elif verb == "INSERT":
                statements[f"INSERT INTO {words[2]}"] += 1
            elif verb == "UPDATE":
                statements[f"UPDATE {words[1]}"] += 1
            else:
                statements[" ".join(words[:3])] += 1

    def on_commit(conn: Any) -> None:
        nonlocal commits
        if counting:
            commits += 1

    def counted(cls: type, name: str, box: Counter[str], by_argument: bool = False) -> None:
        original = getattr(cls, name)

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            if counting:
                box[str(args[0]) if by_argument and args else name] += 1
            return original(self, *args, **kwargs)

        setattr(cls, name, wrapper)

    for cls in (limit_storage.MemoryStorage, limit_storage.RedisStorage):
        for name in (
            "incr",
            "get",
            "get_expiry",
            "clear",
            "acquire_entry",
            "get_moving_window",
            "acquire_sliding_window_entry",
            "get_sliding_window",
        ):
            if name in cls.__dict__:
                counted(cls, name, store_calls)
    counted(redis.Redis, "execute_command", redis_commands, by_argument=True)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", on_execute)
        event.listen(db.engine, "commit", on_commit)
    client = app.test_client()
    page = client.get(f"/p/{SLUG}")
    token = _CSRF.search(page.get_data(as_text=True))
    assert token, "no CSRF token"
    nonce = uuid.uuid4().hex[:8]
    numbers = iter(range(10**9))

    def sign() -> None:
        n = next(numbers)
        status = client.post(
            f"/p/{SLUG}/sign",
            data={
                "csrf_token": token.group(1),
                "full_name": f"Harness Signer {n}",
                "email": f"harness-{nonce}-{n}@example.org",
                "country": "NL",
                "city": "Den Haag",
                "comment": "",
                "show_name_publicly": "y",
            },
        ).status_code
        assert status == 303, status

    def block(count: int = 20) -> tuple[float, float]:
        """Sign ``count`` times: (wall, CPU of this process) in ms per sign."""
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            sign()
        return (
            (time.perf_counter() - wall) / count * 1000,
            (time.process_time() - cpu) / count * 1000,
        )

    threads_started = 0
    original_start = threading.Thread.start

    def counting_start(self: threading.Thread) -> None:
        nonlocal threads_started
        if counting:
            threads_started += 1
        original_start(self)

    threading.Thread.start = counting_start  # type: ignore[method-assign]

    for _ in range(20):
        sign()
    count = 200
    counting = True
    started = time.perf_counter()
    for _ in range(count):
        sign()
    per_sign_ms = (time.perf_counter() - started) / count * 1000
    counting = False
    sign_counts = {
        "statements": {k: v / count for k, v in statements.most_common()},
        "commits": commits / count,
        "store_calls": {k: v / count for k, v in store_calls.most_common()},
        "redis_commands": {k: v / count for k, v in redis_commands.most_common()},
    }
    started = time.perf_counter()
    for _ in range(count):
        client.get("/livez")
    livez_ms = (time.perf_counter() - started) / count * 1000

    # The same counts for a confirmation (POST /confirm/<token>) of signatures made above.
    from sqlalchemy import select

    from petitions.signing.models import Signature, SignatureState
    from petitions.tokens import confirm_token

    with app.app_context():
        ids = (
            db.session.execute(
                select(Signature.id)
                .where(Signature.email.like(f"harness-{nonce}-%"))
                .where(Signature.state == SignatureState.PENDING)
                .limit(60)
            )
            .scalars()
            .all()
        )
        confirm_tokens = [confirm_token(signature_id) for signature_id in ids]
        db.session.remove()
    statements.clear()
    store_calls.clear()
    redis_commands.clear()
    commits = 0
    for confirm in confirm_tokens[:10]:
        client.post(f"/confirm/{confirm}", data={"csrf_token": token.group(1)})
    confirmed = 0
    counting = True
    started = time.perf_counter()
    for confirm in confirm_tokens[10:]:
        answer = client.post(f"/confirm/{confirm}", data={"csrf_token": token.group(1)})
        confirmed += answer.status_code == 200
    confirm_ms = (time.perf_counter() - started) / max(1, len(confirm_tokens) - 10) * 1000
    counting = False
    per = max(1, confirmed)
    confirm_counts = {
        "statements": {k: v / per for k, v in statements.most_common()},
        "commits": commits / per,
        "store_calls": {k: v / per for k, v in store_calls.most_common()},
        "redis_commands": {k: v / per for k, v in redis_commands.most_common()},
        "ms": confirm_ms,
        "confirmed": confirmed,
    }

    # Each what-if alternates with the configuration as it is, block by block, so drift and
    # other processes' load hit both alike; CPU time of this process is the steadier measure.
    variants: dict[str, dict[str, float]] = {}
    baselines: list[tuple[float, float]] = []
    for label, change in _variants(app).items():
        pairs = []
        try:
            for _ in range(5):
                as_is = block()
                with change():
                    sign()
                    sign()
                    changed = block()
                pairs.append((as_is, changed))
        except Exception as error:  # noqa: BLE001 - one broken what-if must not end the bench
            print(f"variant {label!r} failed: {error!r}", file=sys.stderr)
            continue
        baselines += [as_is for as_is, _ in pairs]
        variants[label] = {
            "wall_saved": statistics.median(a[0] - c[0] for a, c in pairs),
            "cpu_saved": statistics.median(a[1] - c[1] for a, c in pairs),
            "cpu": statistics.median(c[1] for _, c in pairs),
        }

    timings = _component_timings(app)
    print(
        "HARNESS "
        + json.dumps(
            {
                "per_sign_ms": per_sign_ms,
                "livez_ms": livez_ms,
                **sign_counts,
                "confirm": confirm_counts,
                "timings_ms": timings,
                "baseline_wall_ms": statistics.median(b[0] for b in baselines) if baselines else 0,
                "baseline_cpu_ms": statistics.median(b[1] for b in baselines) if baselines else 0,
                "variants": variants,
                "threads_started": threads_started / count,
            }
        )
    )


def _component_timings(app: Any) -> dict[str, float]:
    """Time the suspects of a sign request one by one, in milliseconds per call."""
    from email_validator import validate_email
    from sqlalchemy import select

    from petitions.extensions import db
    from petitions.signing.models import Signature

    def per_call(function: Callable[[], object], times: int = 200) -> float:
        function()
        started = time.perf_counter()
        for _ in range(times):
            function()
        return (time.perf_counter() - started) / times * 1000

    timings: dict[str, float] = {}
    form = {"full_name": "A B", "email": "a.b@example.org", "country": "NL", "city": "X"}
    with app.test_request_context(f"/p/{SLUG}/sign", method="POST", data=form):
        from petitions.signing.forms import SignForm

        suspects: dict[str, Callable[[], object]] = {
            "SignForm() (fields, CSRF token; no country list until rendered)": SignForm,
            "SignForm().validate() (incl. CSRF, email-validator)": lambda: SignForm().validate(),
            "validate_email(check_deliverability=False)": lambda: validate_email(
                "a.b@example.org", check_deliverability=False
            ),
        }
        try:
            from petitions.mail import messages

            signature = db.session.execute(
                select(Signature).where(Signature.email.is_not(None)).limit(1)
            ).scalar_one()
            suspects["messages.render() in the worker (2 templates, 2 tokens)"] = lambda: (
                messages.render(messages.MailKind.CONFIRMATION.value, signature)
            )
        except Exception as error:  # noqa: BLE001 - a missing suspect must not end the bench
            timings[f"mail rendering not timed: {error}"] = 0.0
        for label, function in suspects.items():
            try:
                timings[label] = per_call(function)
            except Exception as error:  # noqa: BLE001
                timings[f"{label}: failed ({type(error).__name__})"] = 0.0
        db.session.rollback()
    return timings


def run_harness(backend: Backend) -> dict[str, Any] | None:
    done = run_child(
        [sys.executable, __file__, "--harness"], timeout=180, env=backend.app_env(), check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("HARNESS ")), None)
    if line is None:
        log(f"harness failed on {backend.label}:\n{done.stderr[-2000:]}")
        return None
    return json.loads(line.split(" ", 1)[1])


# --- the report --------------------------------------------------------------------------------


def pct(value: float) -> str:
    return f"{value * 100:.0f} %"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def median_ratio(rounds: list[Round], value: Callable[[Round], float]) -> float:
    return statistics.median(value(r) / r.livez for r in rounds if r.livez)


def add_profile(
    add: Callable[[str], None], what: str, profile: dict[str, Any], duration: int
) -> None:
    total = profile["samples"]
    if what == "mail":
        add(
            f"### `flask outbox send --once` under py-spy ({profile['rate']:,.0f} messages/s "
            f"including start-up): {total:,} busy samples"
        )
    else:
        unit = "signs" if what == "sign" else "answers"
        add(
            f"### {what}: py-spy on both workers during a {duration} s run of `{profile['path']}` "
            f"({profile['rate']:,.0f} {unit}/s under the profiler): {total:,} busy samples"
        )
    add("")
    if what != "mail":
        add(
            f"Inclusive: inside the view function {pct(profile['in_view'] / total)}, in "
            f"SQLAlchemy or the database driver {pct(profile['sql'] / total)}, in COMMIT "
            f"(`do_commit`) {pct(profile['commit'] / total)}. Raw stacks: `{profile['raw']}`."
        )
        add("")
    answers = profile.get("answers")
    if answers:
        # 250 samples per second per busy thread: samples / 250 s of occupied worker time.
        per = 1000 / 250 / answers
        add(
            f"Occupied worker time per answer: {total * per:.2f} ms (py-spy counts a worker as "
            f"busy in system calls too: socket writes, the lingering close, fsync, waiting for "
            f"PostgreSQL or Redis; for a sync worker that is what limits throughput)."
        )
        add("")
        add("| part (each sample counted once, first matching part) | share | ms per answer |")
        add("| --- | ---: | ---: |")
        for category, count in sorted(profile["parts"].items(), key=lambda kv: -kv[1]):
            add(f"| {category} | {pct(count / total)} | {count * per:.3f} |")
    else:
        add("| part (each sample counted once, first matching part) | share of busy time |")
        add("| --- | ---: |")
        for category, count in sorted(profile["parts"].items(), key=lambda kv: -kv[1]):
            add(f"| {category} | {pct(count / total)} |")
    add("")
    functions = [
        (function, count)
        for function, count in profile["functions"].most_common()
        if "(petitions/" in function and "wsgi" not in function
    ][:10]
    if functions:
        add(
            "Heaviest functions of the app (inclusive): "
            + "; ".join(f"{pct(count / total)} `{function}`" for function, count in functions)
        )
        add("")
    add(
        "Top self time (leaf frames): "
        + "; ".join(
            f"{pct(count / total)} `{function}`"
            for function, count in profile["leaf"].most_common(8)
        )
    )
    add("")


def build_report(results: dict[str, Any], args: argparse.Namespace, elapsed: float) -> str:
    lines: list[str] = []
    add = lines.append
    add("# Benchmark results")
    add("")
    add(
        f"`bench/run.py`, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores; gunicorn "
        f"`-c gunicorn.conf.py -w 2`; wrk `-t1 -c{args.connections} -d{args.duration}s` "
        f"(`-d{args.counter_duration}s` for the counter runs); "
        f"median of {args.rounds} rounds (mail, PDF and CSV: {args.other_rounds}). "
        f"Ratios are medians of the per-round ratios to /livez "
        f"of the same server in the same round (the mean of a /livez run at the start and one "
        f"at the end of the round), so a ratio need not equal the quotient of the two medians "
        f"beside it. Whole run: {elapsed / 60:.1f} min."
    )
    foreign = [
        r.foreign_cpu
        for name in ("sqlite", "postgres")
        for r in (results.get(f"http_{name}") or {}).get("rounds", [])
    ]
    add("")
    add(
        "Set-up: the app in production mode (`PETITIONS_ENV=production`, `FORCE_HTTPS=0`, "
        "`EMAIL_CHECK_DELIVERABILITY=0`: no DNS lookups, the machine is offline), gunicorn's "
        "access log on (to a file), rate limits raised but on "
        f"(`SIGN_RATE_LIMIT={RAISED_LIMITS['SIGN_RATE_LIMIT']}`, `MAIL_PER_ADDRESS_LIMIT="
        f"{RAISED_LIMITS['MAIL_PER_ADDRESS_LIMIT']}`). SQLite: a WAL file, limits in a Redis (production refuses per-worker `memory://` limits under 2 workers), "
        "SimpleCache (SQLite's default `synchronous=FULL`: an fsync per COMMIT). PostgreSQL: a "
        "throwaway cluster with the default durability (`fsync=on`, `synchronous_commit=on`), "
        "Redis for limits and the count cache. Mail goes to an "
        "aiosmtpd sink in the runner process."
    )
    add("")
    if foreign:
        add(
            f"Other processes on the machine used {pct(min(foreign))}–{pct(max(foreign))} of its "
            f"CPU during the HTTP rounds"
            + (
                " (figures from a shared machine are lower and noisier: compare ratios)."
                if max(foreign) > 0.05
                else "."
            )
        )
    add("")
    add("| # | what | back end | figure | /livez | ratio | target | result |")
    add("| --- | --- | --- | ---: | ---: | ---: | --- | --- |")
    checks: list[str] = []
    for name in ("sqlite", "postgres"):
        http = results.get(f"http_{name}")
        if not http:
            continue
        rounds: list[Round] = http["rounds"]
        label = "SQLite" if name == "sqlite" else "PostgreSQL + Redis"
        livez = statistics.median(r.livez for r in rounds)
        target = TARGETS[f"sign_{name}"]
        ratio = median_ratio(rounds, lambda r: r.sign)
        add(
            f"| 1 | sign (303/s) | {label} | {statistics.median(r.sign for r in rounds):,.0f}/s "
            f"| {livez:,.0f}/s | {pct(ratio)} | ≥ {pct(target)} | {verdict(ratio >= target)} |"
        )
        ratio = median_ratio(rounds, lambda r: r.confirm)
        add(
            f"| 2 | confirm (200/s) | {label} "
            f"| {statistics.median(r.confirm for r in rounds):,.0f}/s "
            f"| {livez:,.0f}/s | {pct(ratio)} | – | – |"
        )
        for key, what in (
            ("json_200", "counter JSON 200"),
            ("json_304", "counter JSON 304"),
            ("badge_200", "badge SVG 200"),
            ("badge_304", "badge SVG 304"),
        ):
            ratio = median_ratio(rounds, lambda r, k=key: r.counter[k])
            figure = statistics.median(r.counter[key] for r in rounds)
            add(
                f"| 3 | {what} | {label} | {figure:,.0f}/s | {livez:,.0f}/s | {pct(ratio)} "
                f"| ≥ {pct(TARGETS['counter'])} | {verdict(ratio >= TARGETS['counter'])} |"
            )
        for number, r in enumerate(rounds, 1):
            checks += [f"{label}, round {number}: {problem}" for problem in r.checks]
    for name in ("sqlite", "postgres"):
        mail = results.get(f"mail_{name}")
        if mail:
            label = "SQLite" if name == "sqlite" else "PostgreSQL"
            add(
                f"| 4 | mail delivered/s (`outbox send --once`, {args.mail_messages:,} queued) "
                f"| {label} | {mail['drain']:,.0f}/s | – | – | – (sink alone: "
                f"{results.get('smtp_ceiling', 0):,.0f}/s) | "
                f"{'ok' if not mail['checks'] else 'CHECK'} |"
            )
            checks += [f"{label}: {problem}" for problem in mail["checks"]]
    bundle = results.get("bundle")
    if bundle:
        for size, values in sorted(bundle.items()):
            ok = size < 100_000 or (
                values["seconds"] < TARGETS["pdf_seconds"]
                and values["peak_mb"] < TARGETS["pdf_peak_mb"]
            )
            target = "< 60 s, < 300 MB" if size >= 100_000 else "–"
            add(
                f"| 5 | PDF bundle, {size:,} signatures | – | {values['seconds']:.1f} s, "
                f"peak {values['peak_mb']:.0f} MB | – | – | {target} | "
                f"{verdict(ok) if size >= 100_000 else '–'} |"
            )
    export = results.get("export")
    if export:
        ok = export["peak_mb"] < TARGETS["csv_peak_mb"]
        add(
            f"| 6 | CSV export, 1,000,000 signatures | – | {export['seconds']:.1f} s, "
            f"peak {export['peak_mb']:.0f} MB | – | – | peak < 150 MB | {verdict(ok)} |"
        )
    add("")
    for error in results.get("errors", []):
        add(f"**Failed:** {error}")
        add("")
    add(
        "Checks (database against wrk's answers, statuses, mail counts): "
        + ("all passed." if not checks else "**problems:**")
    )
    for problem in checks:
        add(f"- {problem}")
    add("")

    timings = [
        (n, results[f"timing_{n}"]) for n in ("sqlite", "postgres") if results.get(f"timing_{n}")
    ]
    if timings:
        from bench import timing

        add("## Does the sign answer tell a known address from a new one? (`bench/timing.py`)")
        add("")
        for name, timed in timings:
            add(f"- {'SQLite' if name == 'sqlite' else 'PostgreSQL'}: {timing.describe(timed)}")
        add("")

    add("## Per round")
    add("")
    for name in ("sqlite", "postgres"):
        http = results.get(f"http_{name}")
        if not http:
            continue
        add(
            f"**{'SQLite' if name == 'sqlite' else 'PostgreSQL + Redis'}** "
            f"(gunicorn workers booted: {http['boots']}, including restarts after max_requests)"
        )
        add("")
        add(
            "| round | /livez (first, last) | sign | confirm | JSON 200 | JSON 304 | badge 200 "
            "| badge 304 | CPU used by other processes |"
        )
        add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for number, r in enumerate(http["rounds"], 1):
            c = r.counter
            add(
                f"| {number} | {r.livez:,.0f} ({r.livez_first:,.0f}, {r.livez_last:,.0f}) "
                f"| {r.sign:,.0f} | {r.confirm:,.0f} | "
                f"{c['json_200']:,.0f} | {c['json_304']:,.0f} | {c['badge_200']:,.0f} | "
                f"{c['badge_304']:,.0f} | {pct(r.foreign_cpu)} |"
            )
        add("")
        for number, r in enumerate(http["rounds"], 1):
            for note in r.notes:
                add(f"- round {number}: {note}")
        add("")
    for name in ("sqlite", "postgres"):
        mail = results.get(f"mail_{name}")
        if mail:
            add(
                f"- mail on {name}: drain rates {', '.join(f'{v:,.0f}' for v in mail['runs'])}/s "
                f"(wall time minus the {mail['startup']:.2f} s an empty `outbox send --once` "
                f"takes); including that start-up: {mail['overall']:,.0f}/s"
            )
    if bundle:
        for size, values in sorted(bundle.items()):
            add(
                f"- PDF {size:,}: "
                + ", ".join(f"{s:.1f} s / {p:.0f} MB" for s, p in values["runs"])
            )
    if export:
        add("- CSV 1,000,000: " + ", ".join(f"{s:.1f} s / {p:.0f} MB" for s, p in export["runs"]))
    add("")

    for name in ("sqlite", "postgres"):
        profiles = results.get(f"profiles_{name}") or {}
        harness = results.get(f"harness_{name}")
        if not profiles and not harness:
            continue
        label = "SQLite" if name == "sqlite" else "PostgreSQL + Redis"
        add(f"## Where the time goes ({label})")
        add("")
        if not profiles and not results.get("profile_skipped"):
            add("py-spy is not installed (`.venv/bin/pip install py-spy`): no sampled profile.")
            add("")
        for what, profile in profiles.items():
            if profile and profile["samples"]:
                add_profile(add, what, profile, args.duration)
        if name == "sqlite" and results.get("profile_mail"):
            add_profile(add, "mail", results["profile_mail"], args.duration)
        if harness:
            add(
                f"In-process harness (Flask test client, no gunicorn, same configuration): "
                f"{harness['per_sign_ms']:.2f} ms per sign, {harness['livez_ms']:.3f} ms per "
                f"/livez."
            )
            add("")
            total_statements = sum(harness["statements"].values())
            add(
                f"SQL statements per sign: {total_statements:.1f} (+ {harness['commits']:.1f} "
                f"COMMIT):"
            )
            add("")
            for statement, per in harness["statements"].items():
                add(f"- {per:.2f} × `{statement}`")
            add("")
            store = ", ".join(f"{k} {v:.1f}" for k, v in harness["store_calls"].items())
            add(
                "Rate-limit storage calls per sign: "
                f"{sum(harness['store_calls'].values()):.1f} ({store})."
            )
            if harness["redis_commands"]:
                redis_text = ", ".join(f"{k} {v:.1f}" for k, v in harness["redis_commands"].items())
                add(
                    f"Redis round trips per sign: {sum(harness['redis_commands'].values()):.1f} "
                    f"({redis_text})."
                )
            confirm = harness.get("confirm")
            if confirm and confirm["confirmed"]:
                add("")
                statements_text = "; ".join(
                    f"{v:.2f} × `{k}`" for k, v in confirm["statements"].items()
                )
                add(
                    f"Per confirmation (POST /confirm/<token>, {confirm['ms']:.2f} ms in this "
                    f"process): {sum(confirm['statements'].values()):.1f} SQL statements "
                    f"(+ {confirm['commits']:.1f} COMMIT): {statements_text}. Rate-limit storage "
                    f"calls: {sum(confirm['store_calls'].values()):.1f}"
                    + (
                        f"; Redis round trips: {sum(confirm['redis_commands'].values()):.1f} ("
                        + ", ".join(f"{k} {v:.1f}" for k, v in confirm["redis_commands"].items())
                        + ")"
                        if confirm["redis_commands"]
                        else ""
                    )
                    + "."
                )
            add("")
            add(
                f"Threads started per sign: {harness['threads_started']:.2f} (limits' "
                f"memory storage starts a `threading.Timer` for expiry when none is running)."
            )
            add("")
            add(
                f"What each suspect costs: signing with and without it, alternating in blocks of "
                f"20, in this process only (as configured: {harness['baseline_cpu_ms']:.2f} ms "
                f"CPU, {harness['baseline_wall_ms']:.2f} ms wall per sign; medians of 5 pairs):"
            )
            add("")
            add(
                "| what-if (harness only, not in the app) | CPU ms saved per sign | wall ms saved |"
            )
            add("| --- | ---: | ---: |")
            base = harness["baseline_cpu_ms"] or 1
            for label_text, v in sorted(
                harness["variants"].items(), key=lambda kv: -kv[1]["cpu_saved"]
            ):
                add(
                    f"| {label_text} | {v['cpu_saved']:+.2f} ({v['cpu_saved'] / base:+.0%}) "
                    f"| {v['wall_saved']:+.2f} |"
                )
            add("")
            add("Suspects timed alone (ms per call, in a request context):")
            add("")
            for label_text, ms in harness["timings_ms"].items():
                add(f"- {ms:.3f} ms: {label_text}")
            add("")
    return "\n".join(lines) + "\n"


# --- main --------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Five HTTP rounds: on a shared machine single 2-3 s runs dip by a fifth now and then, and
    # the median of five shrugs off two such dips where the median of three is moved by one.
    parser.add_argument("--rounds", type=int, default=5, help="HTTP rounds (each a full set)")
    parser.add_argument(
        "--other-rounds", type=int, default=3, help="mail, bundle and export rounds"
    )
    parser.add_argument("--duration", type=int, default=3, help="seconds of each wrk run")
    parser.add_argument(
        "--counter-duration", type=int, default=2, help="seconds of each counter (JSON, badge) run"
    )
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument(
        "--mail-messages", type=int, default=1000, help="messages queued per mail round"
    )
    parser.add_argument(
        "--skip", default="", help="comma-separated: http, mail, bundle, export, profile"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--harness", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.harness:
        harness_main()
        return
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    for tool in ("wrk",):
        if shutil.which(tool) is None and "http" not in skip:
            raise SystemExit(f"{tool} is not installed: apt-get install {tool} (make system-deps)")

    # Ctrl-C, `kill` and a closed terminal all unwind through the clean-up below. SIGINT is set
    # explicitly: a shell that starts this in the background hands it down ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    started = time.monotonic()
    results: dict[str, Any] = {"profile_skipped": "profile" in skip, "errors": []}

    def phase(what: str, action: Callable[[], Any]) -> Any:
        """Run one part; a failure is reported (and fails the run) but the other parts go on."""
        try:
            return action()
        except Exception as error:  # noqa: BLE001 - KeyboardInterrupt still ends the run
            log(f"{what} failed: {error}")
            results["errors"].append(f"{what}: {type(error).__name__}: {error}")
            return None

    with contextlib.ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="petitions-bench-"))
        stack.callback(shutil.rmtree, folder, True)
        sink = SmtpSink()
        sink.start()
        stack.callback(sink.stop)
        wrk = Wrk(folder, args.duration, args.connections, args.counter_duration)
        for name in [b.strip() for b in args.backends.split(",") if b.strip()]:
            if name not in {"sqlite", "postgres"}:
                raise SystemExit(f"unknown back end {name!r}")
            if {"http", "mail", "profile"} <= skip:
                break
            with contextlib.ExitStack() as backend_stack:

                def start(
                    name: str = name, backend_stack: contextlib.ExitStack = backend_stack
                ) -> Any:
                    log(f"{name}: starting (database, migrations, demo petition)")
                    backend = start_backend(name, folder, backend_stack, sink)
                    server = Gunicorn(backend, folder)
                    backend_stack.callback(server.stop)
                    server.start()
                    return backend, server

                started_backend = phase(f"{name}: start", start)
                if started_backend is None:
                    continue
                backend, server = started_backend
                if "http" not in skip:

                    def http(
                        name: str = name, backend: Backend = backend, server: Gunicorn = server
                    ) -> Any:
                        rounds: list[Round] = []
                        for number in range(1, args.rounds + 1):
                            log(
                                f"{name}: round {number}/{args.rounds} "
                                "(livez, sign, counter, confirm, livez)"
                            )
                            previous = rounds[-1].livez if rounds else 0.0
                            rounds.append(http_round(backend, server, wrk, number, previous))
                            r = rounds[-1]
                            log(
                                f"{name}: livez {r.livez:,.0f}/s, sign {r.sign:,.0f}/s "
                                f"({r.sign / r.livez:.0%}), confirm {r.confirm:,.0f}/s, JSON "
                                f"{r.counter['json_200']:,.0f}/{r.counter['json_304']:,.0f}, "
                                f"badge {r.counter['badge_200']:,.0f}/"
                                f"{r.counter['badge_304']:,.0f}; other processes "
                                f"{r.foreign_cpu:.0%} of the CPU"
                                + (f"; problems: {r.checks}" if r.checks else "")
                            )
                        return {"rounds": rounds, "boots": server.worker_boots()}

                    results[f"http_{name}"] = phase(f"{name}: HTTP rounds", http)
                    log(f"{name}: timing new against known addresses")
                    from bench import timing

                    results[f"timing_{name}"] = phase(
                        f"{name}: timing",
                        lambda s=server: timing.measure(s.base, SLUG, session_and_token(s.base)),
                    )
                if "profile" not in skip:
                    log(f"{name}: profiling with py-spy")
                    results[f"profiles_{name}"] = phase(
                        f"{name}: profile",
                        lambda b=backend, s=server: profile_backend(b, s, wrk, folder),
                    )
                server.stop()
                if "profile" not in skip:
                    log(f"{name}: counting statements and store calls per sign (harness)")
                    results[f"harness_{name}"] = phase(
                        f"{name}: harness", lambda b=backend: run_harness(b)
                    )
                if "mail" not in skip and "smtp_ceiling" not in results:
                    results["smtp_ceiling"] = phase("SMTP sink", lambda: smtp_ceiling(sink))
                    log(f"SMTP sink alone takes {results['smtp_ceiling'] or 0:,.0f} messages/s")
                if "profile" not in skip and name == "sqlite":
                    results["profile_mail"] = phase(
                        "mail profile", lambda b=backend: profile_mail(b, folder, 500)
                    )
                if "mail" not in skip:
                    log(f"{name}: mail, {args.mail_messages:,} messages × {args.other_rounds}")
                    mail = phase(
                        f"{name}: mail",
                        lambda b=backend: mail_rounds(b, args.other_rounds, args.mail_messages),
                    )
                    results[f"mail_{name}"] = mail
                    if mail:
                        log(f"{name}: mail {mail['drain']:,.0f}/s")
        if "bundle" not in skip:
            results["bundle"] = phase("bundle", lambda: bundle_rounds(args.other_rounds))
        if "export" not in skip:
            results["export"] = phase("export", lambda: export_rounds(args.other_rounds))
        report = build_report(results, args, time.monotonic() - started)
        # The raw py-spy stacks are worth a closer look: keep them out of the temporary folder.
        kept_folder = Path(tempfile.gettempdir()) / "petitions-bench-pyspy"
        for raw in folder.glob("pyspy-*.txt"):
            kept_folder.mkdir(exist_ok=True)
            shutil.copy(raw, kept_folder / raw.name)
            report = report.replace(str(raw), str(kept_folder / raw.name))
    args.output.write_text(report)
    print(report)
    log(f"written to {args.output}")
    if results["errors"]:
        raise SystemExit(f"{len(results['errors'])} part(s) failed: see {args.output}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt as interruption:
        log(f"interrupted ({interruption}); every process this run started has been stopped")
        sys.exit(130)
