"""The record day's parts without servers: wrk's percentiles and kinds, forms and mails read back,
the result's figures and checks, the pages' notes, the options that run it alone."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from bench import run
from bench.load import SCRIPTS, Wrk, WrkResult, cookie_header, hidden_fields, parse_wrk_output
from bench.pages import describe_cache, echoes_ref
from bench.record import Latency, RecordDay, errors_of, merge_errors
from bench.servers import confirm_tokens
from bench.settings import LUA, SLUG

#: What wrk prints for feed.lua: its summary, then common.lua's line with the script's kinds.
FEED_STDOUT = """\
Running 8s test @ http://127.0.0.1:40123/livez
  1 threads and 2 connections
BENCH_RESULT {"duration_us": 8000000, "requests": 95, "answered": 95, "sent": 96, \
"errors": {"connect": 0, "read": 0, "write": 0, "status": 1, "timeout": 0}, \
"latency_us": {"p50": 2500, "p90": 9000, "p99": 31250, "max": 40000}, \
"statuses": {"200": 94, "400": 1}, "kinds": {"idle": 43, "confirm": 53}}
"""


def test_the_percentiles_and_the_kinds_are_read() -> None:
    result = parse_wrk_output(FEED_STDOUT)
    assert result is not None
    assert result.kinds == {"idle": 43, "confirm": 53}
    assert Latency.of(result) == Latency(p50=2.5, p99=31.25)
    assert errors_of("confirmers", result) == {"confirmers: 400": 1}


def test_a_line_without_kinds_has_none() -> None:
    line = FEED_STDOUT.replace(', "kinds": {"idle": 43, "confirm": 53}', "")
    result = parse_wrk_output(line)
    assert result is not None
    assert result.kinds == {}


def test_every_script_starts_with_common_lua(tmp_path: Path) -> None:
    wrk = Wrk(tmp_path, duration=3, connections=8, counter_duration=2)
    common = (LUA / "common.lua").read_text()
    assert set(wrk.scripts) == set(SCRIPTS) >= {"fresh", "etag", "feed"}
    for name in SCRIPTS:
        assert wrk.scripts[name].read_text() == common + "\n" + (LUA / f"{name}.lua").read_text()
    command = wrk.command("http://127.0.0.1:1/livez", "feed", ["f"], [], seconds=8, connections=2)
    assert command[:4] == ["wrk", "-t1", "-c2", "-d8s"]


def run_of(statuses: dict[int, int], **errors: int) -> WrkResult:
    latency = {"p50": 1000, "p90": 2000, "p99": 3000, "max": 4000}
    socket = {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0} | errors
    return WrkResult(1.0, statuses, sent=1, answered=1, errors=socket, latency_us=latency)


def test_errors_are_answers_outside_2xx_3xx_and_socket_errors() -> None:
    assert errors_of("signers", run_of({303: 500, 200: 1, 304: 2})) == {}
    found = errors_of("signers", run_of({303: 5, 503: 2, 429: 1}, read=3, status=3))
    # wrk's own "status" error is the 503s and the 429 again: not counted twice.
    assert found == {"signers: 503": 2, "signers: 429": 1, "signers: socket read": 3}
    assert merge_errors([{"a": 1}, {"a": 2, "b": 1}, {}]) == {"a": 3, "b": 1}


def day(**changes: object) -> RecordDay:
    values: dict[str, object] = {
        "seconds": 60.0,
        "livez": 1000.0,
        "alone": {"page": Latency(2.0, 10.0), "json": Latency(1.0, 4.0)},
        "mixed": {"page": Latency(3.0, 25.0), "json": Latency(2.0, 16.0)},
        "readers_per_second": {"page": 100.0, "json": 300.0},
        "stages": {"signed": 6000, "mailed": 6000, "confirmed": 5940, "counted": 6000},
        "errors": {},
        "count": 5940,
        "confirmed_rows": 5940,
    }
    return RecordDay(**(values | changes))  # type: ignore[arg-type]


def test_completed_signatures_are_bounded_by_the_slowest_stage() -> None:
    record = day()
    assert record.rate("signed") == 100.0
    assert record.completed == 99.0  # confirmed: 5,940 in 60 s
    assert record.completed_ratio == pytest.approx(0.099)
    slow_count = day(stages={"signed": 600, "mailed": 600, "confirmed": 600, "counted": 120})
    assert slow_count.completed == 2.0
    assert day(livez=0.0).completed_ratio == 0.0
    assert day(seconds=0.0).completed == 0.0


def test_the_worst_reader_is_the_one_whose_p99_grew_most() -> None:
    record = day()
    assert record.p99_factor("page") == 2.5
    assert record.p99_factor("json") == 4.0
    assert record.worst_reader == "json"
    assert day(alone={"page": Latency(1.0, 0.0), "json": Latency(1, 4)}).worst_reader == "page"


def test_the_count_is_exact_or_not_and_errors_add_up() -> None:
    assert day().exact
    assert not day(count=5941).exact
    assert day(errors={"a: 500": 2, "b: socket read": 3}).error_total == 5


def test_hidden_inputs_of_the_form_are_read_back() -> None:
    page = f"""<form method="get" action="/search"><input type="hidden" name="q" value="x"></form>
    <form method="post" action="/p/{SLUG}/sign" novalidate>
      <input id="csrf_token" name="csrf_token" type="hidden" value="Ij+/=">
      <input id="source" name="source" type="hidden" value="">
      <input type="text" name="full_name" value="not sent">
    </form>"""
    assert hidden_fields(page, f"/p/{SLUG}/sign", f"/p/{SLUG}") == "csrf_token=Ij%2B%2F%3D&source="
    ticket = f'<form method="POST" action="/p/{SLUG}/sign"><input type="hidden" name="ticket" '
    ticket += 'value="t.1"><input type="hidden" name="source" value="rd1"></form>'
    assert hidden_fields(ticket, f"/p/{SLUG}/sign", "/") == "ticket=t.1&source=rd1"
    assert echoes_ref(ticket, "rd1")
    assert not echoes_ref(ticket, "rd2")
    # A form without an action posts to its own page (the confirm button).
    button = '<form method="post"><input type="hidden" name="csrf_token" value="a"></form>'
    assert hidden_fields(button, "/confirm/abc", "/confirm/abc") == "csrf_token=a"
    assert hidden_fields(button, f"/p/{SLUG}/sign", "/confirm/abc") is None


def test_the_cookies_a_page_set_are_sent_back() -> None:
    assert cookie_header([]) == ""
    set_cookies = ["session=abc.def; HttpOnly; Path=/; SameSite=Lax", "lang=be; Path=/"]
    assert cookie_header(set_cookies) == "session=abc.def; lang=be"


def test_confirm_links_are_read_from_the_mails_text() -> None:
    mail = EmailMessage()
    mail["To"] = "bench-rd1-1-1@example.org"
    link = "http://127.0.0.1:5000/confirm/eyJzIjoxMjN9.Z3x_Ab-c" + "x" * 80
    mail.set_content(f"Please confirm:\n{link}\n\nWithdraw: http://127.0.0.1/withdraw/zz\n")
    mail.add_alternative(f'<p><a href="{link}">Confirm</a></p>', subtype="html")
    raw = mail.as_bytes()
    assert link.encode() not in raw  # the long line went out encoded: decoded to be found
    assert confirm_tokens(raw) == [link.rsplit("/", 1)[1]]


def test_the_page_cache_note_says_what_was_measured() -> None:
    cached = {"cache-control": "public, max-age=5", "etag": '"p1"', "vary": "Accept-Language"}
    assert describe_cache(cached, echoed=True) == (
        'cache-control `public, max-age=5`, etag `"p1"`, vary `Accept-Language`; sets no '
        "cookie; a fresh `?ref=` came back in the form (rendered for that URL)"
    )
    assert describe_cache({"set-cookie": "session=x"}, echoed=False) == (
        "no Cache-Control, ETag or Vary; sets a cookie; a fresh `?ref=` did not come back in "
        "the form: the 'rendered' figure may be cached"
    )


def test_only_runs_the_parts_it_names() -> None:
    assert run.parts_to_skip("", "") == set()
    assert run.parts_to_skip("profile, bundle", "") == {"profile", "bundle"}
    assert run.parts_to_skip("", "recordday") == set(run.PARTS) - {"recordday"}
    # --only wins over --skip, and so over the skips of --quick.
    assert run.parts_to_skip("profile,bundle", "profile") == set(run.PARTS) - {"profile"}
    with pytest.raises(SystemExit, match="'pages'"):
        run.parts_to_skip("pages", "")


def test_the_record_day_lasts_a_minute_and_quick_makes_it_short() -> None:
    default = run.parse_args([])
    assert (default.record_seconds, default.record_alone) == (60, 10)
    quick = run.parse_args(["--quick"])
    assert quick.record_seconds < 15
    assert quick.record_alone < quick.record_seconds
