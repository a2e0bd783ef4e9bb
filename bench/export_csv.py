"""Benchmark: the organizer's CSV export of 100,000 and 1,000,000 confirmed signatures.

Each size runs in a fresh subprocess that logs in as an organizer and downloads
/organizer/petitions/<slug>/signatures.csv through the real app (streamed response, chunks
counted and dropped), so its peak RSS is the export's own. What matters is the ratio of peak
memory between the sizes: a streamed export stays flat while the row count grows tenfold.

Run: .venv/bin/python bench/export_csv.py [--sizes 100000,1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark password"  # noqa: S105 - of a throwaway organizer in a throwaway file


def _flask(env: dict[str, str], *arguments: str, input_text: str | None = None) -> None:
    """Run one `flask --app wsgi …` command of this project's own to its end."""
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
    subprocess.run(  # noqa: S603 - a fixed command of this project, no outside input
        [*flask, *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        input=input_text,
        text=True,
    )


def build_database(path: Path, rows: int) -> None:
    """Migrate a fresh SQLite file and fill it with one petition and `rows` confirmed signatures."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench"}
    _flask(env, "db", "upgrade")
    _flask(env, "demo-data")
    _flask(env, "organizer", "create", "bench@example.org", "--admin", input_text=PASSWORD + "\n")
    start = dt.datetime(2026, 1, 1)
    names = ["Алесь Бяляцкі", "Christie Miedema", "Σωκράτης", "=1+1", "Jan de Vries"]
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO signatures (petition_id, state, full_name, email, email_normalized,"
            " country, city, comment, show_name_publicly, may_contact, locale, mails_sent,"
            " created_at, confirmed_at) VALUES (1, 'confirmed', ?, ?, ?, ?, ?, ?, 0, 0, 'en', 1,"
            " ?, ?)",
            (
                (
                    f"{names[n % len(names)]} {n}",
                    f"signer{n}@example.org",
                    f"signer{n}@example.org",
                    ("NL", "BY", "DE", "GR")[n % 4],
                    "Den Haag",
                    "Free him now!" if n % 3 == 0 else None,
                    (start + dt.timedelta(seconds=n)).isoformat(" "),
                    (start + dt.timedelta(seconds=n)).isoformat(" "),
                )
                for n in range(rows)
            ),
        )
        connection.execute("UPDATE petitions SET signature_count = ?", (rows,))


def export_once(database: Path) -> None:
    """Child process: download the CSV through the app and print seconds, rows and bytes."""
    os.environ.update({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench"})
    sys.path.insert(0, str(ROOT))
    from petitions import create_app

    app = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/organizer/login", data={"email": "bench@example.org", "password": PASSWORD})
    started = time.perf_counter()
    response = client.get(
        "/organizer/petitions/free-ales-bialiatski/signatures.csv", buffered=False
    )
    size = lines = 0
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
    response.close()
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "lines": lines, "bytes": size, "peak_mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        export_once(Path(args.child))
        return
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for rows in (int(size) for size in args.sizes.split(",")):
            database = Path(folder) / f"export-{rows}.sqlite"
            build_database(database, rows)
            child = subprocess.run(  # noqa: S603 - this script itself, as its own child
                [sys.executable, __file__, "--child", str(database)],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            measured = json.loads(child.stdout.strip().splitlines()[-1])
            assert measured["lines"] == rows + 1, measured
            results.append((rows, measured))
    print(f"{'rows':>10} {'seconds':>8} {'rows/s':>9} {'peak MB':>8} {'CSV MB':>7}")
    for rows, measured in results:
        print(
            f"{rows:>10,} {measured['seconds']:>8.1f} {rows / measured['seconds']:>9,.0f}"
            f" {measured['peak_mb']:>8.0f} {measured['bytes'] / 1e6:>7.1f}"
        )
    if len(results) > 1:
        ratio = results[-1][1]["peak_mb"] / results[0][1]["peak_mb"]
        growth = results[-1][0] / results[0][0]
        print(f"peak memory ratio {ratio:.2f} for {growth:.0f}x the rows")


if __name__ == "__main__":
    main()
