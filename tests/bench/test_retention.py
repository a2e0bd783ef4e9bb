"""bench/retention.py checks its own results; its figures are read back and reported (no timing
is asserted here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from bench import delivery, report_retention
from bench.retention_data import SHEET_ROWS, sheet_csv
from tests.bench import measurements

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "retention.py"
BACKEND = os.environ.get("PETITIONS_TEST_BACKEND", "sqlite")


def _script(*arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(  # noqa: S603 - this project's own script
        [sys.executable, str(SCRIPT), *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_sheet_plants_the_twins_it_counts(app: Flask) -> None:
    from petitions.paper.importing import read_sheet

    raw, matched, doubtful = sheet_csv(100_000)
    assert (matched, doubtful) == (300, 100)
    with app.test_request_context():
        found = read_sheet(raw, "NL")
    assert found.problems == []
    assert len(found.signers) == SHEET_ROWS
    assert sum(s.email is not None for s in found.signers) == 100


def test_a_small_run_passes_its_own_checks() -> None:
    done = _script(
        "--sizes", "300", "--backends", BACKEND, "--paper-online", "4000", "--updates", "120",
        "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert [(r["what"], r["size"], r["rows"]) for r in results] == [
        ("dry-run", 300, 303),
        ("anonymise", 300, 303),
        ("paper", 4000, SHEET_ROWS),
        ("updates", 120, 120),
    ]
    assert all(r["problems"] == [] for r in results)
    assert all(r["peak_mb"] >= r["base_mb"] > 0 for r in results)
    assert "anonymise" in done.stdout.splitlines()[2]


def test_a_petition_not_due_fails_the_checks(tmp_path: Path) -> None:
    """The checks can fail: an open petition is not anonymised, and the child says so."""
    url = f"sqlite:///{tmp_path / 'open.sqlite'}"
    built = subprocess.run(  # noqa: S603 - this project's own code
        [sys.executable, "-c", f"from bench.retention_data import build; build({url!r}, 50, 5)"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    done = _script("--child", "retention", url, "50", "5", "0")
    assert done.returncode == 0, done.stderr[-3000:]
    problems = json.loads(done.stdout.strip().splitlines()[-1])["problems"]
    assert any("anonymised-signers counted" in p for p in problems)
    assert any("still have a name" in p for p in problems)


def _printed(stdout: str) -> Any:
    return lambda command, **options: subprocess.CompletedProcess(command, 1, stdout, "boom")


def test_the_runner_reads_the_results_back(monkeypatch: pytest.MonkeyPatch) -> None:
    results = measurements.retention()
    monkeypatch.setattr(delivery, "run_child", _printed("table\n" + json.dumps(results) + "\n"))
    assert delivery.retention_runs("sqlite,postgres") == results
    monkeypatch.setattr(delivery, "run_child", _printed("Traceback …\n"))
    with pytest.raises(RuntimeError, match="printed no results"):
        delivery.retention_runs("sqlite")


def test_the_report_names_each_failed_check() -> None:
    results = {"retention": measurements.retention()}
    assert report_retention.problems(results) == [
        "PostgreSQL: paper of 100,000: count moved by 1,699, expected 1,700"
    ]
    rows = report_retention.table_rows(results)
    assert len(rows) == 12
    assert rows[10].endswith("| FAIL |")
    assert report_retention.section({}) == report_retention.table_rows({}) == []
