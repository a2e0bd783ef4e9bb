"""The record day: readers, signers, confirmers and the mail worker at once, as on 21 March 2019.

On one running gunicorn (after the HTTP rounds), bounded in time, all to 127.0.0.1:

1. /livez alone (the baseline of the completed-signatures ratio).
2. The readers alone for ``alone_seconds``: one wrk each for the petition page and the count
   JSON, each with and without If-None-Match (bench/record.py READERS).
3. The mix for ``seconds``: the same readers, plus signers (wrk, sign.lua: fresh addresses, the
   form's hidden inputs sent back), confirmers (wrk, feed.lua: the confirm links the SMTP sink
   received for those signers, appended to a file as they arrive) and `flask outbox send` (the
   mail worker, as in production), all started together.
4. Then the database: the run's signatures, their confirmed rows; and once the count cache has
   expired, the petition's public count against its confirmed rows (exact).

What was pending in the outbox before (the rounds' sign runs queue mail no worker sent) is
parked first, so the worker mails this run's signers only.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.delivery import outbox_command, queue_mail
from bench.load import Wrk, WrkResult, confirm_post, sign_post
from bench.record import (
    CONFIRMER_CONNECTIONS,
    READER_CONNECTIONS,
    READERS,
    SIGNER_CONNECTIONS,
    Latency,
    RecordDay,
    errors_of,
    merge_errors,
)
from bench.rounds import check_answers, insert_pending
from bench.servers import Backend, Gunicorn, kill_group, pdeathsig
from bench.settings import ROOT, SLUG, log

Job = Callable[[], WrkResult]


def together(jobs: dict[str, Job]) -> dict[str, WrkResult]:
    """Run wrk jobs at once (one thread each waits for its wrk process); their results by name."""
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def reader_jobs(wrk: Wrk, base: str, seconds: int) -> dict[str, Job]:
    def job(path: str, script: str) -> Job:
        url = f"{base}{path.format(slug=SLUG)}"
        return lambda: wrk.run(url, script, duration=seconds, connections=READER_CONNECTIONS)

    return {label: job(path, script) for label, (path, script) in READERS.items()}


def public_count(base: str) -> int:
    """The petition's count as readers see it (the JSON, through its cache)."""
    with urllib.request.urlopen(f"{base}/api/v1/petitions/{SLUG}", timeout=10) as answer:  # noqa: S310
        return int(json.loads(answer.read())["signature_count"])


@contextmanager
def feeding(backend: Backend, path: Path) -> Iterator[None]:
    """Append the confirm tokens the sink receives to ``path`` (whole lines) until the end."""
    sink, stop = backend.sink, threading.Event()

    def feed() -> None:
        written = 0
        with path.open("a") as tokens:
            while not stop.wait(0.2):
                with sink.lock:
                    new = sink.links[written:]
                written += len(new)
                if new:
                    tokens.write("".join(f"{token}\n" for token in new))
                    tokens.flush()

    thread = threading.Thread(target=feed, name="confirm-feed", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


@contextmanager
def mail_worker(backend: Backend, log_path: Path) -> Iterator[None]:
    """`flask outbox send` (until stopped) in its own session; SIGTERM at the end, as deployed."""
    with log_path.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command
            pdeathsig(outbox_command()[:-1]),  # without --once
            cwd=ROOT,
            env=backend.app_env(),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            yield
        finally:
            kill_group(process, grace=10)


def _count_rows(backend: Backend, nonce: str, confirmed: bool = False) -> int:
    state = " AND state = 'confirmed'" if confirmed else ""
    sql = f"SELECT count(*) FROM signatures WHERE email LIKE :p{state}"  # noqa: S608 - constant
    return int(backend.scalar(sql, p=f"bench-{nonce}-%"))


def confirmed_of_petition(backend: Backend) -> int:
    return int(
        backend.scalar(
            "SELECT count(*) FROM signatures s JOIN petitions p ON p.id = s.petition_id "
            "WHERE p.slug = :s AND s.state = 'confirmed'",
            s=SLUG,
        )
    )


def _mix(backend: Backend, base: str, wrk: Wrk, seconds: int, nonce: str) -> dict[str, Any]:
    """The mix itself; what it returned and the sink saw."""
    sink = backend.sink
    # A confirm page of one pending signature (never confirmed) gives the confirm button's
    # inputs: the same for every link of its session.
    first = insert_pending(backend, 1, f"{nonce}p")
    try:
        confirm = confirm_post(base, first.read_text().strip())
    finally:
        first.unlink(missing_ok=True)
    sign = sign_post(base)
    tokens = Path(tempfile.gettempdir()) / f"petitions-bench-feed-{nonce}.txt"
    tokens.write_text("")
    jobs = reader_jobs(wrk, base, seconds)
    jobs["signers"] = lambda: wrk.run(
        f"{base}/p/{SLUG}/sign",
        "sign",
        [SLUG, sign.cookie, sign.fields, nonce],
        duration=seconds,
        connections=SIGNER_CONNECTIONS,
    )
    jobs["confirmers"] = lambda: wrk.run(
        f"{base}/livez",
        "feed",
        [str(tokens), confirm.cookie, confirm.fields],
        duration=seconds,
        connections=CONFIRMER_CONNECTIONS,
    )
    with sink.lock:
        sink.capture, sink.captured, sink.links = f"bench-{nonce}-", 0, []
    try:
        with (
            mail_worker(backend, wrk.folder / f"outbox-{backend.name}.log"),
            feeding(backend, tokens),
        ):
            runs = together(jobs)
            counted_at_end = public_count(base)
            time.sleep(0.5)  # the requests wrk cut off at its stop finish on the server
    finally:
        with sink.lock:
            sink.capture = None
        tokens.unlink(missing_ok=True)
    return {"runs": runs, "count": counted_at_end, "mailed": sink.captured}


def record_day(
    backend: Backend, server: Gunicorn, wrk: Wrk, seconds: int, alone_seconds: int
) -> RecordDay:
    base = server.base
    queue_mail(backend, 0, "recordday")  # park the rounds' unsent mail
    livez = wrk.run(f"{base}/livez")
    log(f"{backend.name}: record day: readers alone, {alone_seconds} s")
    alone = together(reader_jobs(wrk, base, alone_seconds))
    nonce = f"rd{backend.name[:2]}{uuid.uuid4().hex[:6]}"
    count_before = public_count(base)
    log(f"{backend.name}: record day: readers, signers, confirmers and mail, {seconds} s")
    mix = _mix(backend, base, wrk, seconds, nonce)
    runs: dict[str, WrkResult] = mix["runs"]
    signed = _count_rows(backend, nonce)
    confirmed = _count_rows(backend, nonce, confirmed=True)
    # The exact check: once the count cache has surely expired, the public count against the
    # petition's confirmed rows.
    time.sleep(backend.app.config["COUNT_CACHE_SECONDS"] + 1.5)
    count, confirmed_rows = public_count(base), confirmed_of_petition(backend)
    checks = check_answers(runs["signers"], "signers", 303, signed, "new rows")
    if signed and not mix["mailed"]:
        checks.append("no confirmation mail reached the sink: did `flask outbox send` start?")
    notes = [
        f"signers: {runs['signers'].statuses.get(303, 0):,} × 303, {signed:,} new rows",
        f"confirmers: {runs['confirmers'].kinds.get('confirm', 0)} confirm POSTs, "
        f"{runs['confirmers'].kinds.get('idle', 0)} idle GETs of /livez (no link waiting)",
    ]
    readers = {label: runs[label] for label in READERS}
    errors = merge_errors(
        [
            *(errors_of(f"{label} (alone)", run) for label, run in alone.items()),
            *(errors_of(label, run) for label, run in runs.items()),
        ]
    )
    return RecordDay(
        seconds=runs["signers"].seconds,
        livez=livez.per_second(200),
        alone={label: Latency.of(run) for label, run in alone.items()},
        mixed={label: Latency.of(run) for label, run in readers.items()},
        readers_per_second={label: run.per_second(200, 304) for label, run in readers.items()},
        stages={
            "signed": signed,
            "mailed": mix["mailed"],
            "confirmed": confirmed,
            "counted": mix["count"] - count_before,
        },
        errors=errors,
        count=count,
        confirmed_rows=confirmed_rows,
        checks=checks,
        notes=notes,
    )
