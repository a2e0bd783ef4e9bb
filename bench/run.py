"""All benchmarks in one command: `.venv/bin/python bench/run.py` (what `make bench` runs).

Starts everything it needs on loopback, stops all of it again however the run ends (Ctrl-C,
SIGTERM, a failure), and prints a table that is also written to bench/results.md:

1. sign      valid, distinct signers POSTing /p/<slug>/sign through gunicorn (2 gthread workers,
             gunicorn.conf.py), per second, next to /livez per second of the same server in the
             same round; on SQLite (in-memory limits, per-process cache) and on PostgreSQL
             (Redis for limits and cache). Rate limiting stays on with raised limits.
2. confirm   POST /confirm/<token> per second, for signatures inserted pending beforehand.
3. counter   /api/v1/petitions/<slug> and /badge/<slug>.svg, 200s (warm cache) and 304s.
   pages     /, /cases/<slug> and /p/<slug> (repeated: from the cache; with If-None-Match;
             with a fresh ?ref=: rendered), in the same rounds (bench/pages.py).
   letters   /cases/<slug>/write (GET, and POSTs of valid letters: 303s, one new row each),
             /cases/<slug>/wall and /letter-batches/<fingerprint>, in the same rounds, on a
             demo case given letters (bench/letters.py).
4. mail      outbox messages delivered per second to a local SMTP sink (aiosmtpd, in this
             process) by `flask --app wsgi outbox send --once`.
5. bundle    bench/bundle_pdf.py (10,000 and 100,000 signatures): seconds and peak memory.
6. export    bench/export_csv.py --sizes 1000000: seconds and peak memory.
7. record    the record day (bench/recordday.py): readers alone, then readers, signers,
   day       confirmers and the mail worker at once for --record-seconds (60) on each back end:
             completed signatures per second, readers' p50/p99, errors, the count exact.
8. retention bench/retention.py once on --backends: the retention run and its --dry-run on a
             closed, delivered petition of 10,000 and 100,000 signatures, a 2,000-row paper
             CSV import against 100,000 online signatures, an update queued to 10,000
             consenting signers: seconds, rows/s, CPU, peak memory, each checked.

Load comes from wrk (a separate process, one thread, 8 connections, 3 s per run and 2 s per
counter run), driven by the Lua scripts in bench/lua/. A round is: /livez, sign, JSON and badge
(200 and 304), the pages and the letters' GETs (each a counter-length run), the letter POSTs,
confirm, /livez again; the round's
baseline is the mean of its two /livez runs.
Every HTTP figure is the median of --rounds rounds (5; mail, bundle and export: --other-rounds,
3); the ratios are medians of the per-round ratios. After each sign, letter and confirm run
the database is checked against wrk's answers: new rows == 303s (confirmed rows == 200s) plus the
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
--mail-messages, --record-seconds, --record-alone, --skip http,mail,profile,bundle,export,recordday,
retention,
--only (the same names), --output, --quick (see --help). A full
run takes twelve to sixteen minutes on a 2-core machine (the record day: 90 s per back end),
and retention about eight more (six of them queueing an update on SQLite, see the README).

The parts: bench/servers.py (processes), bench/load.py (wrk), bench/rounds.py (an HTTP round),
bench/delivery.py (mail, PDF, CSV, retention: bench/retention.py), bench/sampling.py (py-spy),
bench/harness.py, bench/timing.py, bench/report.py, bench/report_profiles.py and
bench/report_retention.py (the text), bench/phases.py (their order).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

# `python bench/run.py` puts bench/ first on sys.path; the project root takes its place, so the
# parts import as bench.* and none of them can shadow a standard module.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0] or ".").resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)

from bench.settings import RESULTS, SECRET, log  # noqa: E402

#: The parts --skip and --only name.
PARTS = ("http", "mail", "profile", "bundle", "export", "recordday", "retention")

#: --quick: the defaults of one short round on SQLite, mail included, to see that the parts
#: still run together; options given beside it still win.
QUICK = {
    "rounds": 1,
    "other_rounds": 1,
    "duration": 1,
    "counter_duration": 1,
    "backends": "sqlite",
    "mail_messages": 50,
    "timing_pairs": 20,
    "record_seconds": 8,
    "record_alone": 3,
    "output": Path(tempfile.gettempdir()) / "petitions-bench-quick.md",
    "skip": "profile,bundle,export,retention",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
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
        "--timing-pairs", type=int, default=500, help="new and known signs timed (bench/timing.py)"
    )
    parser.add_argument(
        "--record-seconds", type=int, default=60, help="seconds of the record day's mix"
    )
    parser.add_argument(
        "--record-alone", type=int, default=10, help="seconds of its readers-only run"
    )
    parser.add_argument("--skip", default="", help=f"comma-separated: {', '.join(PARTS)}")
    parser.add_argument(
        "--only", default="", help="comma-separated parts to run (the others are skipped)"
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a smoke run of about a minute: SQLite, one 1 s round, an 8 s record day, no "
        f"profile, bundle, export or retention; written to {QUICK['output']}",
    )
    parser.add_argument("--harness", action="store_true", help=argparse.SUPPRESS)
    if "--quick" in (sys.argv[1:] if argv is None else argv):
        parser.set_defaults(**QUICK)
    return parser.parse_args(argv)


def parts_to_skip(skip: str, only: str) -> set[str]:
    """The parts a run leaves out: with --only every part it does not name (--skip and the
    skips of --quick then do not count), else those of --skip."""
    named = {part.strip() for part in skip.split(",") if part.strip()}
    kept = {part.strip() for part in only.split(",") if part.strip()}
    for part in named | kept:
        if part not in PARTS:
            raise SystemExit(f"unknown part {part!r} (parts: {', '.join(PARTS)})")
    return set(PARTS) - kept if kept else named


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    os.environ["SECRET_KEY"] = SECRET  # before the app is imported here: never write instance/
    if args.harness:
        from bench import harness

        harness.main()
        return
    skip = parts_to_skip(args.skip, args.only)
    if shutil.which("wrk") is None and not {"http", "recordday"} <= skip:
        raise SystemExit("wrk is not installed: apt-get install wrk (make system-deps)")
    # Ctrl-C, `kill` and a closed terminal all unwind through the clean-up below. SIGINT is set
    # explicitly: a shell that starts this in the background hands it down ignored.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    from bench import phases

    report, errors = phases.run(args, skip)
    args.output.write_text(report)
    print(report)
    log(f"written to {args.output}")
    if errors:
        raise SystemExit(f"{len(errors)} part(s) failed: see {args.output}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt as interruption:
        log(f"interrupted ({interruption}); every process this run started has been stopped")
        sys.exit(130)
