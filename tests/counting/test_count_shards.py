"""The count lives in shards: confirmations write no petition row, and the count is read at once.

Before, every confirmation ran ``UPDATE petitions SET signature_count = signature_count + 1``,
so the confirmations of one petition queued on its row lock. Now each adds to its signature's
shard of ``petition_count_shards``, and the count is the petition's base plus its shards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from petitions.cases import services as cases
from petitions.cases.models import COUNT_SHARDS, Petition, PetitionCountShard
from petitions.extensions import db
from petitions.signing import counts, services
from petitions.signing.models import SignatureState
from tests.conftest import SmtpServer
from tests.factories import confirmed_signature, open_petition, pending_signature


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the test runs, in order."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    yield sent
    event.remove(db.engine, "before_cursor_execute", record)


_WRITES_PETITION = re.compile(r"^(UPDATE|INSERT INTO|DELETE FROM) petitions\b", re.IGNORECASE)


def _shards(petition_id: int) -> dict[int, int]:
    db.session.rollback()
    rows = db.session.execute(
        select(PetitionCountShard.shard, PetitionCountShard.delta).where(
            PetitionCountShard.petition_id == petition_id
        )
    ).all()
    return {shard: delta for shard, delta in rows}


def test_confirming_and_withdrawing_write_no_petition_row(
    app: Flask, statements: list[str], smtp: SmtpServer
) -> None:
    petition = open_petition()
    signatures = [pending_signature(petition) for _ in range(3)]
    statements.clear()

    for signature in signatures:
        assert services.confirm(signature.id) is services.ConfirmOutcome.CONFIRMED
    assert services.withdraw(signatures[0].id) is services.WithdrawOutcome.WITHDRAWN

    assert [s for s in statements if _WRITES_PETITION.match(s)] == []
    # One upsert of one shard per change: three confirmations, one withdrawal.
    upserts = [s for s in statements if s.upper().startswith("INSERT INTO PETITION_COUNT_SHARDS")]
    assert len(upserts) == 4
    assert all("ON CONFLICT (petition_id, shard) DO UPDATE" in s for s in upserts)
    assert counts.count_of(petition.id) == 2
    shards = _shards(petition.id)
    assert shards == {s.id % COUNT_SHARDS: 1 for s in signatures[1:]} | {
        signatures[0].id % COUNT_SHARDS: 0
    }


def test_the_count_is_one_query_over_at_most_count_shards_rows(
    app: Flask, statements: list[str], smtp: SmtpServer
) -> None:
    petition = open_petition()
    petition.count_base = 1000  # counted before the shards existed
    db.session.commit()
    for _ in range(2 * COUNT_SHARDS + 3):
        confirmed_signature(petition)
    expected = 1000 + 2 * COUNT_SHARDS + 3
    petition_id, slug = petition.id, petition.slug

    db.session.expire_all()
    statements.clear()
    assert counts.count_of(petition_id) == expected
    assert len(statements) == 1, statements
    assert "petition_count_shards.petition_id = petitions.id" in statements[0]

    # A page loads its petition with the count in the same query: no second query for it.
    db.session.expire_all()
    statements.clear()
    found = cases.public_petition(slug)
    assert found is not None
    loading = list(statements)
    assert found.signature_count == expected
    assert statements == loading  # read from the loaded row, no query of its own
    assert len([s for s in loading if "petition_count_shards" in s]) == 1

    # However many confirmations, no more rows than shards, each found by its primary key.
    shard_rows = db.session.execute(
        select(func.count())
        .select_from(PetitionCountShard)
        .where(PetitionCountShard.petition_id == petition_id)
    ).scalar_one()
    assert shard_rows == COUNT_SHARDS
    assert [column.name for column in PetitionCountShard.__table__.primary_key] == [
        "petition_id",
        "shard",
    ]


def test_a_signature_counted_before_the_shards_is_withdrawn_from_the_count(
    app: Flask, smtp: SmtpServer
) -> None:
    # Counted in the base by the old code: confirmed, with no shard holding it.
    petition = open_petition()
    old = pending_signature(petition)
    db.session.execute(
        db.update(type(old))
        .where(type(old).id == old.id)
        .values(state=SignatureState.CONFIRMED, confirmed_at=db.func.current_timestamp())
    )
    petition.count_base = 1
    db.session.commit()
    assert counts.count_of(petition.id) == 1

    assert services.withdraw(old.id) is services.WithdrawOutcome.WITHDRAWN
    assert counts.count_of(petition.id) == 0
    # Its shard went below zero, taking it off the base: the sum is what is exact.
    assert _shards(petition.id) == {old.id % COUNT_SHARDS: -1}


def test_lists_order_by_the_exact_count(app: Flask, smtp: SmtpServer) -> None:
    based = open_petition(title="Counted before")
    based.count_base = 2
    sharded = open_petition(title="Counted since")
    db.session.commit()
    for _ in range(3):
        confirmed_signature(sharded)

    listed = [(p.title, p.signature_count) for p in cases.open_petitions()]
    assert listed == [("Counted since", 3), ("Counted before", 2)]
    assert db.session.get_one(Petition, sharded.id).signature_count == 3
