"""The report builder gives, for fixed measurements, the text bench/run.py gave before its split."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bench import report
from bench.rounds import Round
from tests.bench import measurements

EXPECTED = Path(__file__).parent / "expected"


def build(name: str) -> str:
    results, args = measurements.CASES[name]
    return report.build_report(
        results, args, measurements.ELAPSED, when=measurements.WHEN, cores=measurements.CORES
    )


@pytest.mark.parametrize("name", sorted(measurements.CASES))
def test_report_text_is_unchanged(name: str) -> None:
    assert build(name) == (EXPECTED / f"{name}.md").read_text()


def test_a_changed_figure_changes_the_report() -> None:
    results, args = measurements.CASES["slow"]
    rounds = results["http_sqlite"]["rounds"]
    faster = {
        **results,
        "http_sqlite": {"rounds": [dataclasses.replace(rounds[0], sign=300.0)], "boots": 2},
    }
    text = report.build_report(faster, args, measurements.ELAPSED, when="x", cores=2)
    assert "| 1 | sign (303/s) | SQLite | 300/s | 1,000/s | 30 % | ≥ 25 % | PASS |" in text


def test_median_ratio_takes_the_median_of_the_per_round_ratios() -> None:
    rounds = [
        Round(livez=1000.0, sign=100.0),
        Round(livez=500.0, sign=100.0),
        Round(livez=100.0, sign=90.0),
        Round(livez=0.0, sign=50.0),  # no baseline: left out
    ]
    assert report.median_ratio(rounds, lambda r: r.sign) == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("shares", "ending"),
    [([0.01, 0.05], "CPU during the HTTP rounds."), ([0.0, 0.06], "compare ratios).")],
)
def test_a_busy_machine_is_named(shares: list[float], ending: str) -> None:
    assert report.foreign_note(shares).endswith(ending)


def test_the_bundle_target_applies_to_100000_signatures_only() -> None:
    slow = {"seconds": 90.0, "peak_mb": 400.0}
    assert report.bundle_row(10_000, slow).endswith("| – | – |")
    assert report.bundle_row(100_000, slow).endswith("| < 60 s, < 300 MB | FAIL |")
