"""What leaves the app: mail delivered per second, PDF bundles, the CSV export, retention.

Mail is timed through `flask outbox send --once` against the run's SMTP sink, one worker on each
back end and, on PostgreSQL, two at once (they share the queue through SKIP LOCKED claims; on
SQLite they would only take turns at its one write lock); bundles and the export through their
own scripts (bench/bundle_pdf.py, bench/export_csv.py), whose result rows
are read back here; the retention run, paper import and updates through bench/retention.py,
whose results are read back from its last line (JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.servers import Backend, SmtpSink, run_child
from bench.settings import BENCH, BIN, SLUG, log

OUTBOX_ONCE = ("outbox", "send", "--once")

# --- mail --------------------------------------------------------------------------------------


def _park_pending(session: Any, now: dt.datetime) -> None:
    """Move what the sign runs queued ten years ahead, so a mail round sends its own mail only."""
    from sqlalchemy import update

    from petitions.mail.models import OutboxMessage, OutboxStatus

    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .values(next_attempt_at=now + dt.timedelta(days=3650))
    )


def _new_signers(session: Any, count: int, nonce: str, now: dt.datetime) -> list[int]:
    from sqlalchemy import insert, select

    from petitions.cases.models import Petition
    from petitions.signing.models import Signature, SignatureState

    petition_id = session.execute(select(Petition.id).where(Petition.slug == SLUG)).scalar_one()
    rows = [
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
    ]
    return list(session.execute(insert(Signature).returning(Signature.id), rows).scalars().all())


def queue_mail(backend: Backend, count: int, nonce: str) -> None:
    """Park what the sign runs queued and queue `count` confirmation mails for new signers.

    The worker renders each mail from its signature when it sends it, so the figure includes
    rendering, as in production.
    """
    from sqlalchemy import insert

    from petitions.clock import utcnow
    from petitions.mail.models import OutboxMessage, OutboxStatus

    with backend.session() as session:
        now = utcnow()
        _park_pending(session, now)
        if count == 0:
            session.commit()
            return
        signature_ids = _new_signers(session, count, nonce, now)
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


def outbox_command() -> list[str]:
    return [str(BIN / "flask"), "--app", "wsgi", *OUTBOX_ONCE]


def mail_problem(number: int, messages: int, stdout: str | list[str], delivered: int) -> str | None:
    """What went wrong in one mail round: the worker(s) or the sink saw other than ``messages``.

    :param stdout: what the worker printed, or each worker when several drained at once.
    """
    stdouts = [stdout] if isinstance(stdout, str) else stdout
    sent = [re.search(r"sent (\d+)", each) for each in stdouts]
    said = sum(int(match.group(1)) for match in sent if match is not None)
    if delivered == messages and None not in sent and said == messages:
        return None
    printed = " + ".join(repr(each.strip()) for each in stdouts)
    return (
        f"mail round {number + 1}: queued {messages}, worker said {printed}, "
        f"sink received {delivered}"
    )


def _drain_with(workers: int, env: dict[str, str]) -> list[str]:
    """Run ``workers`` `outbox send --once` processes at once; return what each printed."""
    with ThreadPoolExecutor(workers) as pool:
        done = list(
            pool.map(lambda _: run_child(outbox_command(), timeout=300, env=env), range(workers))
        )
    return [child.stdout for child in done]


def _rounds(backend: Backend, rounds: int, messages: int, workers: int) -> dict[str, Any]:
    env = backend.app_env()
    queue_mail(backend, 0, "empty")
    started = time.perf_counter()
    _drain_with(workers, env)
    startup = time.perf_counter() - started  # import, app, one empty claim: the fixed cost
    drain_rates, overall_rates, checks = [], [], []
    for number in range(rounds):
        queue_mail(backend, messages, f"m{backend.name[:2]}{workers}{number}{uuid.uuid4().hex[:6]}")
        before = backend.sink.count
        started = time.perf_counter()
        stdouts = _drain_with(workers, env)
        seconds = time.perf_counter() - started
        delivered = backend.sink.count - before
        if problem := mail_problem(number, messages, stdouts, delivered):
            checks.append(problem)
        overall_rates.append(delivered / seconds)
        drain_rates.append(delivered / max(seconds - startup, 1e-3))
    return {
        "drain": statistics.median(drain_rates),
        "overall": statistics.median(overall_rates),
        "startup": startup,
        "runs": drain_rates,
        "checks": checks,
    }


def mail_rounds(backend: Backend, rounds: int, messages: int) -> dict[str, Any]:
    """One worker's rounds; on PostgreSQL also two workers' (``two_workers``, and their ratio
    to one in ``scaling``), whose checks join the run's."""
    result = _rounds(backend, rounds, messages, workers=1)
    if backend.name == "postgres":
        two = _rounds(backend, rounds, messages, workers=2)
        result["two_workers"] = two
        result["scaling"] = two["drain"] / max(result["drain"], 1e-3)
        result["checks"] += [f"two workers: {problem}" for problem in two["checks"]]
    return result


# --- bundle and export (their own scripts, unchanged) ------------------------------------------

_BUNDLE_ROW = re.compile(r"^\s*([\d,]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+([\d,]+)\s+([\d.]+)\s*$")
_EXPORT_ROW = re.compile(r"^\s*([\d,]+)\s+([\d.]+)\s+([\d,]+)\s+(\d+)\s+([\d.]+)\s*$")


def bundle_rows(stdout: str) -> list[tuple[int, float, float]]:
    """(signatures, seconds, peak MB) of each result row bench/bundle_pdf.py printed."""
    return [
        (int(match.group(1).replace(",", "")), float(match.group(2)), float(match.group(3)))
        for line in stdout.splitlines()
        if (match := _BUNDLE_ROW.match(line))
    ]


def export_rows(stdout: str) -> list[tuple[float, float]]:
    """(seconds, peak MB) of each result row bench/export_csv.py printed."""
    return [
        (float(match.group(2)), float(match.group(4)))
        for line in stdout.splitlines()
        if (match := _EXPORT_ROW.match(line))
    ]


def medians(values: list[tuple[float, float]]) -> dict[str, Any]:
    """Median seconds and peak memory of (seconds, peak MB) runs, and the runs themselves."""
    return {
        "seconds": statistics.median(s for s, _ in values),
        "peak_mb": statistics.median(p for _, p in values),
        "runs": values,
    }


def bundle_rounds(rounds: int) -> dict[int, dict[str, Any]]:
    runs: dict[int, list[tuple[float, float]]] = {}
    for number in range(rounds):
        log(f"bundle: bench/bundle_pdf.py, round {number + 1}/{rounds}")
        done = run_child([sys.executable, str(BENCH / "bundle_pdf.py")], timeout=600)
        for size, seconds, peak in bundle_rows(done.stdout):
            runs.setdefault(size, []).append((seconds, peak))
    return {size: medians(values) for size, values in runs.items()}


def export_rounds(rounds: int) -> dict[str, Any]:
    values: list[tuple[float, float]] = []
    for number in range(rounds):
        log(f"export: bench/export_csv.py --sizes 1000000, round {number + 1}/{rounds}")
        done = run_child(
            [sys.executable, str(BENCH / "export_csv.py"), "--sizes", "1000000"], timeout=900
        )
        values += export_rows(done.stdout)
    if not values:
        raise RuntimeError("bench/export_csv.py printed no result row")
    return medians(values)


def retention_runs(backends: str) -> list[dict[str, Any]]:
    """bench/retention.py once on these back ends: its measurements, checks included."""
    log(f"retention: bench/retention.py on {backends} (retention, paper import, updates)")
    done = run_child(
        [sys.executable, str(BENCH / "retention.py"), "--backends", backends, "--json"],
        timeout=3600,
        check=False,  # a failed check still prints its results: they are reported
    )
    last = done.stdout.strip().splitlines()[-1:] or [""]
    if not last[0].startswith("["):
        raise RuntimeError(f"bench/retention.py printed no results:\n{done.stderr[-3000:]}")
    results: list[dict[str, Any]] = json.loads(last[0])
    return results
