"""What every part of the benchmarks shares: paths, the demo petition, the raised limits, targets.

Kept apart from the modules that start processes, so the report and its tests import these
without starting or importing anything else.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
LUA = BENCH / "lua"
RESULTS = BENCH / "results.md"
BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-not-for-production"  # noqa: S105 - a throwaway test key
SLUG = "free-ales-bialiatski"  # the demo petition (`flask demo-data`)
BACKENDS = ("sqlite", "postgres")

#: High enough that no limit refuses the load; the limiter is still consulted on every request.
RAISED_LIMITS = {
    "SIGN_RATE_LIMIT": "10000000 per minute",
    # Every benchmark signer comes from 127.0.0.1 with a domain of its own: no quarantine.
    "QUARANTINE_CLIENT_BURST": "10000000 per minute",
    "QUARANTINE_CLIENT_SUSTAINED": "10000000 per minute",
    "QUARANTINE_DOMAIN_LIMIT": "10000000 per minute",
    "QUARANTINE_COUNTRY_LIMIT": "10000000 per minute",
    "LINK_RATE_LIMIT": "10000000 per minute",
    "MAIL_PER_ADDRESS_LIMIT": "1000 per hour; 10000 per day",
}

#: Ratios to /livez of the same server in the same round, unless named otherwise (issue #12).
TARGETS = {
    "sign_sqlite": 0.25,
    "sign_postgres": 0.25,
    "confirm": 0.20,
    "counter": 0.80,
    "petition_cached": 0.80,
    "petition_rendered": 0.40,
    "case": 0.60,
    "home": 0.60,
    "completed": 0.10,  # record day: completed signatures per second
    "p99_factor": 3.0,  # record day: readers' p99 under the mix at most this many times alone
    "pdf_seconds": 60.0,
    "pdf_peak_mb": 300.0,
    "csv_peak_mb": 150.0,
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
