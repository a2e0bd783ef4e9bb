"""A round's checks hold the database against wrk's answers, cut-off requests included.

The two helpers below call the check as bench/rounds.py does for its sign and confirm runs.
"""

from __future__ import annotations

from bench.load import WrkResult
from bench.rounds import check_answers, sign_note


def check_sign(sign: WrkResult, rows: int) -> list[str]:
    return check_answers(sign, "sign", 303, rows, "new rows")


def check_confirm(confirm: WrkResult, confirmed: int) -> list[str]:
    return check_answers(
        confirm, "confirm", 200, confirmed, "confirmed rows", " (400: tokens ran out)"
    )


def run(statuses: dict[int, int], sent: int) -> WrkResult:
    answered = sum(statuses.values())
    latency = {"p50": 12345, "p90": 20000, "p99": 45678, "max": 90000}
    return WrkResult(3.0, statuses, sent=sent, answered=answered, errors={}, latency_us=latency)


def test_rows_that_match_the_303s_and_the_cut_off_requests_pass() -> None:
    assert check_sign(run({303: 600}, sent=603), rows=603) == []


def test_a_missing_row_is_a_problem() -> None:
    assert check_sign(run({303: 600}, sent=600), rows=599) == [
        "sign: 599 new rows but 600 answers 303 (+0 cut off by wrk)"
    ]


def test_other_answers_than_303_are_a_problem() -> None:
    assert check_sign(run({303: 10, 429: 2}, sent=12), rows=10) == ["sign answered 303: 10, 429: 2"]


def test_the_sign_note_names_the_cut_off_requests_only_when_there_are_some() -> None:
    assert sign_note(run({303: 600}, sent=600), 600) == (
        "sign: 600 × 303, 600 new rows, latency p50 12.3 ms p99 45.7 ms"
    )
    assert sign_note(run({303: 600}, sent=602), 602) == (
        "sign: 600 × 303, 602 new rows (2 requests cut off by wrk's stop, processed), "
        "latency p50 12.3 ms p99 45.7 ms"
    )


def test_confirm_checks() -> None:
    assert check_confirm(run({200: 900}, sent=901), confirmed=901) == []
    assert check_confirm(run({200: 900, 400: 5}, sent=905), confirmed=900) == [
        "confirm answered 200: 900, 400: 5 (400: tokens ran out)"
    ]
    assert check_confirm(run({200: 900}, sent=900), confirmed=899) == [
        "confirm: 899 confirmed rows but 900 answers 200 (+0 cut off by wrk)"
    ]
