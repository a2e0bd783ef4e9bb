"""The in-process harness (`bench/run.py --harness`, a child process with the app's settings).

Signs through the Flask test client and counts what each sign and each confirmation costs: SQL
statements, COMMITs, rate-limit storage calls, Redis round trips, threads started. Then it prices
each suspect by signing with and without it (CPU time, alternating), and times the suspects
alone. It prints one ``HARNESS <json>`` line, which `run_harness` reads back.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from bench import suspects
from bench.load import hidden_fields
from bench.servers import Backend, run_child
from bench.settings import BENCH, SLUG, log

Variant = Callable[[], contextlib.AbstractContextManager[Any]]
Timing = tuple[float, float]  # (wall, CPU) in ms per sign

#: The methods of the limits storages that reach the store.
_STORE_METHODS = (
    "incr",
    "get",
    "get_expiry",
    "clear",
    "acquire_entry",
    "get_moving_window",
    "acquire_sliding_window_entry",
    "get_sliding_window",
)


def statement_label(statement: str) -> str:
    """A short name for an SQL statement: its verb and table."""
    words = re.sub(r"\s+", " ", statement).strip().split(" ")
    verb = words[0].upper()
    if verb == "SELECT":
        table = words[words.index("FROM") + 1] if "FROM" in words else "?"
        return f"SELECT … FROM {table}"  # noqa: S608 - a label, not SQL
    if verb == "INSERT":
        return f"INSERT INTO {words[2]}"
    if verb == "UPDATE":
        return f"UPDATE {words[1]}"
    return " ".join(words[:3])


class Counts:
    """What the app does while ``counting`` is on: statements, commits, store and Redis calls."""

    def __init__(self) -> None:
        self.counting = False
        self.statements: Counter[str] = Counter()
        self.commits = 0
        self.store_calls: Counter[str] = Counter()
        self.redis_commands: Counter[str] = Counter()
        self.threads_started = 0

    def install(self, app: Any) -> None:
        """Listen on the app's engine and wrap the store, Redis and Thread.start (this process)."""
        import redis
        from limits import storage as limit_storage
        from sqlalchemy import event

        from petitions.extensions import db

        for cls in (limit_storage.MemoryStorage, limit_storage.RedisStorage):
            for name in _STORE_METHODS:
                if name in cls.__dict__:
                    self._wrap(cls, name, self.store_calls)
        self._wrap(redis.Redis, "execute_command", self.redis_commands, by_argument=True)
        self._count_threads()
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", self._on_execute)
            event.listen(db.engine, "commit", self._on_commit)

    def _on_execute(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.counting:
            self.statements[statement_label(statement)] += 1

    def _on_commit(self, conn: Any) -> None:
        if self.counting:
            self.commits += 1

    def _wrap(self, cls: type, name: str, box: Counter[str], by_argument: bool = False) -> None:
        original = getattr(cls, name)
        counts = self

        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            if counts.counting:
                box[str(args[0]) if by_argument and args else name] += 1
            return original(self, *args, **kwargs)

        setattr(cls, name, wrapper)

    def _count_threads(self) -> None:
        original_start = threading.Thread.start
        counts = self

        def counting_start(self: threading.Thread) -> None:
            if counts.counting:
                counts.threads_started += 1
            original_start(self)

        threading.Thread.start = counting_start  # type: ignore[method-assign]

    def clear(self) -> None:
        self.statements.clear()
        self.store_calls.clear()
        self.redis_commands.clear()
        self.commits = 0

    def per(self, count: int) -> dict[str, Any]:
        """The counts so far divided by ``count`` (signs or confirmations)."""
        return {
            "statements": {k: v / count for k, v in self.statements.most_common()},
            "commits": self.commits / count,
            "store_calls": {k: v / count for k, v in self.store_calls.most_common()},
            "redis_commands": {k: v / count for k, v in self.redis_commands.most_common()},
        }


class Signer:
    """Valid, distinct signers through the test client, one form's hidden inputs for all of them."""

    def __init__(self, app: Any) -> None:
        self.client = app.test_client()
        self.fields = self.form_fields(f"/p/{SLUG}", f"/p/{SLUG}/sign")
        self.nonce = uuid.uuid4().hex[:8]
        self.numbers = iter(range(10**9))

    def sign(self) -> None:
        n = next(self.numbers)
        status = self.client.post(
            f"/p/{SLUG}/sign",
            data={
                **self.fields,
                "full_name": f"Harness Signer {n}",
                "email": f"harness-{self.nonce}-{n}@example.org",
                "country": "NL",
                "city": "Den Haag",
                "comment": "",
                "show_name_publicly": "y",
            },
        ).status_code
        assert status == 303, status

    def form_fields(self, page: str, action: str) -> dict[str, str]:
        """The hidden inputs (a CSRF token or a ticket, the source) of ``page``'s form."""
        fields = hidden_fields(self.client.get(page).get_data(as_text=True), action, page)
        assert fields is not None, f"no form to {action} on {page}"
        return dict(urllib.parse.parse_qsl(fields, keep_blank_values=True))

    def block(self, count: int = 20) -> Timing:
        """Sign ``count`` times: (wall, CPU of this process) in ms per sign."""
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            self.sign()
        return (
            (time.perf_counter() - wall) / count * 1000,
            (time.process_time() - cpu) / count * 1000,
        )

    def confirm_tokens(self, app: Any) -> list[str]:
        """Confirm tokens for up to 60 of the signatures this signer made."""
        from sqlalchemy import select

        from petitions.extensions import db
        from petitions.signing.models import Signature, SignatureState
        from petitions.tokens import confirm_token

        with app.app_context():
            ids = (
                db.session.execute(
                    select(Signature.id)
                    .where(Signature.email.like(f"harness-{self.nonce}-%"))
                    .where(Signature.state == SignatureState.PENDING)
                    .limit(60)
                )
                .scalars()
                .all()
            )
            tokens = [confirm_token(signature_id) for signature_id in ids]
            db.session.remove()
        return tokens


def _sign_counts(counts: Counts, signer: Signer, count: int = 200) -> dict[str, Any]:
    for _ in range(20):
        signer.sign()
    counts.counting = True
    started = time.perf_counter()
    for _ in range(count):
        signer.sign()
    per_sign_ms = (time.perf_counter() - started) / count * 1000
    counts.counting = False
    started = time.perf_counter()
    for _ in range(count):
        signer.client.get("/livez")
    livez_ms = (time.perf_counter() - started) / count * 1000
    return {"per_sign_ms": per_sign_ms, "livez_ms": livez_ms, **counts.per(count)}


def _confirm_counts(app: Any, counts: Counts, signer: Signer) -> dict[str, Any]:
    """The same counts for a confirmation (POST /confirm/<token>) of signatures made before."""
    tokens = signer.confirm_tokens(app)
    counts.clear()
    data = signer.form_fields(f"/confirm/{tokens[0]}", f"/confirm/{tokens[0]}")
    for confirm in tokens[:10]:
        signer.client.post(f"/confirm/{confirm}", data=data)
    confirmed = 0
    counts.counting = True
    started = time.perf_counter()
    for confirm in tokens[10:]:
        answer = signer.client.post(f"/confirm/{confirm}", data=data)
        confirmed += answer.status_code == 200
    confirm_ms = (time.perf_counter() - started) / max(1, len(tokens) - 10) * 1000
    counts.counting = False
    return {**counts.per(max(1, confirmed)), "ms": confirm_ms, "confirmed": confirmed}


def main() -> None:
    """Child mode: sign through the test client; count statements and store calls, time the
    suspects alone, and price each one by signing again without it."""
    from petitions import create_app

    app = create_app()
    counts = Counts()
    counts.install(app)
    signer = Signer(app)
    signs = _sign_counts(counts, signer)
    confirm = _confirm_counts(app, counts, signer)
    priced = suspects.price(app, signer)
    result = {
        **signs,
        "confirm": confirm,
        "timings_ms": {**suspects.component_timings(app), **suspects.page_timings(app)},
        **priced,
        "threads_started": counts.threads_started / 200,
    }
    print("HARNESS " + json.dumps(result))


def parse_harness_output(stdout: str) -> dict[str, Any] | None:
    line = next((x for x in stdout.splitlines() if x.startswith("HARNESS ")), None)
    return None if line is None else dict(json.loads(line.split(" ", 1)[1]))


def run_harness(backend: Backend) -> dict[str, Any] | None:
    done = run_child(
        [sys.executable, str(BENCH / "run.py"), "--harness"],
        timeout=180,
        env=backend.app_env(),
        check=False,
    )
    result = parse_harness_output(done.stdout)
    if result is None:
        log(f"harness failed on {backend.label}:\n{done.stderr[-2000:]}")
    return result
