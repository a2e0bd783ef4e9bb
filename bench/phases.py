"""The order of a run: each back end's phases, then bundles and the export, then the report.

A phase that fails is reported (and fails the run) while the others go on; every process a phase
starts is stopped by the exit stack of its back end or of the run, however the run ends.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import timing
from bench.delivery import bundle_rounds, export_rounds, mail_rounds, retention_runs, smtp_ceiling
from bench.harness import run_harness
from bench.letters import LetterRuns, seed
from bench.load import Wrk, sign_post
from bench.pages import PageRuns, case_slug
from bench.recordday import record_day
from bench.report import build_report
from bench.rounds import Round, http_round
from bench.sampling import profile_backend, profile_mail
from bench.servers import Backend, Gunicorn, SmtpSink, start_backend
from bench.settings import BACKENDS, SLUG, log

#: Where the raw py-spy stacks are kept after the run's temporary folder is gone.
KEPT_STACKS = Path(tempfile.gettempdir()) / "petitions-bench-pyspy"


def round_summary(name: str, r: Round) -> str:
    """The log line after each HTTP round."""
    return (
        f"{name}: livez {r.livez:,.0f}/s, sign {r.sign:,.0f}/s "
        f"({r.sign / r.livez:.0%}), confirm {r.confirm:,.0f}/s, JSON "
        f"{r.counter['json_200']:,.0f}/{r.counter['json_304']:,.0f}, "
        f"badge {r.counter['badge_200']:,.0f}/"
        f"{r.counter['badge_304']:,.0f}"
        + (
            "; letters write/wall/POST/verify "
            + "/".join(f"{r.letters.get(k, 0):,.0f}" for k in ("write", "wall", "letter", "verify"))
            if r.letters
            else ""
        )
        + "; other processes "
        f"{r.foreign_cpu:.0%} of the CPU" + (f"; problems: {r.checks}" if r.checks else "")
    )


class BenchRun:
    """One run: its options, its temporary folder and SMTP sink, and what each phase measured."""

    def __init__(self, args: argparse.Namespace, skip: set[str], folder: Path) -> None:
        self.args = args
        self.skip = skip
        self.folder = folder
        self.sink = SmtpSink()
        self.wrk = Wrk(folder, args.duration, args.connections, args.counter_duration)
        self.results: dict[str, Any] = {"profile_skipped": "profile" in skip, "errors": []}

    def phase(self, what: str, action: Callable[[], Any]) -> Any:
        """Run one part; a failure is reported (and fails the run) but the other parts go on."""
        try:
            return action()
        except Exception as error:  # noqa: BLE001 - KeyboardInterrupt still ends the run
            log(f"{what} failed: {error}")
            self.results["errors"].append(f"{what}: {type(error).__name__}: {error}")
            return None

    def start(self, name: str, stack: contextlib.ExitStack) -> tuple[Backend, Gunicorn]:
        log(f"{name}: starting (database, migrations, demo petition and letters)")
        backend = start_backend(name, self.folder, stack, self.sink)
        seed(backend)
        server = Gunicorn(backend, self.folder)
        stack.callback(server.stop)
        server.start()
        return backend, server

    def http(self, name: str, backend: Backend, server: Gunicorn) -> dict[str, Any]:
        rounds: list[Round] = []
        pages = PageRuns(f"/cases/{case_slug(backend)}")
        letters = LetterRuns.of(backend)
        for number in range(1, self.args.rounds + 1):
            log(
                f"{name}: round {number}/{self.args.rounds} "
                "(livez, sign, counter, pages, letters, confirm, livez)"
            )
            previous = rounds[-1].livez if rounds else 0.0
            rounds.append(http_round(backend, server, self.wrk, number, previous, pages, letters))
            log(round_summary(name, rounds[-1]))
        return {"rounds": rounds, "boots": server.worker_boots()}

    def timing(self, server: Gunicorn) -> dict[str, Any]:
        post = sign_post(server.base)
        return timing.measure(server.base, SLUG, post, pairs=self.args.timing_pairs)

    def load_phases(self, name: str, backend: Backend, server: Gunicorn) -> None:
        """What needs gunicorn: the HTTP rounds, the timing of known addresses, py-spy."""
        if "http" not in self.skip:
            self.results[f"http_{name}"] = self.phase(
                f"{name}: HTTP rounds", lambda: self.http(name, backend, server)
            )
            log(f"{name}: timing new against known addresses")
            self.results[f"timing_{name}"] = self.phase(
                f"{name}: timing", lambda: self.timing(server)
            )
        if "recordday" not in self.skip:
            seconds, alone = self.args.record_seconds, self.args.record_alone
            self.results[f"recordday_{name}"] = self.phase(
                f"{name}: record day",
                lambda: record_day(backend, server, self.wrk, seconds, alone),
            )
        if "profile" not in self.skip:
            log(f"{name}: profiling with py-spy")
            self.results[f"profiles_{name}"] = self.phase(
                f"{name}: profile", lambda: profile_backend(backend, server, self.wrk, self.folder)
            )

    def offline_phases(self, name: str, backend: Backend) -> None:
        """What runs after gunicorn stopped: the harness, the SMTP ceiling, mail."""
        if "profile" not in self.skip:
            log(f"{name}: counting statements and store calls per sign (harness)")
            self.results[f"harness_{name}"] = self.phase(
                f"{name}: harness", lambda: run_harness(backend)
            )
        if "mail" not in self.skip and "smtp_ceiling" not in self.results:
            self.results["smtp_ceiling"] = self.phase("SMTP sink", lambda: smtp_ceiling(self.sink))
            log(f"SMTP sink alone takes {self.results['smtp_ceiling'] or 0:,.0f} messages/s")
        if "profile" not in self.skip and name == "sqlite":
            self.results["profile_mail"] = self.phase(
                "mail profile", lambda: profile_mail(backend, self.folder, 500)
            )
        if "mail" not in self.skip:
            self.mail(name, backend)

    def mail(self, name: str, backend: Backend) -> None:
        rounds, messages = self.args.other_rounds, self.args.mail_messages
        log(f"{name}: mail, {messages:,} messages × {rounds}")
        mail = self.phase(f"{name}: mail", lambda: mail_rounds(backend, rounds, messages))
        self.results[f"mail_{name}"] = mail
        if mail:
            log(f"{name}: mail {mail['drain']:,.0f}/s")
        if mail and "two_workers" in mail:
            log(
                f"{name}: two mail workers {mail['two_workers']['drain']:,.0f}/s "
                f"({mail['scaling']:.2f} × one)"
            )

    def backend(self, name: str) -> None:
        """Every phase of one back end, its servers stopped when they are done."""
        with contextlib.ExitStack() as stack:
            started = self.phase(f"{name}: start", lambda: self.start(name, stack))
            if started is None:
                return
            backend, server = started
            self.load_phases(name, backend, server)
            server.stop()
            self.offline_phases(name, backend)

    def scripts(self) -> None:
        """Bundles, the export and retention: their own scripts, no server of ours."""
        rounds = self.args.other_rounds
        if "bundle" not in self.skip:
            self.results["bundle"] = self.phase("bundle", lambda: bundle_rounds(rounds))
        if "export" not in self.skip:
            self.results["export"] = self.phase("export", lambda: export_rounds(rounds))
        if "retention" not in self.skip:
            backends = ",".join(backend_names(self.args.backends))
            self.results["retention"] = self.phase("retention", lambda: retention_runs(backends))


def backend_names(text: str) -> list[str]:
    names = [b.strip() for b in text.split(",") if b.strip()]
    for name in names:
        if name not in BACKENDS:
            raise SystemExit(f"unknown back end {name!r}")
    return names


def keep_stacks(folder: Path, report: str) -> str:
    """Copy the raw py-spy stacks out of the temporary folder; the report names the copies."""
    for raw in folder.glob("pyspy-*.txt"):
        KEPT_STACKS.mkdir(exist_ok=True)
        shutil.copy(raw, KEPT_STACKS / raw.name)
        report = report.replace(str(raw), str(KEPT_STACKS / raw.name))
    return report


def run(args: argparse.Namespace, skip: set[str]) -> tuple[str, list[str]]:
    """Every phase the options ask for; the report and the errors of the phases that failed."""
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        folder = Path(tempfile.mkdtemp(prefix="petitions-bench-"))
        stack.callback(shutil.rmtree, folder, True)
        bench = BenchRun(args, skip, folder)
        bench.sink.start()
        stack.callback(bench.sink.stop)
        names = backend_names(args.backends)
        if not {"http", "mail", "profile", "recordday"} <= skip:
            for name in names:
                bench.backend(name)
        bench.scripts()
        report = build_report(bench.results, args, time.monotonic() - started)
        # The raw py-spy stacks are worth a closer look: keep them out of the temporary folder.
        report = keep_stacks(folder, report)
    return report, bench.results["errors"]
