"""Exact counts under real concurrency: many HTTP clients, one threaded server, one database.

Every press is its own `requests.Session` (its own cookie and CSRF token) against the app served
over loopback, from a pool of threads; the counts are read back from the database afterwards.
"""

from __future__ import annotations

import functools
import random
import threading
from collections import Counter
from typing import Any

import pytest
import requests
from flask import Flask

from petitions.cases.models import COUNT_SHARDS, Petition, PetitionCountShard
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail.models import OutboxMessage
from petitions.mail.worker import drain_once
from petitions.signing.counts import count_of
from petitions.signing.models import Signature, SignatureState
from petitions.tokens import confirm_token, withdraw_token
from tests.conftest import VALID_SIGNER, Press, SmtpServer, assert_presses_agree, csrf_token
from tests.conftest import signature_states as states
from tests.factories import open_petition, pending_signature
from tests.helpers import count_on_page, run_all

THREADS = 16
#: Every request must answer well within this; the whole module stays under ~20 s.
TIMEOUT = 15


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    # Every client here is 127.0.0.1: the per-IP limits would otherwise be what is tested.
    return {"SIGN_RATE_LIMIT": "10000 per minute", "LINK_RATE_LIMIT": "10000 per minute"}


def fresh_petition(petition_id: int) -> Petition:
    db.session.rollback()
    petition: Petition = db.session.execute(
        db.select(Petition)
        .where(Petition.id == petition_id)
        .execution_options(populate_existing=True)
    ).scalar_one()
    return petition


def test_racing_confirms_and_withdrawals_leave_an_exact_count(app: Flask, live_server: str) -> None:
    petition = open_petition()
    signatures = [pending_signature(petition) for _ in range(30)]
    rng = random.Random(20240611)  # a fixed shuffle, so a failure can be replayed
    withdrawing = set(rng.sample([s.id for s in signatures], k=10))
    with app.test_request_context():
        presses = [
            Press("confirm", s.id, f"{live_server}/confirm/{confirm_token(s.id)}")
            for s in signatures
            for _ in range(3)
        ] + [
            Press("withdraw", s.id, f"{live_server}/withdraw/{withdraw_token(s.id)}")
            for s in signatures
            if s.id in withdrawing
            for _ in range(2)
        ]
    assert len(presses) == 110

    # Everybody opens their page first (every page still shows its button), then all the
    # buttons are pressed at once, in a shuffled order.
    rng.shuffle(presses)
    run_all([press.open for press in presses], THREADS, TIMEOUT)
    rng.shuffle(presses)
    run_all([press.press for press in presses], THREADS, TIMEOUT)

    final = states(petition.id)
    assert final == {SignatureState.CONFIRMED: 20, SignatureState.WITHDRAWN: 10}
    counted = fresh_petition(petition.id).signature_count
    assert counted == final[SignatureState.CONFIRMED] == 20
    assert count_on_page(live_server, petition.slug) == 20
    api = requests.get(f"{live_server}/api/v1/petitions/{petition.slug}", timeout=TIMEOUT)
    assert api.json()["signature_count"] == 20

    assert_presses_agree(presses, [s.id for s in signatures], withdrawing)


def test_a_crowd_confirming_and_withdrawing_spreads_over_the_shards_and_counts_exactly(
    app: Flask, live_server: str
) -> None:
    # A petition counted before the shards existed: 12 confirmed signatures held by its base.
    petition = open_petition()
    earlier = [pending_signature(petition) for _ in range(12)]
    db.session.execute(
        db.update(Signature)
        .where(Signature.id.in_([s.id for s in earlier]))
        .values(state=SignatureState.CONFIRMED, confirmed_at=utcnow())
    )
    petition.count_base = len(earlier)
    db.session.commit()
    # The crowd: 48 new signatures confirmed at once (each link pressed twice), while 8 of them
    # and 6 of the earlier ones are withdrawn (each withdrawal pressed twice).
    crowd = [pending_signature(petition) for _ in range(48)]
    rng = random.Random(20261202)  # a fixed shuffle, so a failure can be replayed
    withdrawing = set(rng.sample([s.id for s in crowd], k=8))
    withdrawing_earlier = set(rng.sample([s.id for s in earlier], k=6))
    with app.test_request_context():
        presses = [
            Press("confirm", s.id, f"{live_server}/confirm/{confirm_token(s.id)}")
            for s in crowd
            for _ in range(2)
        ] + [
            Press("withdraw", sid, f"{live_server}/withdraw/{withdraw_token(sid)}")
            for sid in sorted(withdrawing | withdrawing_earlier)
            for _ in range(2)
        ]
    assert len(presses) == 48 * 2 + 14 * 2

    rng.shuffle(presses)
    run_all([press.open for press in presses], THREADS, TIMEOUT)
    rng.shuffle(presses)
    run_all([press.press for press in presses], THREADS, TIMEOUT)

    final = states(petition.id)
    assert final == {SignatureState.CONFIRMED: 12 - 6 + 48 - 8, SignatureState.WITHDRAWN: 14}
    assert fresh_petition(petition.id).signature_count == final[SignatureState.CONFIRMED] == 46
    assert count_of(petition.id) == 46
    assert count_on_page(live_server, petition.slug) == 46
    api = requests.get(f"{live_server}/api/v1/petitions/{petition.slug}", timeout=TIMEOUT)
    assert api.json()["signature_count"] == 46
    # The petition row kept its base; the crowd's changes went to the signatures' own shards,
    # each shard holding exactly the confirmations minus withdrawals of the ids it takes.
    assert fresh_petition(petition.id).count_base == 12
    confirmed_now = db.session.execute(
        db.select(Signature.id).where(
            Signature.petition_id == petition.id, Signature.state == SignatureState.CONFIRMED
        )
    ).scalars()
    expected: Counter[int] = Counter()
    earlier_ids = {s.id for s in earlier}
    for signature_id in confirmed_now:
        if signature_id not in earlier_ids:
            expected[signature_id % COUNT_SHARDS] += 1
    for signature_id in withdrawing_earlier:
        expected[signature_id % COUNT_SHARDS] -= 1
    rows = db.session.execute(
        db.select(PetitionCountShard.shard, PetitionCountShard.delta).where(
            PetitionCountShard.petition_id == petition.id
        )
    ).all()
    shards = {shard: delta for shard, delta in rows}
    assert {shard: delta for shard, delta in shards.items() if delta} == {
        shard: delta for shard, delta in expected.items() if delta
    }
    assert len(shards) > COUNT_SHARDS // 2  # the crowd was spread, not queued on one row

    assert_presses_agree(presses, [s.id for s in crowd], withdrawing)


def test_simultaneous_first_signings_with_one_address_make_one_signature(
    app: Flask, live_server: str, smtp: SmtpServer
) -> None:
    petition = open_petition()
    url = f"{live_server}/p/{petition.slug}"
    pairs = 8  # eight addresses, each signed from two browsers at the same moment
    addresses = [f"twin{number}@example.org" for number in range(pairs)]
    start = threading.Barrier(2 * pairs, timeout=TIMEOUT)
    answers: dict[str, list[requests.Response]] = {address: [] for address in addresses}
    lock = threading.Lock()

    def sign(address: str) -> None:
        with requests.Session() as browser:
            page = browser.get(url, timeout=TIMEOUT)
            data = {**VALID_SIGNER, "email": address, "csrf_token": csrf_token(page.text)}
            start.wait()
            answer = browser.post(f"{url}/sign", data=data, allow_redirects=False, timeout=TIMEOUT)
        with lock:
            answers[address].append(answer)

    run_all(
        [functools.partial(sign, address) for address in addresses for _ in (1, 2)],
        THREADS,
        TIMEOUT,
    )

    for address in addresses:
        first, second = answers[address]
        assert first.status_code == second.status_code == 303
        assert first.headers["Location"] == second.headers["Location"]
        assert first.headers["Location"].endswith(f"/p/{petition.slug}/check-your-inbox")
    db.session.rollback()
    rows = db.session.execute(
        db.select(Signature.email_normalized, Signature.state).where(
            Signature.petition_id == petition.id
        )
    ).all()
    assert sorted(rows) == [(address, SignatureState.PENDING) for address in addresses]
    # One confirmation each: the loser's request was answered alike, and the worker mails
    # nobody twice for it.
    drain_once()
    assert sorted(mail.recipients[0] for mail in smtp.take(pairs)) == addresses
    queued = (
        db.session.execute(
            db.select(Signature.email_normalized)
            .join(OutboxMessage, OutboxMessage.signature_id == Signature.id)
            .order_by(Signature.email_normalized)
        )
        .scalars()
        .all()
    )
    assert queued == addresses
    assert fresh_petition(petition.id).signature_count == 0
