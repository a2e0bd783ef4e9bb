"""The retention run: with the clock moved, exactly the stated rows are erased or anonymised,
the counts and the bundles' records still check out, and a dry run changes nothing (issue #16)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from petitions.counting.services import petition_stats
from petitions.privacy.hashing import keyed_hash
from petitions.retention import services
from petitions.signing.models import SignatureState
from petitions.signing.services import ERASED_ON_WITHDRAWAL
from tests.helpers import main_text
from tests.retention.world import (
    PEOPLE,
    World,
    build_world,
    changes,
    dump,
    letter_row,
    move_clock,
    signature,
)

#: The columns anonymisation (and withdrawal) may change: the personal ones.
PERSONAL = set(ERASED_ON_WITHDRAWAL)


@pytest.fixture
def world(app: Flask) -> World:
    return build_world()


def _expected(world: World) -> dict[tuple[str, tuple[int, ...]], object]:
    return {
        ("signatures", (world.pending_old,)): "deleted",
        ("signatures", (world.with_evidence,)): {
            "client_key_id",
            "client_hash",
            "client_group_hash",
        },
        ("evidence_keys", (world.evidence_key,)): "deleted",
        ("allowed_clients", (world.allowance_ended,)): "deleted",
        ("outbox_messages", (world.unsent_mail,)): "deleted",
        ("outbox_messages", (world.sent_mail,)): {"signature_id"},
        ("petitions", (world.delivered.id,)): {"signers_anonymised_at"},
        ("letters", (world.letter_pending_old,)): "deleted",
        ("letters", (world.letter_rejected_old,)): {"email", "email_normalized"},
    }


def test_with_the_clock_moved_exactly_the_stated_rows_change(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump()
    move_clock(monkeypatch, world.run_at)

    report = services.run()

    changed = changes(before, dump())
    anonymised = {("signatures", (sid,)) for sid in world.anonymised}
    assert {key: value for key, value in changed.items() if key not in anonymised} == _expected(
        world
    )
    # Every signer of the delivered petition lost exactly the personal columns, nothing else.
    assert {key for key in changed if key[0] == "signatures"} >= anonymised
    for key in anonymised:
        columns = changed[key]
        assert isinstance(columns, set)
        assert columns <= PERSONAL, columns
        assert {"full_name", "email", "email_normalized", "city"} <= columns
    assert {(line.subject, line.kind, line.count) for line in report} == {
        (f"petition {world.open.slug}", services.UNCONFIRMED_SIGNATURES, 1),
        (f"petition {world.open.slug}", services.EVIDENCE, 1),
        (f"petition {world.open.slug}", services.EXPIRED_ALLOWANCES, 1),
        (f"petition {world.delivered.slug}", services.ANONYMISED_SIGNERS, 3),
        (f"case {world.open.case.slug}", services.UNCONFIRMED_LETTERS, 1),
        (f"case {world.open.case.slug}", services.WRITERS_EMAILS, 1),
    }


def test_before_its_time_nothing_changes(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    before = dump()
    # Two days on: the evidence is within its 3 days, the anonymisation 21 days away, and the
    # unconfirmed rows 28 days short of their limit.
    move_clock(monkeypatch, world.now + dt.timedelta(days=2))

    assert services.run() == []
    assert changes(before, dump()) == {}


def test_an_anonymised_signer_leaves_no_identifier_behind(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    move_clock(monkeypatch, world.run_at)
    services.run()

    everything = repr(dump())
    for name, city, _country, email, comment in PEOPLE:
        # Nor any hash of the address that a holder of a candidate address could recompute.
        candidates = {
            name,
            city,
            email,
            hashlib.sha256(email.encode()).hexdigest(),
            hashlib.md5(email.encode()).hexdigest(),  # noqa: S324 - looked for, not used
            keyed_hash(email, "mail-limit"),
        }
        if comment:
            candidates.add(comment)
        assert [each for each in candidates if each in everything] == []
    for sid in world.anonymised:
        row = signature(sid)
        assert row.state is SignatureState.CONFIRMED
        assert row.country in {"BY", "NL"}
        assert row.confirmed_at is not None
    assert signature(world.anonymised[0]).petition.signers_anonymised_at == world.run_at


def test_counts_totals_and_the_bundle_still_check_out_after_anonymisation(
    world: World, monkeypatch: pytest.MonkeyPatch, client: FlaskClient
) -> None:
    stats_before = petition_stats(world.delivered.id)
    verify_before = main_text(client.get(f"/verify/{world.bundle.fingerprint}"))
    count_before = world.delivered.signature_count

    move_clock(monkeypatch, world.run_at)
    services.run()

    stats_after = petition_stats(world.delivered.id)
    assert stats_after.confirmed == stats_before.confirmed == 3
    assert stats_after.by_country == stats_before.by_country == [("NL", 2), ("BY", 1)]
    assert stats_after.per_day == stats_before.per_day
    petition = signature(world.anonymised[0]).petition
    assert petition.signature_count == count_before == 3
    verify = client.get(f"/verify/{world.bundle.fingerprint}")
    assert verify.status_code == 200
    assert main_text(verify) == verify_before
    assert "The consul" in verify_before
    # The bundle's count is still the number of confirmed signatures it printed.
    assert world.bundle.signature_count == stats_after.confirmed


def test_the_run_logs_and_prints_counts_never_personal_data(
    world: World,
    monkeypatch: pytest.MonkeyPatch,
    runner: FlaskCliRunner,
    caplog: pytest.LogCaptureFixture,
) -> None:
    move_clock(monkeypatch, world.run_at)
    caplog.set_level(logging.DEBUG)

    result = runner.invoke(args=["retention", "run"])

    assert result.exit_code == 0, result.output
    assert f"petition {world.delivered.slug}: anonymised-signers: erased 3" in result.output
    assert f"petition {world.open.slug}: unconfirmed-signatures: erased 1" in result.output
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "anonymised-signers: 3" in logged
    for text in (result.output, logged):
        for name, city, _country, email, _comment in PEOPLE:
            assert [each for each in (name, city, email) if each in text] == []
        assert "@" not in text


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, runner: FlaskCliRunner
) -> None:
    before = dump()
    move_clock(monkeypatch, world.run_at)

    result = runner.invoke(args=["retention", "run", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert changes(before, dump()) == {}
    assert f"petition {world.delivered.slug}: anonymised-signers: would erase 3" in result.output
    assert f"case {world.open.case.slug}: writers-emails: would erase 1" in result.output
    # And the real run then does what the dry run said.
    real = runner.invoke(args=["retention", "run"])
    assert real.output.replace("erased", "would erase") == result.output


def test_a_second_run_finds_nothing_more(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    move_clock(monkeypatch, world.run_at)
    services.run()
    after_first = dump()

    assert services.run() == []
    assert changes(after_first, dump()) == {}


def test_small_batches_do_the_same(
    world: World, monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    app.config["RETENTION_BATCH_SIZE"] = 1
    move_clock(monkeypatch, world.run_at)

    services.run()

    assert all(signature(sid).email is None for sid in world.anonymised)
    assert letter_row(world.letter_pending_old) is None
    assert letter_row(world.letter_pending_fresh) is not None


def test_erasing_is_announced_in_the_same_transaction(
    world: World, monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    from petitions.signing import signals

    announced: list[int] = []

    def receiver(sender: object, signature_ids: list[int]) -> None:
        announced.extend(signature_ids)

    signals.erasing.connect(receiver)
    try:
        move_clock(monkeypatch, world.run_at)
        services.run()
    finally:
        signals.erasing.disconnect(receiver)
    assert sorted(announced) == sorted([world.pending_old, *world.anonymised])


def test_a_failing_receiver_leaves_the_signers_as_they_were(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from petitions.signing import signals

    def receiver(sender: object, signature_ids: list[int]) -> None:
        if world.anonymised[0] in signature_ids:
            raise RuntimeError("the updates area could not drop its rows")

    signals.erasing.connect(receiver)
    try:
        move_clock(monkeypatch, world.run_at)
        with pytest.raises(RuntimeError):
            services.run()
    finally:
        signals.erasing.disconnect(receiver)
    from petitions.extensions import db

    db.session.rollback()
    assert signature(world.anonymised[0]).email == PEOPLE[0][3]
    assert signature(world.anonymised[0]).petition.signers_anonymised_at is None


def test_the_mail_worker_runs_the_retention_run_daily(
    runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from petitions.mail import worker

    seen: list[object] = []
    monkeypatch.setattr(worker, "run_forever", lambda stop, chores=(): seen.extend(chores))
    # The command installs SIGTERM and SIGINT handlers for the worker: not in a test.
    monkeypatch.setattr("petitions.cli.signal.signal", lambda *args: None)

    result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert (24 * 3600, services.run_daily) in seen
