"""The small parts of a run: CPU shares, statement labels, options, the phases' helpers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import phases, run
from bench.cpu import descendants, foreign_share
from bench.harness import Counts, parse_harness_output, statement_label
from bench.rounds import Round
from bench.servers import Backend, SmtpSink, pdeathsig, run_child
from bench.settings import RAISED_LIMITS, RESULTS


def test_descendants_follow_the_tree() -> None:
    assert descendants({2: 1, 3: 2, 4: 9, 5: 3, 9: 0}, 1) == {1, 2, 3, 5}


def test_foreign_share() -> None:
    # 2 CPUs for 1 s at 100 ticks/s: 200 ticks of capacity; 200 busy, 50 of them ours.
    assert foreign_share((0.0, 100, 10), (1.0, 300, 60), ticks=100, cpus=2) == 0.75
    assert foreign_share((0.0, 100, 10), (1.0, 100, 60), ticks=100, cpus=2) == 0.0
    assert foreign_share((1.0, 100, 10), (1.0, 900, 10), ticks=100, cpus=2) == 0.0


@pytest.mark.parametrize(
    ("statement", "label"),
    [
        ("SELECT petitions.id \n FROM petitions WHERE slug = ?", "SELECT … FROM petitions"),
        ("select 1", "SELECT … FROM ?"),
        ("INSERT INTO signatures (a) VALUES (?)", "INSERT INTO signatures"),
        ("UPDATE outbox SET status = ?", "UPDATE outbox"),
        ("SAVEPOINT sa_savepoint_1", "SAVEPOINT sa_savepoint_1"),
    ],
)
def test_statement_labels(statement: str, label: str) -> None:
    assert statement_label(statement) == label


def test_counts_per_sign() -> None:
    counts = Counts()
    counts.statements.update({"INSERT INTO signatures": 4, "SELECT … FROM petitions": 2})
    counts.commits = 2
    counts.redis_commands["EVALSHA"] = 6
    assert counts.per(2) == {
        "statements": {"INSERT INTO signatures": 2.0, "SELECT … FROM petitions": 1.0},
        "commits": 1.0,
        "store_calls": {},
        "redis_commands": {"EVALSHA": 3.0},
    }
    counts.clear()
    assert counts.per(1)["statements"] == {}


def test_the_harness_line_is_read_back() -> None:
    assert parse_harness_output('noise\nHARNESS {"per_sign_ms": 4.5}\n') == {"per_sign_ms": 4.5}
    assert parse_harness_output("Traceback …\n") is None


def test_the_app_under_load_runs_in_production_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("WEB_CONCURRENCY", "9")
    backend = Backend("sqlite", "sqlite:///x.sqlite", {"CACHE_TYPE": "SimpleCache"}, SmtpSink())
    env = backend.app_env(8123)
    assert "FLASK_DEBUG" not in env
    assert "WEB_CONCURRENCY" not in env
    assert env["PETITIONS_ENV"] == "production"
    assert env["BASE_URL"] == "http://127.0.0.1:8123"
    assert env["MAIL_URL"] == backend.sink.url
    assert env["CACHE_TYPE"] == "SimpleCache"
    assert env["SIGN_RATE_LIMIT"] == RAISED_LIMITS["SIGN_RATE_LIMIT"]
    assert backend.label == "SQLite"


def test_children_die_with_the_runner() -> None:
    command = pdeathsig(["true"])
    assert command[-1] == "true"
    assert command == ["true"] or command[1:4] == ["--pdeathsig", "TERM", "--"]


def test_a_failing_child_raises_with_its_exit_code() -> None:
    done = run_child([sys.executable, "-c", "print('hello')"], timeout=30)
    assert done.stdout == "hello\n"
    with pytest.raises(RuntimeError, match="exited with 3"):
        run_child([sys.executable, "-c", "raise SystemExit(3)"], timeout=30)
    failed = run_child([sys.executable, "-c", "raise SystemExit(3)"], timeout=30, check=False)
    assert failed.returncode == 3


def test_the_round_summary() -> None:
    r = Round(livez=1000, sign=250, confirm=300, foreign_cpu=0.1, checks=["x"])
    r.counter = {"json_200": 800, "json_304": 900, "badge_200": 700, "badge_304": 950}
    assert phases.round_summary("sqlite", r) == (
        "sqlite: livez 1,000/s, sign 250/s (25%), confirm 300/s, JSON 800/900, badge 700/950; "
        "other processes 10% of the CPU; problems: ['x']"
    )


def test_unknown_back_ends_are_refused() -> None:
    assert phases.backend_names(" sqlite, postgres,") == ["sqlite", "postgres"]
    with pytest.raises(SystemExit, match="mysql"):
        phases.backend_names("sqlite,mysql")


def test_raw_stacks_are_kept_and_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = tmp_path / "kept"
    monkeypatch.setattr(phases, "KEPT_STACKS", kept)
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "pyspy-sqlite-sign.txt").write_text("a;b 1\n")
    report = phases.keep_stacks(folder, f"Raw stacks: `{folder / 'pyspy-sqlite-sign.txt'}`.")
    assert report == f"Raw stacks: `{kept / 'pyspy-sqlite-sign.txt'}`."
    assert (kept / "pyspy-sqlite-sign.txt").read_text() == "a;b 1\n"


def test_options() -> None:
    default = run.parse_args([])
    assert (default.rounds, default.backends, default.output) == (5, "sqlite,postgres", RESULTS)
    quick = run.parse_args(["--quick", "--rounds", "2"])
    assert (quick.rounds, quick.duration, quick.backends) == (2, 1, "sqlite")
    assert quick.output != RESULTS  # a smoke run never overwrites bench/results.md
    assert set(quick.skip.split(",")) == {"profile", "bundle", "export", "retention"}
    assert "retention" in run.parts_to_skip("", "http")
    assert run.parts_to_skip("", "retention") == set(run.PARTS) - {"retention"}
