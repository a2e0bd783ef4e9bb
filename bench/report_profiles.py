"""The report's "Where the time goes" sections: py-spy profiles and the in-process harness.

One section per back end; each profile (bench/sampling.py) becomes a heading, its inclusive
shares, a table of its parts and its heaviest functions; the harness (bench/harness.py) its
counts per sign and per confirmation, the price of each suspect and the suspects timed alone.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

Lines = list[str]

#: py-spy's sampling rate (bench/sampling.py records with --rate 250).
RATE = 250
BUSY = (
    "py-spy counts a worker as busy in system calls too: socket writes, the lingering close, "
    "fsync, waiting for PostgreSQL or Redis; a thread waiting so serves no other request"
)
NO_PYSPY = "py-spy is not installed (`.venv/bin/pip install py-spy`): no sampled profile."
PART_COLUMN = "part (each sample counted once, first matching part)"


def pct(value: float) -> str:
    return f"{value * 100:.0f} %"


def profile_heading(what: str, profile: dict[str, Any], duration: int) -> Lines:
    total = profile["samples"]
    if what == "mail":
        return [
            f"### `flask outbox send --once` under py-spy ({profile['rate']:,.0f} messages/s "
            f"including start-up): {total:,} busy samples",
            "",
        ]
    unit = "signs" if what == "sign" else "answers"
    return [
        f"### {what}: py-spy on both workers during a {duration} s run of `{profile['path']}` "
        f"({profile['rate']:,.0f} {unit}/s under the profiler): {total:,} busy samples",
        "",
        f"Inclusive: inside the view function {pct(profile['in_view'] / total)}, in "
        f"SQLAlchemy or the database driver {pct(profile['sql'] / total)}, in COMMIT "
        f"(`do_commit`) {pct(profile['commit'] / total)}. Raw stacks: `{profile['raw']}`.",
        "",
    ]


def parts_table(profile: dict[str, Any]) -> Lines:
    """Share of each part; with the answers counted, also the worker time per answer."""
    total = profile["samples"]
    parts = sorted(profile["parts"].items(), key=lambda kv: -kv[1])
    answers = profile.get("answers")
    if not answers:
        return [
            f"| {PART_COLUMN} | share of busy time |",
            "| --- | ---: |",
            *(f"| {category} | {pct(count / total)} |" for category, count in parts),
        ]
    # RATE samples per second per busy thread: samples / RATE s of occupied worker time.
    per = 1000 / RATE / answers
    return [
        f"Occupied worker time per answer: {total * per:.2f} ms ({BUSY}).",
        "",
        f"| {PART_COLUMN} | share | ms per answer |",
        "| --- | ---: | ---: |",
        *(
            f"| {category} | {pct(count / total)} | {count * per:.3f} |"
            for category, count in parts
        ),
    ]


def heaviest(profile: dict[str, Any]) -> Lines:
    """The app's heaviest functions (inclusive) and the top self time (leaf frames)."""
    total = profile["samples"]
    functions: Counter[str] = profile["functions"]
    ours = [
        (function, count)
        for function, count in functions.most_common()
        if "(petitions/" in function and "wsgi" not in function
    ][:10]
    lines = []
    if ours:
        lines += [
            "Heaviest functions of the app (inclusive): "
            + "; ".join(f"{pct(count / total)} `{function}`" for function, count in ours),
            "",
        ]
    leaves: Counter[str] = profile["leaf"]
    top = "; ".join(f"{pct(count / total)} `{leaf}`" for leaf, count in leaves.most_common(8))
    return [*lines, f"Top self time (leaf frames): {top}", ""]


def profile_lines(what: str, profile: dict[str, Any], duration: int) -> Lines:
    return [
        *profile_heading(what, profile, duration),
        *parts_table(profile),
        "",
        *heaviest(profile),
    ]


def _calls(counts: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in counts.items())


def harness_counts(harness: dict[str, Any]) -> Lines:
    """Statements, storage calls and Redis round trips per sign."""
    lines = [
        f"In-process harness (Flask test client, no gunicorn, same configuration): "
        f"{harness['per_sign_ms']:.2f} ms per sign, {harness['livez_ms']:.3f} ms per /livez.",
        "",
        f"SQL statements per sign: {sum(harness['statements'].values()):.1f} "
        f"(+ {harness['commits']:.1f} COMMIT):",
        "",
        *(f"- {per:.2f} × `{statement}`" for statement, per in harness["statements"].items()),
        "",
        "Rate-limit storage calls per sign: "
        f"{sum(harness['store_calls'].values()):.1f} ({_calls(harness['store_calls'])}).",
    ]
    redis = harness["redis_commands"]
    if redis:
        lines.append(f"Redis round trips per sign: {sum(redis.values()):.1f} ({_calls(redis)}).")
    return lines


def confirm_counts(confirm: dict[str, Any] | None) -> Lines:
    if not confirm or not confirm["confirmed"]:
        return []
    statements = "; ".join(f"{v:.2f} × `{k}`" for k, v in confirm["statements"].items())
    redis = confirm["redis_commands"]
    redis_text = (
        f"; Redis round trips: {sum(redis.values()):.1f} ({_calls(redis)})" if redis else ""
    )
    return [
        "",
        f"Per confirmation (POST /confirm/<token>, {confirm['ms']:.2f} ms in this "
        f"process): {sum(confirm['statements'].values()):.1f} SQL statements "
        f"(+ {confirm['commits']:.1f} COMMIT): {statements}. Rate-limit storage "
        f"calls: {sum(confirm['store_calls'].values()):.1f}{redis_text}.",
    ]


def suspects(harness: dict[str, Any]) -> Lines:
    """What each what-if saves, and each suspect timed alone."""
    base = harness["baseline_cpu_ms"] or 1
    priced = sorted(harness["variants"].items(), key=lambda kv: -kv[1]["cpu_saved"])
    return [
        f"Threads started per sign: {harness['threads_started']:.2f} (limits' "
        f"memory storage starts a `threading.Timer` for expiry when none is running).",
        "",
        f"What each suspect costs: signing with and without it, alternating in blocks of "
        f"20, in this process only (as configured: {harness['baseline_cpu_ms']:.2f} ms "
        f"CPU, {harness['baseline_wall_ms']:.2f} ms wall per sign; medians of 5 pairs):",
        "",
        "| what-if (harness only, not in the app) | CPU ms saved per sign | wall ms saved |",
        "| --- | ---: | ---: |",
        *(
            f"| {label} | {v['cpu_saved']:+.2f} ({v['cpu_saved'] / base:+.0%}) "
            f"| {v['wall_saved']:+.2f} |"
            for label, v in priced
        ),
        "",
        "Suspects timed alone (ms per call, in a request context):",
        "",
        *(f"- {ms:.3f} ms: {label}" for label, ms in harness["timings_ms"].items()),
        "",
    ]


def harness_lines(harness: dict[str, Any]) -> Lines:
    return [
        *harness_counts(harness),
        *confirm_counts(harness.get("confirm")),
        "",
        *suspects(harness),
    ]


def sampled(results: dict[str, Any], name: str) -> list[tuple[str, dict[str, Any]]]:
    """The profiles of one back end that hold samples, then (SQLite only) the mail worker's."""
    profiles: dict[str, Any] = results.get(f"profiles_{name}") or {}
    found = [(what, p) for what, p in profiles.items() if p and p["samples"]]
    mail = results.get("profile_mail") if name == "sqlite" else None
    return found + ([("mail", mail)] if mail else [])


def where_the_time_goes(results: dict[str, Any], name: str, label: str, duration: int) -> Lines:
    """The section of one back end, or nothing when it was neither profiled nor harnessed."""
    profiled = bool(results.get(f"profiles_{name}"))
    harness = results.get(f"harness_{name}")
    if not profiled and not harness:
        return []
    lines = [f"## Where the time goes ({label})", ""]
    if not profiled and not results.get("profile_skipped"):
        lines += [NO_PYSPY, ""]
    for what, profile in sampled(results, name):
        lines += profile_lines(what, profile, duration)
    return lines + (harness_lines(harness) if harness else [])
