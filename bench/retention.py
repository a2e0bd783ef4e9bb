"""Benchmark: the retention run, a paper sheet's CSV import, and queueing an update (issue #16).

Each measurement runs in a fresh subprocess on a database filled beforehand, so its peak RSS
(``ru_maxrss``) and CPU time (``ru_utime + ru_stime``) are its own; wall time is around the
call alone (the app is built before the clock starts). On SQLite (a file) and PostgreSQL (a
throwaway durable cluster of its own, tests/servers.py), a fresh database per size:

- ``dry-run``: ``retention.services.run(dry_run=True)`` on a closed petition delivered long
  ago, of N confirmed signatures and N/100 unconfirmed ones older than the retention period;
  checked: it counts N + N/100 rows and writes none;
- ``anonymise``: ``run()`` on the same database: the unconfirmed ones deleted, every signature
  left has no name, address, city or comment, the confirmed count is still N;
- ``paper``: ``read_sheet`` and ``enter_sheet`` of a 2,000-row CSV against an open petition of
  N online signatures (a tenth of the rows twins by name and city, a twentieth by email, a
  twentieth the same name in another city); checked: the count moves by exactly the rows not
  matched, and the pairs found are those planted;
- ``updates``: ``updates.services.queue_due()`` for an update to N consenting signers; checked:
  N messages queued.

Run: .venv/bin/python bench/retention.py [--sizes 10000,100000] [--backends sqlite,postgres]
     [--paper-online 100000] [--updates 10000] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project root, so bench.* imports
    sys.path.insert(0, str(ROOT))

from bench.retention_data import (  # noqa: E402 - after the path is set
    SHEET_ROWS,
    add_consents,
    app_for,
    build,
    close_and_deliver,
    env_for,
    sheet_csv,
)

# --- children: one measurement each ----------------------------------------------------------


def _measured(action: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    # base_mb: the peak before the call (the interpreter, the app, the data read to check).
    peak, base = after.ru_maxrss / 1024, before.ru_maxrss / 1024
    return result, {"seconds": seconds, "cpu": cpu, "peak_mb": peak, "base_mb": base}


def _personal_left() -> int:
    from sqlalchemy import func, select

    from petitions.extensions import db
    from petitions.signing.models import Signature

    return int(
        db.session.execute(
            select(func.count()).where(
                Signature.petition_id == 1,
                Signature.email.is_not(None)
                | Signature.email_normalized.is_not(None)
                | (Signature.full_name != "")
                | (Signature.city != "")
                | Signature.comment.is_not(None),
            )
        ).scalar_one()
    )


def _states() -> dict[str, int]:
    from sqlalchemy import func, select

    from petitions.extensions import db
    from petitions.signing.models import Signature

    query = select(Signature.state, func.count()).where(Signature.petition_id == 1)
    return {state.name: int(n) for state, n in db.session.execute(query.group_by(Signature.state))}


def child_retention(url: str, rows: int, pending: int, dry_run: bool) -> dict[str, Any]:
    from petitions.extensions import db
    from petitions.retention import services

    app = app_for(url)
    with app.app_context():
        lines, figures = _measured(lambda: services.run(dry_run=dry_run))
        counted = {line.kind: line.count for line in lines}
        states, left = _states(), _personal_left()
        problems = []
        if counted.get(services.ANONYMISED_SIGNERS) != rows + pending:
            problems.append(f"anonymised-signers counted {counted}")
        if counted.get(services.UNCONFIRMED_SIGNATURES) != pending:
            problems.append(f"unconfirmed-signatures counted {counted}")
        kept = {"CONFIRMED": rows, "PENDING": pending} if dry_run else {"CONFIRMED": rows}
        if states != kept:
            problems.append(f"signatures by state {states}, expected {kept}")
        if left != (rows + pending if dry_run else 0):
            problems.append(f"{left} signatures still have a name, address, city or comment")
        db.engine.dispose()
    return {**figures, "rows": rows + pending, "problems": problems}


def child_paper(url: str, online: int) -> dict[str, Any]:
    from petitions.cases.models import Petition
    from petitions.extensions import db
    from petitions.paper.importing import read_sheet
    from petitions.paper.models import PairStatus
    from petitions.paper.services import SheetDetails, enter_sheet
    from petitions.signing.counts import count_of

    raw, matched, doubtful = sheet_csv(online)
    app = app_for(url)
    with app.test_request_context():
        before = count_of(1)
        petition = db.session.get_one(Petition, 1)
        details = SheetDetails(1, "Den Haag", dt.date(2026, 5, 1))

        def enter() -> Any:
            found = read_sheet(raw, "NL")
            if found.problems:
                raise RuntimeError(f"the sheet was refused: {found.problems[:3]}")
            return enter_sheet(petition, details, found.signers, by="bench", organizer_id=None)

        entered, figures = _measured(enter)
        moved = count_of(1) - before
        problems = []
        if moved != SHEET_ROWS - matched:
            problems.append(f"count moved by {moved}, expected {SHEET_ROWS - matched}")
        pairs = {PairStatus.MATCHED: matched, PairStatus.DOUBTFUL: doubtful}
        if entered.pairs != pairs:
            problems.append(f"pairs {entered.pairs}, expected {pairs}")
        db.engine.dispose()
    return {**figures, "rows": SHEET_ROWS, "online": online, "moved": moved, "problems": problems}


def child_updates(url: str, signers: int) -> dict[str, Any]:
    from types import SimpleNamespace

    from sqlalchemy import func, select

    from petitions.cases.models import Petition
    from petitions.clock import utcnow
    from petitions.extensions import db
    from petitions.mail.models import OutboxMessage
    from petitions.updates import services
    from petitions.updates.models import Update, UpdateStatus

    app = app_for(url)
    with app.app_context():
        petition = db.session.get_one(Petition, 1)
        organizer: Any = SimpleNamespace(id=None)
        update = services.create(organizer, "en", "News", "The court date is set.", petition)
        services.schedule(update, utcnow() - dt.timedelta(minutes=1))
        update_id = update.id

        def queue_all() -> int:
            # Each call queues one batch when it falls due; the clock is moved past each.
            now, calls = utcnow(), 0
            while db.session.get_one(Update, update_id).status is not UpdateStatus.SENT:
                services.queue_due(now)
                now, calls = now + dt.timedelta(days=1), calls + 1
            return calls

        calls, figures = _measured(queue_all)
        queued = db.session.execute(
            select(func.count()).where(OutboxMessage.update_recipient_id.is_not(None))
        ).scalar_one()
        problems = [] if queued == signers else [f"{queued} messages queued, expected {signers}"]
        db.engine.dispose()
    return {**figures, "rows": signers, "calls": calls, "problems": problems}


# --- the parent: databases, children, the table ----------------------------------------------


@contextlib.contextmanager
def databases(backends: list[str], folder: Path) -> Iterator[Callable[[str, str], str]]:
    """Yield ``url(backend, name)``: a fresh database of that name on the back end."""
    stack = contextlib.ExitStack()
    with stack:
        postgres: Any = None
        if "postgres" in backends:
            from tests.servers import PostgresServer

            postgres = PostgresServer(durable=True)
            stack.callback(postgres.stop)
            postgres.start()

        def url(backend: str, name: str) -> str:
            if backend == "sqlite":
                return f"sqlite:///{folder / name}.sqlite"
            postgres.psql(f"CREATE DATABASE {name}")
            return str(postgres.url(name))

        yield url


def _child(kind: str, url: str, *numbers: int) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - this script itself, as its own child
        [sys.executable, __file__, "--child", kind, url, *map(str, numbers)],
        cwd=ROOT,
        env=env_for(url),
        check=False,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{kind} child exited with {done.returncode}:\n{done.stderr[-3000:]}")
    measured: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return measured


def measure(backends: list[str], sizes: list[int], online: int, signers: int) -> list[Any]:
    """Every measurement on every back end: [{backend, what, size, seconds, …}, …]."""
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder, databases(backends, Path(folder)) as url:
        for backend in backends:
            for rows in sizes:
                pending = rows // 100
                database = url(backend, f"retention_{rows}")
                build(database, rows, pending)
                close_and_deliver(database)
                for what in ("dry-run", "anonymise"):
                    dry = int(what == "dry-run")
                    measured = _child("retention", database, rows, pending, dry)
                    results.append({"backend": backend, "what": what, "size": rows, **measured})
            if online:
                database = url(backend, "paper")
                build(database, online, 0)
                measured = _child("paper", database, online)
                results.append({"backend": backend, "what": "paper", "size": online, **measured})
            if signers:
                database = url(backend, "updates")
                build(database, signers, 0)
                add_consents(database)
                measured = _child("updates", database, signers)
                results.append({"backend": backend, "what": "updates", "size": signers, **measured})
    return results


def table(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"{'back end':<9} {'what':<10} {'size':>8} {'rows':>8} {'seconds':>8} {'rows/s':>8}"
        f" {'CPU s':>6} {'peak MB':>8} {'before':>7}  checks"
    ]
    for r in results:
        lines.append(
            f"{r['backend']:<9} {r['what']:<10} {r['size']:>8,} {r['rows']:>8,}"
            f" {r['seconds']:>8.2f} {r['rows'] / max(r['seconds'], 1e-6):>8,.0f}"
            f" {r['cpu']:>6.1f} {r['peak_mb']:>8.0f} {r['base_mb']:>7.0f}"
            f"  {'; '.join(r['problems']) or 'ok'}"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--paper-online", type=int, default=100_000, help="0: no paper import")
    parser.add_argument("--updates", type=int, default=10_000, help="0: no updates")
    parser.add_argument("--json", action="store_true", help="end with the results as JSON")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, url, *numbers = args.child
        values = [int(n) for n in numbers]
        if kind == "retention":
            print(json.dumps(child_retention(url, values[0], values[1], bool(values[2]))))
        elif kind == "paper":
            print(json.dumps(child_paper(url, values[0])))
        else:
            print(json.dumps(child_updates(url, values[0])))
        return
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    results = measure(backends, sizes, args.paper_online, args.updates)
    print("\n".join(table(results)))
    if args.json:
        print(json.dumps(results))
    if any(r["problems"] for r in results):
        raise SystemExit("some checks failed")


if __name__ == "__main__":
    main()
