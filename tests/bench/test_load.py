"""wrk's result line is read as bench/lua/common.lua writes it, and load goes to loopback only."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load import Wrk, WrkResult, parse_wrk_output
from bench.settings import LUA

#: What wrk prints with bench/lua/common.lua: its own summary, then the BENCH_RESULT line.
WRK_STDOUT = """\
Running 3s test @ http://127.0.0.1:40123/p/free-ales-bialiatski/sign
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.31ms    4.20ms  80.00ms   90.00%
  612 requests in 3.00s, 1.10MB read
BENCH_RESULT {"duration_us": 3000000, "requests": 612, "answered": 612, "sent": 615, \
"errors": {"connect": 0, "read": 2, "write": 0, "status": 0, "timeout": 0}, \
"latency_us": {"p50": 12300, "p90": 20000, "p99": 45600, "max": 80000}, \
"statuses": {"303": 600, "429": 12}}
"""


def test_the_result_line_is_parsed() -> None:
    result = parse_wrk_output(WRK_STDOUT)
    assert result == WrkResult(
        seconds=3.0,
        statuses={303: 600, 429: 12},
        sent=615,
        answered=612,
        errors={"connect": 0, "read": 2, "write": 0, "status": 0, "timeout": 0},
        latency_us={"p50": 12300, "p90": 20000, "p99": 45600, "max": 80000},
    )
    assert result.per_second(303) == 200.0
    assert result.per_second(303, 429) == 204.0
    assert result.unanswered == 3
    assert result.status_text() == "303: 600, 429: 12"
    assert result.error_note("sign") == "sign: wrk socket errors {'read': 2}"


def test_no_result_line_is_none() -> None:
    assert parse_wrk_output("unable to connect to 127.0.0.1:1 Connection refused\n") is None


def test_a_quiet_run_has_no_error_note_and_no_statuses() -> None:
    result = WrkResult(1.0, {}, sent=0, answered=5, errors={"read": 0}, latency_us={})
    assert result.error_note("livez") is None
    assert result.status_text() == "none"
    assert result.unanswered == 0


def test_each_script_is_common_lua_then_its_own(tmp_path: Path) -> None:
    wrk = Wrk(tmp_path, duration=3, connections=8, counter_duration=2)
    common = (LUA / "common.lua").read_text()
    for name in ("get", "sign", "confirm"):
        text = wrk.scripts[name].read_text()
        assert text == common + "\n" + (LUA / f"{name}.lua").read_text()
    command = wrk.command(
        "http://127.0.0.1:5000/x", "sign", ["a", "b"], ["If-None-Match: 1"], seconds=2
    )
    assert command == [
        "wrk",
        "-t1",
        "-c8",
        "-d2s",
        "--timeout",
        "10s",
        "-H",
        "If-None-Match: 1",
        "-s",
        str(tmp_path / "sign.lua"),
        "http://127.0.0.1:5000/x",
        "--",
        "a",
        "b",
    ]


@pytest.mark.parametrize(
    "url", ["http://example.org/", "http://localhost:5000/", "https://127.0.0.1:1/"]
)
def test_load_goes_to_loopback_only(tmp_path: Path, url: str) -> None:
    wrk = Wrk(tmp_path, duration=3, connections=8, counter_duration=2)
    with pytest.raises(ValueError, match="127.0.0.1 only"):
        wrk.command(url, "get", [], [], seconds=1)
