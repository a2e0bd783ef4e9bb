"""The letters of a round (bench/letters.py): the demo case's letters, and the letter POST as wrk
sends it, read back through the app as a supporter sees them."""

from __future__ import annotations

import urllib.parse

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bench.letters import (
    APPROVED,
    LETTER,
    LETTER_ROWS,
    PRINTED,
    LetterRuns,
    letter_fields,
    letter_note,
    seed,
)
from bench.load import WrkResult, hidden_fields
from bench.rounds import check_answers
from bench.servers import Backend, SmtpSink
from petitions.extensions import db
from petitions.letters.models import Letter, LetterState
from tests.factories import demo_campaign
from tests.helpers import one, parse, words


def seeded(app: Flask) -> tuple[Backend, LetterRuns, str]:
    demo_campaign()
    backend = Backend("sqlite", app.config["SQLALCHEMY_DATABASE_URI"], {}, SmtpSink(), app=app)
    fingerprint = seed(backend)
    return backend, LetterRuns.of(backend), fingerprint


def test_the_demo_case_takes_letters_with_ready_texts(app: Flask, client: FlaskClient) -> None:
    _, runs, fingerprint = seeded(app)
    assert (runs.slug, runs.fingerprint) == ("ales-bialiatski", fingerprint)
    page = parse(client.get(f"/cases/{runs.slug}/write"))
    assert words(one(page, "h1")) == "Write to Ales Bialiatski"
    birthday = words(one(page, "[data-testid=occasion-birthday]"))
    assert f"{APPROVED // 2} birthday wishes for Ales Bialiatski" in birthday
    assert "Christmas" in words(one(page, "[data-testid=holiday-name]"))
    assert len(page.select("[data-testid^=ready-]")) == 3
    assert page.select_one("form#letter") is not None


def test_the_wall_and_the_verify_page_show_the_approved_and_printed_letters(
    app: Flask, client: FlaskClient
) -> None:
    _, runs, fingerprint = seeded(app)
    wall = parse(client.get(f"/cases/{runs.slug}/wall"))
    assert words(one(wall, "[data-testid=wall-count]")).startswith(f"{APPROVED} letters")
    assert len(one(wall, "[data-testid=wall]").find_all("li")) == APPROVED
    verify = client.get(f"/letter-batches/{fingerprint}")
    assert verify.status_code == 200
    assert words(one(parse(verify), "[data-testid=batch-count]")) == str(PRINTED)
    printed = db.session.execute(
        select(func.count()).select_from(Letter).where(Letter.state == LetterState.PRINTED)
    ).scalar_one()
    assert printed == PRINTED


def test_the_letter_post_as_wrk_sends_it_is_one_new_letter(app: Flask, client: FlaskClient) -> None:
    _, runs, _ = seeded(app)
    path = f"/cases/{runs.slug}/write"
    hidden = hidden_fields(client.get(path).get_data(as_text=True), path, path)
    assert hidden is not None
    # What bench/lua/letter.lua sends: the page's hidden inputs, the letter, an address.
    body = f"{hidden}&{letter_fields()}&email=letter-x-1-1%40example.org"
    answer = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"{path}/check-your-inbox")
    [written] = db.session.execute(
        select(Letter).where(Letter.email == "letter-x-1-1@example.org")
    ).scalars()
    assert (written.state, written.language, written.number) == (
        LetterState.PENDING,
        "ru",
        APPROVED + 1,
    )


def test_the_letter_fields_leave_the_address_to_each_request() -> None:
    fields = dict(urllib.parse.parse_qsl(letter_fields()))
    assert fields == LETTER
    assert "email" not in fields


def test_every_303_must_be_one_new_letter_row() -> None:
    latency = {"p50": 95100, "p90": 200000, "p99": 310000, "max": 400000}
    run = WrkResult(3.0, {303: 240}, sent=242, answered=240, errors={}, latency_us=latency)
    assert check_answers(run, "letter", 303, 242, "new letter rows") == []
    assert check_answers(run, "letter", 303, 241, "new letter rows") == [
        "letter: 241 new letter rows but 240 answers 303 (+2 cut off by wrk)"
    ]
    assert letter_note(run, 242) == (
        "letter: 240 × 303, 242 new letter rows (2 requests cut off by wrk's stop, processed), "
        "latency p50 95.1 ms p99 310.0 ms"
    )
    assert [key for key, _ in LETTER_ROWS] == ["write", "wall", "letter", "verify"]
