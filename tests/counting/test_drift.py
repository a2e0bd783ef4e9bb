"""The nightly count check: every petition recounted from its rows, drift reported, and a
failing job of the worker never stops the mail."""

from __future__ import annotations

import logging
import threading

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import update

from petitions.extensions import db
from petitions.mail import worker
from petitions.signing.models import Signature, SignatureState
from tests.conftest import Supporter
from tests.factories import confirmed_signature, open_petition, pending_signature
from tests.servers import SmtpServer


def test_counts_that_match_their_rows_pass(runner: FlaskCliRunner) -> None:
    petition = open_petition()
    confirmed_signature(petition)
    pending_signature(petition)

    result = runner.invoke(args=["counts", "check"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Every count equals its confirmed signatures."


def test_a_count_written_around_is_reported_and_not_fixed(runner: FlaskCliRunner) -> None:
    petition, fine = open_petition(), open_petition()
    confirmed_signature(petition)
    confirmed_signature(fine)
    pending = pending_signature(petition)
    # A hand-made fix that confirms a row without counting it.
    db.session.execute(
        update(Signature)
        .where(Signature.id == pending.id)
        .values(state=SignatureState.CONFIRMED, confirmed_at=pending.created_at)
    )
    db.session.commit()

    result = runner.invoke(args=["counts", "check"])
    again = runner.invoke(args=["counts", "check"])

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{petition.slug}: counted 1, confirmed signatures 2 (-1)",
        "Error: 1 petition counts drifted.",
    ]
    assert again.output == result.output  # reported, never "fixed" behind anyone's back


def test_the_worker_runs_the_check_and_a_failing_job_stops_no_mail(
    supporter: Supporter, smtp: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    petition = open_petition()
    supporter.sign(petition.slug)
    stop = threading.Event()

    rounds = []

    def broken() -> None:
        raise RuntimeError("disk full")

    def second_round_stops() -> None:
        rounds.append(1)
        if len(rounds) == 2:
            stop.set()

    with caplog.at_level(logging.WARNING):
        worker.run_forever(stop, chores=[(0, broken), (0, second_round_stops)])

    assert smtp.take_one().recipients == ["christie@example.org"]
    assert "a periodic job of the worker failed" in caplog.text
