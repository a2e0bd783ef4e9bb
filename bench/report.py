"""The report: the table of figures against their targets, the rounds, and bench/results.md.

Built from the measurements alone (a dict of what each phase returned, see bench/phases.py), so
the same measurements always give the same text; tests/bench/ keeps one such text. Each section
is a function from the measurements to its lines; `build_report` joins them in order.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bench import report_day, report_letters, report_retention
from bench.report_profiles import where_the_time_goes
from bench.rounds import Round
from bench.settings import BACKENDS, RAISED_LIMITS, TARGETS
from bench.timing import describe

Lines = list[str]

HTTP_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL + Redis"}
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}

#: The counter rows of the table: key in Round.counter, what the row says.
COUNTER_ROWS = (
    ("json_200", "counter JSON 200"),
    ("json_304", "counter JSON 304"),
    ("badge_200", "badge SVG 200"),
    ("badge_304", "badge SVG 304"),
)

SETUP = (
    "Set-up: the app in production mode (`PETITIONS_ENV=production`, `FORCE_HTTPS=0`, "
    "`EMAIL_CHECK_DELIVERABILITY=0`: no DNS lookups, the machine is offline), gunicorn's "
    "access log on (to a file), rate limits raised but on "
    f"(`SIGN_RATE_LIMIT={RAISED_LIMITS['SIGN_RATE_LIMIT']}`, `MAIL_PER_ADDRESS_LIMIT="
    f"{RAISED_LIMITS['MAIL_PER_ADDRESS_LIMIT']}`). SQLite: a WAL file, limits in a Redis "
    "(production refuses per-worker `memory://` limits under 2 workers), "
    "SimpleCache (SQLite's default `synchronous=FULL`: an fsync per COMMIT). PostgreSQL: a "
    "throwaway cluster with the default durability (`fsync=on`, `synchronous_commit=on`), "
    "Redis for limits and the count cache. Mail goes to an "
    "aiosmtpd sink in the runner process."
)


@dataclass(frozen=True)
class Run:
    """What the report is built from: the measurements and how the run was made."""

    results: dict[str, Any]
    args: argparse.Namespace
    elapsed: float
    when: str
    cores: int | None

    def http(self) -> Iterable[tuple[str, dict[str, Any]]]:
        """(back end, HTTP measurements) of each back end that has them."""
        return ((name, http) for name in BACKENDS if (http := self.results.get(f"http_{name}")))

    def mail(self) -> Iterable[tuple[str, dict[str, Any]]]:
        return ((name, mail) for name in BACKENDS if (mail := self.results.get(f"mail_{name}")))


def pct(value: float) -> str:
    return f"{value * 100:.0f} %"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def median_ratio(rounds: list[Round], value: Callable[[Round], float]) -> float:
    """Median of the per-round ratios of ``value`` to the round's /livez."""
    return statistics.median(value(r) / r.livez for r in rounds if r.livez)


def counter_of(key: str) -> Callable[[Round], float]:
    return lambda r: r.counter[key]


def foreign_note(shares: list[float]) -> str:
    """The line on other processes' CPU use during the HTTP rounds."""
    shared = " (figures from a shared machine are lower and noisier: compare ratios)."
    return (
        f"Other processes on the machine used {pct(min(shares))}–{pct(max(shares))} of its "
        f"CPU during the HTTP rounds" + (shared if max(shares) > 0.05 else ".")
    )


def header(run: Run) -> Lines:
    a = run.args
    intro = (
        f"`bench/run.py`, {run.when}, {run.cores} cores; gunicorn "
        f"`-c gunicorn.conf.py -w 2`; wrk `-t1 -c{a.connections} -d{a.duration}s` "
        f"(`-d{a.counter_duration}s` for the counter runs); "
        f"median of {a.rounds} rounds (mail, PDF and CSV: {a.other_rounds}). "
        f"Ratios are medians of the per-round ratios to /livez "
        f"of the same server in the same round (the mean of a /livez run at the start and one "
        f"at the end of the round), so a ratio need not equal the quotient of the two medians "
        f"beside it. Whole run: {run.elapsed / 60:.1f} min."
    )
    foreign = [r.foreign_cpu for _, http in run.http() for r in http.get("rounds", [])]
    lines = ["# Benchmark results", "", intro, "", SETUP, ""]
    return [*lines, foreign_note(foreign)] if foreign else lines


def http_rows(name: str, rounds: list[Round]) -> Lines:
    """Rows 1 to 3, 7 and 9 of the table for one back end: sign, confirm, the counters, pages,
    letters."""
    label = HTTP_LABELS[name]
    livez = f"{statistics.median(r.livez for r in rounds):,.0f}/s"
    sign_target = TARGETS[f"sign_{name}"]
    ratio = median_ratio(rounds, lambda r: r.sign)
    sign = statistics.median(r.sign for r in rounds)
    confirm = median_ratio(rounds, lambda r: r.confirm)
    lines = [
        f"| 1 | sign (303/s) | {label} | {sign:,.0f}/s | {livez} | {pct(ratio)} "
        f"| ≥ {pct(sign_target)} | {verdict(ratio >= sign_target)} |",
        f"| 2 | confirm (200/s) | {label} "
        f"| {statistics.median(r.confirm for r in rounds):,.0f}/s "
        f"| {livez} | {pct(confirm)} | ≥ {pct(TARGETS['confirm'])} "
        f"| {verdict(confirm >= TARGETS['confirm'])} |",
    ]
    target = TARGETS["counter"]
    for key, what in COUNTER_ROWS:
        ratio = median_ratio(rounds, counter_of(key))
        figure = statistics.median(r.counter[key] for r in rounds)
        lines.append(
            f"| 3 | {what} | {label} | {figure:,.0f}/s | {livez} | {pct(ratio)} "
            f"| ≥ {pct(target)} | {verdict(ratio >= target)} |"
        )
    return lines + report_day.page_rows(name, rounds) + report_letters.letter_rows(name, rounds)


def mail_row(run: Run, name: str, mail: dict[str, Any]) -> str:
    rows = [
        f"| 4 | mail delivered/s (`outbox send --once`, {run.args.mail_messages:,} queued) "
        f"| {LABELS[name]} | {mail['drain']:,.0f}/s | – | – | – (sink alone: "
        f"{run.results.get('smtp_ceiling', 0):,.0f}/s) | "
        f"{'ok' if not mail['checks'] else 'CHECK'} |"
    ]
    sink = run.results.get("smtp_ceiling") or 0
    if sink:
        share = mail["drain"] / sink
        rows.append(
            f"| 4 | mail, one worker's share of the sink | {LABELS[name]} | "
            f"{100 * share:.0f} % | – | – | ≥ 50 % | {verdict(share >= 0.5)} |"
        )
    if "two_workers" in mail:
        rows.append(
            f"| 4 | mail, two workers at once | {LABELS[name]} | "
            f"{mail['two_workers']['drain']:,.0f}/s | – | – | {mail['scaling']:.2f} × one; "
            f"≥ 1.6 × | {verdict(mail['scaling'] >= 1.6)} |"
        )
    return "\n".join(rows)


def bundle_row(size: int, values: dict[str, Any]) -> str:
    """Row 5: only the 100,000-signature bundle has a target."""
    judged = size >= 100_000
    ok = values["seconds"] < TARGETS["pdf_seconds"] and values["peak_mb"] < TARGETS["pdf_peak_mb"]
    return (
        f"| 5 | PDF bundle, {size:,} signatures | – | {values['seconds']:.1f} s, "
        f"peak {values['peak_mb']:.0f} MB | – | – | {'< 60 s, < 300 MB' if judged else '–'} | "
        f"{verdict(ok) if judged else '–'} |"
    )


def export_row(export: dict[str, Any]) -> str:
    ok = export["peak_mb"] < TARGETS["csv_peak_mb"]
    return (
        f"| 6 | CSV export, 1,000,000 signatures | – | {export['seconds']:.1f} s, "
        f"peak {export['peak_mb']:.0f} MB | – | – | peak < 150 MB | {verdict(ok)} |"
    )


def table(run: Run) -> Lines:
    lines = [
        "",
        "| # | what | back end | figure | /livez | ratio | target | result |",
        "| --- | --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for name, http in run.http():
        lines += http_rows(name, http["rounds"])
    lines += [mail_row(run, name, mail) for name, mail in run.mail()]
    bundle = run.results.get("bundle") or {}
    lines += [bundle_row(size, values) for size, values in sorted(bundle.items())]
    if export := run.results.get("export"):
        lines.append(export_row(export))
    lines += report_day.table_rows(run.results)
    return [*lines, *report_retention.table_rows(run.results), ""]


def problems(run: Run) -> Lines:
    """Every check that failed: HTTP rounds of each back end first, then mail."""
    found = [
        f"{HTTP_LABELS[name]}, round {number}: {problem}"
        for name, http in run.http()
        for number, r in enumerate(http["rounds"], 1)
        for problem in r.checks
    ]
    return [
        *found,
        *(f"{LABELS[name]}: {problem}" for name, mail in run.mail() for problem in mail["checks"]),
        *report_day.day_problems(run.results),
        *report_retention.problems(run.results),
    ]


def failures_and_checks(run: Run) -> Lines:
    lines = [
        line for error in run.results.get("errors", []) for line in (f"**Failed:** {error}", "")
    ]
    found = problems(run)
    lines.append(
        "Checks (database against wrk's answers, statuses, mail counts): "
        + ("all passed." if not found else "**problems:**")
    )
    return [*lines, *(f"- {problem}" for problem in found), ""]


def timing_section(run: Run) -> Lines:
    timed = [(n, run.results[f"timing_{n}"]) for n in BACKENDS if run.results.get(f"timing_{n}")]
    if not timed:
        return []
    return [
        "## Does the sign answer tell a known address from a new one? (`bench/timing.py`)",
        "",
        *(f"- {LABELS[name]}: {describe(result)}" for name, result in timed),
        "",
    ]


def round_row(number: int, r: Round) -> str:
    c = r.counter
    return (
        f"| {number} | {r.livez:,.0f} ({r.livez_first:,.0f}, {r.livez_last:,.0f}) "
        f"| {r.sign:,.0f} | {r.confirm:,.0f} | "
        f"{c['json_200']:,.0f} | {c['json_304']:,.0f} | {c['badge_200']:,.0f} | "
        f"{c['badge_304']:,.0f} | {pct(r.foreign_cpu)} |"
    )


def rounds_of(name: str, http: dict[str, Any]) -> Lines:
    """One back end's rounds: a row each, then the notes of each round."""
    rounds: list[Round] = http["rounds"]
    return [
        f"**{HTTP_LABELS[name]}** "
        f"(gunicorn workers booted: {http['boots']}, including restarts after max_requests)",
        "",
        "| round | /livez (first, last) | sign | confirm | JSON 200 | JSON 304 | badge 200 "
        "| badge 304 | CPU used by other processes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        *(round_row(number, r) for number, r in enumerate(rounds, 1)),
        "",
        *(f"- round {n}: {note}" for n, r in enumerate(rounds, 1) for note in r.notes),
        "",
    ]


def runs(values: list[tuple[float, float]]) -> str:
    return ", ".join(f"{s:.1f} s / {p:.0f} MB" for s, p in values)


def other_runs(run: Run) -> Lines:
    """Each run of mail, PDF and CSV, one line per back end or size."""
    lines = [
        f"- mail on {name}: drain rates {', '.join(f'{v:,.0f}' for v in mail['runs'])}/s "
        f"(wall time minus the {mail['startup']:.2f} s an empty `outbox send --once` "
        f"takes); including that start-up: {mail['overall']:,.0f}/s"
        for name, mail in run.mail()
    ]
    bundle = run.results.get("bundle") or {}
    lines += [f"- PDF {size:,}: {runs(v['runs'])}" for size, v in sorted(bundle.items())]
    if export := run.results.get("export"):
        lines.append(f"- CSV 1,000,000: {runs(export['runs'])}")
    return [*lines, ""]


def per_round(run: Run) -> Lines:
    lines = ["## Per round", ""]
    for name, http in run.http():
        lines += rounds_of(name, http)
    return lines + other_runs(run)


def profiles(run: Run) -> Lines:
    return [
        line
        for name in BACKENDS
        for line in where_the_time_goes(run.results, name, HTTP_LABELS[name], run.args.duration)
    ]


def record_day(run: Run) -> Lines:
    return report_day.record_section(run.results)


def pages(run: Run) -> Lines:
    return report_day.pages_section(list(run.http()))


def letters(run: Run) -> Lines:
    return report_letters.letters_section(list(run.http()))


def retention(run: Run) -> Lines:
    return report_retention.section(run.results)


SECTIONS: tuple[Callable[[Run], Lines], ...] = (
    header,
    table,
    failures_and_checks,
    timing_section,
    record_day,
    pages,
    letters,
    retention,
    per_round,
    profiles,
)


def build_report(
    results: dict[str, Any],
    args: argparse.Namespace,
    elapsed: float,
    *,
    when: str | None = None,
    cores: int | None = None,
) -> str:
    """The markdown of bench/results.md; ``when`` and ``cores`` default to now and this machine."""
    run = Run(
        results,
        args,
        elapsed,
        when if when is not None else time.strftime("%Y-%m-%d %H:%M"),
        cores if cores is not None else os.cpu_count(),
    )
    return "\n".join(line for section in SECTIONS for line in section(run)) + "\n"
