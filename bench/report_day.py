"""The report's text of issue #12's figures: the public pages' rows and the record day.

Functions of the measurements alone, as the rest of bench/report.py: the same measurements give
the same text. A run without these measurements (older stored results) gets none of these lines.
"""

from __future__ import annotations

import statistics
from typing import Any

from bench.pages import PAGE_ROWS, PAGE_TARGETS
from bench.record import (
    CONFIRMER_CONNECTIONS,
    READER_CONNECTIONS,
    READERS,
    SIGNER_CONNECTIONS,
    STAGES,
    RecordDay,
)
from bench.rounds import Round
from bench.settings import BACKENDS, TARGETS

Lines = list[str]

LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL + Redis"}


def pct(value: float) -> str:
    return f"{value * 100:.0f} %"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _ratio(rounds: list[Round], key: str) -> float:
    return statistics.median(r.pages[key] / r.livez for r in rounds if r.livez)


def page_rows(name: str, rounds: list[Round]) -> Lines:
    """Row 7 of one back end: each public page measured in every round, against its target."""
    measured = [r for r in rounds if r.pages]
    if not measured:
        return []
    livez = f"{statistics.median(r.livez for r in measured):,.0f}/s"
    lines = []
    for key, what in PAGE_ROWS:
        if not all(key in r.pages for r in measured):
            continue  # no ETag, no 304 run
        ratio, target = _ratio(measured, key), TARGETS[PAGE_TARGETS[key]]
        figure = statistics.median(r.pages[key] for r in measured)
        lines.append(
            f"| 7 | {what} | {LABELS[name]} | {figure:,.0f}/s | {livez} | {pct(ratio)} "
            f"| ≥ {pct(target)} | {verdict(ratio >= target)} |"
        )
    return lines


def days(results: dict[str, Any]) -> list[tuple[str, RecordDay]]:
    return [(n, day) for n in BACKENDS if (day := results.get(f"recordday_{n}"))]


def day_rows(name: str, day: RecordDay) -> Lines:
    """Row 8 of one back end: completed signatures, readers' p99, errors, the count."""
    label = LABELS[name]
    rates = ", ".join(f"{stage} {day.rate(stage):,.1f}" for stage in STAGES)
    worst = day.worst_reader
    factor = day.p99_factor(worst)
    errors = day.error_total
    target = TARGETS["completed"]
    return [
        f"| 8 | record day: completed signatures/s ({rates}) | {label} "
        f"| {day.completed:,.1f}/s | {day.livez:,.0f}/s | {pct(day.completed_ratio)} "
        f"| ≥ {pct(target)} | {verdict(day.completed_ratio >= target)} |",
        f"| 8 | record day: readers' p99 under the mix / alone (worst: {worst}) | {label} "
        f"| {day.mixed[worst].p99:,.1f} ms / {day.alone[worst].p99:,.1f} ms | – "
        f"| {factor:.1f} × | ≤ {TARGETS['p99_factor']:.0f} × "
        f"| {verdict(factor <= TARGETS['p99_factor'])} |",
        f"| 8 | record day: errors (non-2xx/3xx answers, socket errors) | {label} "
        f"| {errors:,} | – | – | none | {verdict(errors == 0)} |",
        f"| 8 | record day: public count = confirmed rows | {label} "
        f"| {day.count:,} {'=' if day.exact else '≠'} {day.confirmed_rows:,} | – | – | exact "
        f"| {verdict(day.exact)} |",
    ]


def table_rows(results: dict[str, Any]) -> Lines:
    return [line for name, day in days(results) for line in day_rows(name, day)]


def day_problems(results: dict[str, Any]) -> Lines:
    return [f"{LABELS[name]}, record day: {c}" for name, day in days(results) for c in day.checks]


def pages_section(http: list[tuple[str, dict[str, Any]]]) -> Lines:
    """Each round's page figures and what the petition page's answer said of caching."""
    lines: Lines = []
    for name, values in http:
        rounds = [r for r in values["rounds"] if r.pages]
        if not rounds:
            continue
        keys = [key for key, _ in PAGE_ROWS if all(key in r.pages for r in rounds)]
        lines += [
            f"**{LABELS[name]}**: the petition page's answer: {rounds[0].page_cache}.",
            "",
            "| round | /livez | " + " | ".join(k.replace("_", " ") for k in keys) + " |",
            "| --- | ---: | " + " | ".join("---:" for _ in keys) + " |",
            *(
                f"| {n} | {r.livez:,.0f} | " + " | ".join(f"{r.pages[k]:,.0f}" for k in keys) + " |"
                for n, r in enumerate(rounds, 1)
            ),
            "",
        ]
    return ["## The public pages (`bench/pages.py`)", "", *lines] if lines else []


def _reader_row(day: RecordDay, reader: str) -> str:
    alone, mixed = day.alone[reader], day.mixed[reader]
    return (
        f"| {reader} | {alone.p50:,.1f} / {alone.p99:,.1f} | {mixed.p50:,.1f} / {mixed.p99:,.1f} "
        f"| {day.p99_factor(reader):.1f} × | {day.readers_per_second[reader]:,.0f} |"
    )


def day_section(name: str, day: RecordDay) -> Lines:
    stages = " | ".join(f"{day.stages[s]:,} ({day.rate(s):,.1f}/s)" for s in STAGES)
    errors = ", ".join(f"{what} × {n:,}" for what, n in sorted(day.errors.items())) or "none"
    return [
        f"**{LABELS[name]}**: {day.seconds:.0f} s of the mix; /livez alone before it "
        f"{day.livez:,.0f}/s.",
        "",
        "| signed | mailed | confirmed | counted |",
        "| ---: | ---: | ---: | ---: |",
        f"| {stages} |",
        "",
        "| reader | p50 / p99 alone (ms) | p50 / p99 under the mix (ms) | p99 factor "
        "| answers/s under the mix |",
        "| --- | ---: | ---: | ---: | ---: |",
        *(_reader_row(day, reader) for reader in READERS if reader in day.alone),
        "",
        f"- errors: {errors}",
        f"- the count once its cache expired: {day.count:,}; confirmed rows of the petition in "
        f"the database: {day.confirmed_rows:,}",
        *(f"- {note}" for note in day.notes),
        "",
    ]


def record_section(results: dict[str, Any]) -> Lines:
    found = days(results)
    if not found:
        return []
    return [
        "## The record day (`bench/recordday.py`)",
        "",
        f"Readers (one wrk each, {READER_CONNECTIONS} connections: the petition page and the "
        "count JSON, each with and without If-None-Match) alone first, then together with "
        f"signers ({SIGNER_CONNECTIONS} connections, fresh addresses), confirmers "
        f"({CONFIRMER_CONNECTIONS} connections, the confirm links the mail sink received) and "
        "`flask outbox send`, each wrk bounded in time. Completed signatures went through "
        "every stage: signed (new rows), mailed (confirmation mails the sink received), "
        "confirmed (rows), counted (the rise of the public count readers saw); the slowest "
        "stage bounds them.",
        "",
        *(line for name, day in found for line in day_section(name, day)),
    ]
