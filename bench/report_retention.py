"""The report's text of the retention run, the paper import and updates (issue #16,
bench/retention.py): rows 10 of the table and a section of each measurement.

Functions of the measurements alone, as the rest of bench/report.py. Issue #16 set no targets:
each row gives seconds, rows per second and peak memory, with no verdict. A run without these
figures (older stored results) gets none of these lines.
"""

from __future__ import annotations

from typing import Any

Lines = list[str]

LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}

#: What each measurement is, as the table names it.
WHAT = {
    "dry-run": "retention `--dry-run`, closed petition of {size:,} signatures",
    "anonymise": "retention run, closed petition of {size:,} signatures",
    "paper": "paper CSV import of 2,000 rows, {size:,} online signatures",
    "updates": "update queued to {size:,} consenting signers (all batches)",
}


def _measured(results: dict[str, Any]) -> list[dict[str, Any]]:
    return list(results.get("retention") or [])


def _rate(r: dict[str, Any]) -> str:
    return f"{r['rows'] / max(r['seconds'], 1e-6):,.0f} rows/s"


def table_rows(results: dict[str, Any]) -> Lines:
    """Row 10: each measurement on each back end."""
    return [
        f"| 10 | {WHAT[r['what']].format(size=r['size'])} | {LABELS[r['backend']]} "
        f"| {r['seconds']:.2f} s, {_rate(r)}, peak {r['peak_mb']:.0f} MB | – | – | – "
        f"| {'checked' if not r['problems'] else 'FAIL'} |"
        for r in _measured(results)
    ]


def problems(results: dict[str, Any]) -> Lines:
    """Every check of bench/retention.py that failed."""
    return [
        f"{LABELS[r['backend']]}: {r['what']} of {r['size']:,}: {problem}"
        for r in _measured(results)
        for problem in r["problems"]
    ]


def section(results: dict[str, Any]) -> Lines:
    measured = _measured(results)
    if not measured:
        return []
    return [
        "## Retention, paper sheets and updates (`bench/retention.py`)",
        "",
        "Each measurement in a fresh process on a database filled beforehand: wall time of the "
        "call alone, its CPU time, the process's peak RSS and its peak before the call (the "
        "interpreter and the app). Retention: a closed petition delivered long ago, its "
        "confirmed signatures and a hundredth as many unconfirmed ones past their retention "
        "period (rows: both); the dry run first, then the run on the same database; checked "
        "that the dry run writes nothing and that afterwards no signature has a name, address, "
        "city or comment left and the confirmed count is unchanged. Paper: `read_sheet` and "
        "`enter_sheet` of a 2,000-row CSV with 300 twins planted (name and city, or email) and "
        "100 doubtful pairs; checked that the count moved by exactly the 1,700 rows not "
        "matched. Updates: `queue_due` called until the update is sent (the clock moved past "
        "each batch's pacing); checked that one message per consenting signer was queued.",
        "",
        "| back end | what | rows | seconds | rows/s | CPU s | peak MB | before MB | checks |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        *(
            f"| {LABELS[r['backend']]} | {WHAT[r['what']].format(size=r['size'])} "
            f"| {r['rows']:,} | {r['seconds']:.2f} | {_rate(r).removesuffix(' rows/s')} "
            f"| {r['cpu']:.1f} | {r['peak_mb']:.0f} | {r['base_mb']:.0f} "
            f"| {'; '.join(r['problems']) or 'passed'} |"
            for r in measured
        ),
        "",
    ]
