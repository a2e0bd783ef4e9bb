"""The result rows of bench/bundle_pdf.py and bench/export_csv.py, and the mail round's check."""

from __future__ import annotations

from bench.delivery import bundle_rows, export_rows, mail_problem, medians

BUNDLE_STDOUT = """\
    rows  seconds  peak MB  fonts MB  pages  file MB
  10,000      5.1      120        80    312      4.2
 100,000     48.2      250        80  3,120     41.9
peak memory 100,000/10,000 rows: 2.08x (+130 MB for +37.7 MB of PDF; 3.4 MB per MB of output)
rows per second at 100,000: 2,075
'fonts MB': peak after importing the app and loading the fonts, before rendering.
"""

EXPORT_STDOUT = """\
      rows  seconds    rows/s  peak MB  CSV MB
 1,000,000     31.4    31,847      160   123.4
"""


def test_bundle_rows() -> None:
    assert bundle_rows(BUNDLE_STDOUT) == [(10_000, 5.1, 120.0), (100_000, 48.2, 250.0)]


def test_export_rows() -> None:
    assert export_rows(EXPORT_STDOUT) == [(31.4, 160.0)]
    assert export_rows(BUNDLE_STDOUT) == []


def test_medians() -> None:
    runs = [(3.0, 100.0), (1.0, 300.0), (2.0, 200.0)]
    assert medians(runs) == {"seconds": 2.0, "peak_mb": 200.0, "runs": runs}


def test_a_mail_round_passes_when_worker_and_sink_agree() -> None:
    assert mail_problem(0, 1000, "sent 1000, retrying 0, failed 0\n", 1000) is None


def test_a_mail_round_fails_when_the_sink_or_the_worker_disagrees() -> None:
    assert mail_problem(1, 1000, "sent 1000, retrying 0, failed 0\n", 999) == (
        "mail round 2: queued 1000, worker said 'sent 1000, retrying 0, failed 0', "
        "sink received 999"
    )
    assert mail_problem(0, 10, "sent 9, retrying 1, failed 0", 10) is not None
    assert mail_problem(0, 10, "", 10) is not None
