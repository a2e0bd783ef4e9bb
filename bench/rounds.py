"""One HTTP round on one back end: /livez, sign, the counters (200 and 304), the public pages
(bench/pages.py), the letters (bench/letters.py), confirm, /livez.

Every figure of a round is taken against the mean of its two /livez runs, and after each sign
and confirm run the database is checked against wrk's answers: new rows == 303s (confirmed rows
== 200s) plus the requests wrk had written but cut off at its stop.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench.cpu import CpuWatch
from bench.load import FormPost, Wrk, WrkResult, confirm_post, etag_of, sign_post
from bench.servers import Backend, Gunicorn
from bench.settings import SLUG

if TYPE_CHECKING:
    from bench.letters import LetterRuns
    from bench.pages import PageRuns

CPU = CpuWatch()

#: The counter runs of a round: label, path.
COUNTER_PATHS = (("json", f"/api/v1/petitions/{SLUG}"), ("badge", f"/badge/{SLUG}.svg"))


@dataclass
class Round:
    livez: float = 0.0
    sign: float = 0.0
    confirm: float = 0.0
    counter: dict[str, float] = field(default_factory=dict)
    pages: dict[str, float] = field(default_factory=dict)  # bench/pages.py's keys; {} when not run
    letters: dict[str, float] = field(default_factory=dict)  # bench/letters.py's keys; {}: not run
    page_cache: str = ""  # what the petition page's answer said of caching (bench/pages.py)
    checks: list[str] = field(default_factory=list)  # problems found; empty when all is well
    notes: list[str] = field(default_factory=list)
    foreign_cpu: float = 0.0  # share of the CPU other processes used during the round
    livez_first: float = 0.0
    livez_last: float = 0.0


@dataclass
class Client:
    """Where the load goes, and what its sign POSTs carry back from the petition page."""

    base: str
    sign: FormPost


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


def _nonce(backend: Backend, number: int) -> str:
    return f"{backend.name[:2]}{number}{uuid.uuid4().hex[:6]}"


def _livez(result: Round, wrk: Wrk, base: str) -> WrkResult:
    livez = wrk.run(f"{base}/livez")
    if set(livez.statuses) != {200}:
        result.checks.append(f"/livez answered {livez.status_text()}")
    return livez


def sign_note(sign: WrkResult, rows: int) -> str:
    """The round's note on its sign run: answers, rows, cut-off requests, latency."""
    cut_off = (
        f" ({sign.unanswered} requests cut off by wrk's stop, processed)" if sign.unanswered else ""
    )
    return (
        f"sign: {sign.statuses.get(303, 0)} × 303, {rows} new rows{cut_off}"
        f", latency p50 {sign.latency_us['p50'] / 1000:.1f} ms"
        f" p99 {sign.latency_us['p99'] / 1000:.1f} ms"
    )


def check_answers(
    run: WrkResult, what: str, status: int, rows: int, kind: str, hint: str = ""
) -> list[str]:
    """Problems of a sign or confirm run: answers other than ``status``, or ``rows`` (new or
    confirmed) that those answers and the requests wrk cut off do not account for."""
    problems = []
    answered = run.statuses.get(status, 0)
    if set(run.statuses) - {status}:
        problems.append(f"{what} answered {run.status_text()}{hint}")
    if rows != answered + run.unanswered:
        problems.append(
            f"{what}: {rows} {kind} but {answered} answers {status} "
            f"(+{run.unanswered} cut off by wrk)"
        )
    return problems


def _sign(result: Round, backend: Backend, wrk: Wrk, client: Client, number: int) -> WrkResult:
    """Distinct valid signers; every 303 must be exactly one new row."""
    nonce = _nonce(backend, number)
    pattern = f"bench-{nonce}-%"
    count = "SELECT count(*) FROM signatures WHERE email LIKE :p"
    before = backend.scalar(count, p=pattern)
    post = client.sign
    sign = wrk.run(f"{client.base}/p/{SLUG}/sign", "sign", [SLUG, post.cookie, post.fields, nonce])
    time.sleep(0.3)  # let the last requests that wrk cut off finish on the server
    rows = backend.scalar(count, p=pattern) - before
    result.sign = sign.per_second(303)
    result.checks += check_answers(sign, "sign", 303, rows, "new rows")
    result.notes.append(sign_note(sign, rows))
    return sign


def _counters(result: Round, wrk: Wrk, base: str) -> None:
    """JSON and badge, 200s with a warm cache and 304s with the current ETag."""
    for label, path in COUNTER_PATHS:
        etag_of(base, path)  # warm this path's cache
        full = wrk.run(f"{base}{path}", duration=wrk.counter_duration)
        result.counter[f"{label}_200"] = full.per_second(200)
        if set(full.statuses) != {200}:
            result.checks.append(f"{path} answered {full.status_text()}")
        etag = etag_of(base, path)
        conditional = wrk.run(
            f"{base}{path}", headers=[f"If-None-Match: {etag}"], duration=wrk.counter_duration
        )
        result.counter[f"{label}_304"] = conditional.per_second(304)
        if set(conditional.statuses) != {304}:
            result.checks.append(f"{path} with If-None-Match answered {conditional.status_text()}")


def _confirm(
    result: Round, backend: Backend, wrk: Wrk, client: Client, number: int, livez: float
) -> WrkResult:
    """Enough pending signatures that the run cannot use them up; each 200 one confirmed row."""
    expected = livez * wrk.duration * 1.2 + 500
    nonce = _nonce(backend, number)
    tokens = insert_pending(backend, int(expected), nonce)
    try:
        # The confirm page's button, opened once by its first link, serves every link.
        post = confirm_post(client.base, tokens.read_text().split("\n", 1)[0])
        confirm = wrk.run(
            f"{client.base}/confirm/x", "confirm", [str(tokens), post.cookie, post.fields, "1"]
        )
    finally:
        tokens.unlink(missing_ok=True)
    time.sleep(0.3)
    confirmed = backend.scalar(
        "SELECT count(*) FROM signatures WHERE email LIKE :p AND state = 'confirmed'",
        p=f"confirm-{nonce}-%",
    )
    result.confirm = confirm.per_second(200)
    result.checks += check_answers(
        confirm, "confirm", 200, confirmed, "confirmed rows", " (400: tokens ran out)"
    )
    result.notes.append(
        f"confirm: {confirm.statuses.get(200, 0)} × 200, {confirmed} rows confirmed"
    )
    return confirm


def http_round(
    backend: Backend,
    server: Gunicorn,
    wrk: Wrk,
    number: int,
    previous_livez: float,
    pages: PageRuns | None = None,
    letters: LetterRuns | None = None,
) -> Round:
    """One round; ``pages`` (bench/pages.py) adds the public pages' runs after the counters,
    ``letters`` (bench/letters.py) the letters' after them."""
    result = Round()
    client = Client(server.base, sign_post(server.base))
    cpu_before = CPU.snapshot()
    # /livez: the baseline every ratio of this round is taken against.
    livez = _livez(result, wrk, client.base)
    result.livez_first = livez.per_second(200)
    sign = _sign(result, backend, wrk, client, number)
    _counters(result, wrk, client.base)
    if pages is not None:
        pages.measure(result, wrk, client.base)
    if letters is not None:
        letters.measure(result, wrk, client.base, backend)
    confirm = _confirm(
        result, backend, wrk, client, number, max(previous_livez, result.livez_first)
    )
    runs = (("livez", livez), ("sign", sign), ("confirm", confirm))
    result.notes += [note for what, run in runs if (note := run.error_note(what))]
    # /livez again at the end: the round's baseline is the mean of both, so a burst of other
    # work on the machine during one of them weighs less.
    result.livez_last = _livez(result, wrk, client.base).per_second(200)
    result.livez = (result.livez_first + result.livez_last) / 2
    result.foreign_cpu = CPU.foreign(cpu_before, CPU.snapshot())
    return result
