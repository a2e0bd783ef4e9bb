"""Fixed measurements for the report tests: every section and branch of bench/results.md.

The figures are invented but shaped as a run produces them, so the report built from them can be
compared with a stored text (tests/bench/expected/) taken from the report builder as it was
before bench/run.py was split (`build_report` of bench/run.py at commit f2cdeee, with
`time.strftime` and `os.cpu_count` fixed to WHEN and CORES): the split must not change a
character of the report. Issue #12 added lines only (the page rows and section, the record day's
rows and section, from the page figures and record days below) and changed the sign and confirm
targets (25 % and 20 %); issue #15 added lines only (the letters' rows, section and notes, from
the SQLite rounds' letter figures). A change of these figures needs its texts taken again.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from bench.record import Latency, RecordDay
from bench.rounds import Round

#: What the report prints instead of the clock and the machine, so the text is stable.
WHEN = "2026-12-02 13:30"
CORES = 2
ELAPSED = 612.0


def options(**changes: Any) -> argparse.Namespace:
    """The command-line options the report names, as bench/run.py's defaults set them."""
    values: dict[str, Any] = {
        "rounds": 5,
        "other_rounds": 3,
        "duration": 3,
        "counter_duration": 2,
        "connections": 8,
        "mail_messages": 1000,
    }
    values.update(changes)
    return argparse.Namespace(**values)


#: What the petition page's answer said of caching, before and after a page cache.
NO_CACHE = (
    "no Cache-Control, ETag or Vary; sets a cookie; a fresh `?ref=` came back in the form "
    "(rendered for that URL)"
)
CACHED = (
    'cache-control `public, max-age=5, stale-while-revalidate=30`, etag `"p-1234"`, vary '
    "`Accept-Language`; sets no cookie; a fresh `?ref=` came back in the form (rendered for "
    "that URL)"
)


def _pages(scale: float, etag: bool) -> dict[str, float]:
    """The page runs of a round (bench/pages.py); no 304 run when the page sends no ETag."""
    pages = {
        "home": 1300.0 * scale,
        "case": 1100.0 * scale,
        "petition_cached": 1700.0 * scale,
        "petition_rendered": 700.0 * scale,
    }
    return pages | ({"petition_304": 1900.0 * scale} if etag else {})


def _letters(scale: float) -> dict[str, float]:
    """The letter runs of a round (bench/letters.py)."""
    return {"write": 90.0 * scale, "wall": 180.0 * scale, "letter": 80.0, "verify": 300.0 * scale}


def _round(
    scale: float,
    *,
    checks: list[str] | None = None,
    cut_off: int = 0,
    etag: bool | None = None,
    letters: bool = False,
) -> Round:
    notes = [
        f"sign: {int(600 * scale)} × 303, {int(600 * scale) + cut_off} new rows"
        + (f" ({cut_off} requests cut off by wrk's stop, processed)" if cut_off else "")
        + ", latency p50 12.3 ms p99 45.6 ms",
        f"confirm: {int(900 * scale)} × 200, {int(900 * scale)} rows confirmed",
    ] + (
        [
            "letter: 240 × 303, 242 new letter rows (2 requests cut off by wrk's stop, processed)"
            ", latency p50 95.1 ms p99 310.0 ms"
        ]
        if letters
        else []
    )
    return Round(
        livez=2000.0 * scale,
        sign=200.0 * scale * (1.1 if cut_off else 1.0),
        confirm=300.0 * scale,
        counter={
            "json_200": 1700.0 * scale,
            "json_304": 1900.0 * scale,
            "badge_200": 1500.0 * scale,
            "badge_304": 1950.0 * scale,
        },
        checks=checks or [],
        notes=notes,
        foreign_cpu=0.02 * scale,
        livez_first=2050.0 * scale,
        livez_last=1950.0 * scale,
        pages=_pages(scale, etag) if etag is not None else {},
        page_cache="" if etag is None else CACHED if etag else NO_CACHE,
        letters=_letters(scale) if letters else {},
    )


def _readers(p99: float) -> dict[str, Latency]:
    return {
        "petition page": Latency(2.5, p99),
        "petition page, If-None-Match": Latency(1.2, p99 / 2),
        "count JSON": Latency(1.5, p99 / 1.5),
        "count JSON, If-None-Match": Latency(1.1, p99 / 3),
    }


def record_day(*, good: bool, checks: bool = False) -> RecordDay:
    """A record day that meets every target, or one that misses each (and, with ``checks``,
    whose database did not match the signers' answers)."""
    if good:
        return RecordDay(
            seconds=60.0,
            livez=2400.0,
            alone=_readers(12.0),
            mixed=_readers(30.0),
            readers_per_second={"petition page": 900.0, "petition page, If-None-Match": 1100.0}
            | {"count JSON": 1000.0, "count JSON, If-None-Match": 1200.0},
            stages={"signed": 18_000, "mailed": 17_500, "confirmed": 17_000, "counted": 16_800},
            errors={},
            count=17_012,
            confirmed_rows=17_012,
            notes=["signers: 18,000 × 303, 18,000 new rows"],
        )
    return RecordDay(
        seconds=59.5,
        livez=1500.0,
        alone=_readers(10.0),
        mixed=_readers(45.0) | {"count JSON, If-None-Match": Latency(9.0, 60.0)},
        readers_per_second={"petition page": 300.0, "petition page, If-None-Match": 320.0}
        | {"count JSON": 700.0, "count JSON, If-None-Match": 800.0},
        stages={"signed": 6_000, "mailed": 3_000, "confirmed": 2_900, "counted": 2_850},
        errors={"signers: 503": 12, "count JSON: socket read": 3},
        count=2_950,
        confirmed_rows=2_962,
        checks=["signers: 5,990 new rows but 5,988 answers 303 (+2 cut off by wrk)"]
        if checks
        else [],
        notes=["confirmers: 2,900 confirm POSTs, 410 idle GETs of /livez (no link waiting)"],
    )


def _http_profile(path: str, samples: int, answers: int | None) -> dict[str, Any]:
    parts = Counter(
        {
            "email-validator": samples // 5,
            "COMMIT (on SQLite: the fsync of the WAL)": samples // 4,
            "gunicorn (accept, parse, write, close)": samples // 5,
            "other": samples - samples // 5 - samples // 4 - samples // 5,
        }
    )
    functions = Counter(
        {
            "sign (petitions/signing/views.py)": samples // 2,
            "sign (petitions/signing/services.py)": samples // 3,
            "wsgi_app (flask/app.py)": samples,
            "app (wsgi.py)": samples,
            "validate (petitions/signing/forms.py)": samples // 6,
            # More functions of the app than the report lists (10): the lightest are left out.
            **{f"helper_{n} (petitions/helpers.py)": samples // (n + 7) for n in range(10)},
        }
    )
    leaf = Counter({f"leaf_{n} (somewhere.py)": samples // (n + 2) for n in range(10)})
    profile: dict[str, Any] = {
        "samples": samples,
        "in_view": samples * 3 // 5,
        "sql": samples * 2 // 5,
        "commit": samples // 4,
        "parts": parts,
        "functions": functions,
        "leaf": leaf,
        "rate": 180.4,
        "raw": Path("/tmp/petitions-bench-x/pyspy-sqlite-sign.txt"),
        "path": path,
    }
    if answers is not None:
        profile["answers"] = answers
    return profile


def _harness(redis: bool) -> dict[str, Any]:
    return {
        "per_sign_ms": 4.321,
        "livez_ms": 0.2345,
        "statements": {"SELECT … FROM petitions": 1.0, "INSERT INTO signatures": 1.0},
        "commits": 1.0,
        "store_calls": {"incr": 2.0, "get_expiry": 1.0},
        "redis_commands": {"EVALSHA": 2.0, "TTL": 1.0} if redis else {},
        "confirm": {
            "statements": {"SELECT … FROM signatures": 1.0, "UPDATE signatures": 1.0},
            "commits": 1.0,
            "store_calls": {"incr": 1.0},
            "redis_commands": {"EVALSHA": 1.0} if redis else {},
            "ms": 3.21,
            "confirmed": 50,
        },
        "timings_ms": {
            "SignForm() (fields, CSRF token; no country list until rendered)": 0.123,
            "validate_email(check_deliverability=False)": 0.456,
        },
        "baseline_wall_ms": 4.5,
        "baseline_cpu_ms": 4.0,
        "variants": {
            "CSRF check off": {"wall_saved": 0.1, "cpu_saved": 0.05, "cpu": 3.95},
            "rate limiter disabled (limiter.enabled = False)": {
                "wall_saved": 0.8,
                "cpu_saved": 0.7,
                "cpu": 3.3,
            },
            "no INFO log line per signature": {"wall_saved": -0.02, "cpu_saved": -0.01, "cpu": 4},
        },
        "threads_started": 0.0,
    }


def _measured(backend: str, what: str, size: int, rows: int, seconds: float) -> dict[str, Any]:
    return {
        "backend": backend,
        "what": what,
        "size": size,
        "rows": rows,
        "seconds": seconds,
        "cpu": seconds * 0.8,
        "peak_mb": 150.0 + rows / 2000,
        "base_mb": 140.0,
        "problems": [],
    }


def retention() -> list[dict[str, Any]]:
    """bench/retention.py's results: both back ends, one check failed on PostgreSQL."""
    found = [
        _measured(backend, what, size, size + size // 100, seconds * (1.5 if pg else 1))
        for backend, pg in (("sqlite", False), ("postgres", True))
        for size in (10_000, 100_000)
        for what, seconds in (("dry-run", size / 400_000), ("anonymise", size / 20_000))
    ]
    found += [
        _measured("sqlite", "paper", 100_000, 2000, 3.2),
        _measured("sqlite", "updates", 10_000, 10_000, 4.1),
        _measured("postgres", "paper", 100_000, 2000, 4.4),
        _measured("postgres", "updates", 10_000, 10_000, 6.3),
    ]
    found[-2]["problems"] = ["count moved by 1,699, expected 1,700"]
    return found


def full_results() -> dict[str, Any]:
    """A run of every part on both back ends, with a few problems found along the way."""
    timing = {
        "pairs": 500,
        "new_ms": 5.1,
        "known_ms": 5.3,
        "difference_ms": 0.2,
        "known_slower_share": 0.52,
    }
    return {
        "profile_skipped": False,
        "errors": ["postgres: timing: RuntimeError: a sign POST answered 429, not 303"],
        "http_sqlite": {
            "rounds": [
                _round(1.0, etag=True, letters=True),
                _round(1.1, cut_off=3, etag=True, letters=True),
                _round(0.9, etag=True, letters=True),
                _round(1.05, etag=True, letters=True),
                _round(1, etag=True, letters=True),
            ],
            "boots": 2,
        },
        "http_postgres": {
            "rounds": [
                _round(0.7, checks=["sign answered 303: 400, 500: 2"], etag=False),
                _round(0.75, etag=False),
                _round(0.72, etag=False),
            ],
            "boots": 3,
        },
        "timing_sqlite": timing,
        "timing_postgres": None,
        "profiles_sqlite": {
            "sign": _http_profile("/p/free-ales-bialiatski/sign", 1500, 540),
            "/livez (reference)": _http_profile("/livez", 900, 6000),
            "JSON 200": None,
            "badge 200": _http_profile("/badge/free-ales-bialiatski.svg", 0, 10),
        },
        "harness_sqlite": _harness(redis=False),
        "profiles_postgres": {"sign": _http_profile("/p/free-ales-bialiatski/sign", 1200, 400)},
        "harness_postgres": _harness(redis=True),
        "smtp_ceiling": 2345.6,
        "profile_mail": _http_profile("flask outbox send --once", 700, None),
        "mail_sqlite": {
            "drain": 812.3,
            "overall": 640.1,
            "startup": 0.87,
            "runs": [800.0, 812.3, 830.9],
            "checks": [],
        },
        "mail_postgres": {
            "drain": 700.2,
            "overall": 560.0,
            "startup": 0.91,
            "runs": [690.0, 700.2, 710.5],
            "checks": ["mail round 2: queued 1000, worker said 'sent 999', sink received 999"],
        },
        "bundle": {
            100_000: {"seconds": 48.2, "peak_mb": 250.4, "runs": [(48.2, 250.4), (47.9, 251.0)]},
            10_000: {"seconds": 5.1, "peak_mb": 120.0, "runs": [(5.1, 120.0), (5.3, 119.6)]},
        },
        "export": {"seconds": 31.4, "peak_mb": 160.2, "runs": [(31.4, 160.2), (30.9, 158.8)]},
        "recordday_sqlite": record_day(good=True),
        "recordday_postgres": record_day(good=False, checks=True),
        "retention": retention(),
    }


def slow_results() -> dict[str, Any]:
    """SQLite alone, below every target, on a busy machine, without py-spy but with the harness."""
    slow = Round(
        livez=1000.0,
        sign=100.0,
        confirm=150.0,
        counter={"json_200": 500.0, "json_304": 600.0, "badge_200": 550.0, "badge_304": 650.0},
        notes=["sign: 300 × 303, 300 new rows, latency p50 30.0 ms p99 90.0 ms"],
        foreign_cpu=0.4,
        livez_first=1100.0,
        livez_last=900.0,
        pages={"home": 500.0, "case": 450.0, "petition_cached": 60.0, "petition_rendered": 55.0},
        page_cache=NO_CACHE,
    )
    return {
        "profile_skipped": False,
        "errors": [],
        "http_sqlite": {"rounds": [slow], "boots": 2},
        "profiles_sqlite": {},
        "harness_sqlite": _harness(redis=False) | {"confirm": {"confirmed": 0}},
        "bundle": {100_000: {"seconds": 75.0, "peak_mb": 320.0, "runs": [(75.0, 320.0)]}},
        "export": {"seconds": 20.0, "peak_mb": 100.0, "runs": [(20.0, 100.0)]},
        "recordday_sqlite": record_day(good=False),
    }


def empty_results() -> dict[str, Any]:
    """Everything skipped (`--skip http,mail,profile,bundle,export`)."""
    return {"profile_skipped": True, "errors": []}


#: Name of the stored text -> the measurements it is built from, and the options of the run.
CASES: dict[str, tuple[dict[str, Any], argparse.Namespace]] = {
    "full": (full_results(), options()),
    "slow": (slow_results(), options(rounds=1, other_rounds=1, connections=4, duration=2)),
    "empty": (empty_results(), options()),
}
