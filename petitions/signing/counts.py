"""Where a confirmed signature is counted: its petition's count shards, and the exact count.

A petition's count is ``petitions.signature_count`` (the base, ``Petition.count_base``: what was
counted before the shards) plus the sum of its rows in ``petition_count_shards``. Confirmations
and withdrawals change only their signature's shard, inside the transaction of the state change
(signing/services.py), so the count is exact at every read and no confirmation waits for
another's lock on the petition row. ``Petition.signature_count`` reads it with the petition;
``count_of`` reads it alone.

Chosen over alphagov/e-petitions' way (confirmations leave the count alone; a job every few
seconds adds the newly validated signatures to the petition row and reconciles it with a full
count now and then) by measurement and by what a reader sees: there the count lags the
confirmations, and reading it exactly costs a count of the signatures confirmed since the last
batch. Measured by hand (wrk POSTing confirmations to gunicorn with 2 workers, as ratios to
/livez, 2 December 2026), confirmations without any count write at all, the most a batch job
could give them, were within the noise of confirmations writing their shard, on SQLite (one
writer at a time anyway) and on durable PostgreSQL alike.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

from sqlalchemy import Insert, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from petitions.cases.models import COUNT_SHARDS, Petition, PetitionCountShard
from petitions.extensions import db
from petitions.signing.models import Signature, SignatureOrigin, SignatureState


def count_change(petition_id: int, signature_id: int, change: int) -> None:
    """Add a confirmed signature to its petition's count (+1) or take a withdrawn one off (-1).

    In the caller's transaction, the one that changes the signature's state. The change goes to
    the signature's own shard (``petition_count_shards``, see cases/models.py), not to the
    petition row: an increment of one row per petition made every confirmation wait for the
    row lock of the one before it (PostgreSQL) and rewrote the whole petition row each time.
    Still an SQL increment (an upsert: the shard's first change creates it), never a number read
    and written back: two changes committing at once would then both write the same value and
    one would be lost. The same shard for a signature's withdrawal as for its confirmation.
    """
    db.session.execute(
        _shard_upsert(db.session.get_bind().dialect.name),
        {"petition_id": petition_id, "shard": signature_id % COUNT_SHARDS, "change": change},
    )


def shards_changed(petition_id: int, changes: Mapping[int, int]) -> None:
    """Add to many shards of a petition at once (shard → change): a reviewer's release.

    One upsert per shard touched (at most COUNT_SHARDS), in the caller's transaction.
    """
    upsert = _shard_upsert(db.session.get_bind().dialect.name)
    for shard, change in sorted(changes.items()):
        if change:
            db.session.execute(
                upsert, {"petition_id": petition_id, "shard": shard, "change": change}
            )


@functools.cache
def _shard_upsert(dialect: str) -> Insert:
    """INSERT … ON CONFLICT (petition_id, shard) DO UPDATE SET delta = delta + :change.

    Built once per process (per dialect: ON CONFLICT is spelled by each; SQLite has it since 3.24).
    """
    shards = PetitionCountShard.__table__
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = dialect_insert(shards).values(
        petition_id=bindparam("petition_id"),
        shard=bindparam("shard"),
        delta=bindparam("change"),
    )
    return statement.on_conflict_do_update(
        index_elements=[shards.c.petition_id, shards.c.shard],
        set_={"delta": shards.c.delta + statement.excluded.delta},
    )


def count_of(petition_id: int) -> int:
    """Return a petition's exact count (confirmed, not withdrawn signatures), 0 if none.

    One query reading the petition's base and at most COUNT_SHARDS shard rows by their key; the
    same expression as ``Petition.signature_count``, which pages read on the loaded petition.
    """
    found = db.session.execute(
        select(Petition.signature_count).where(Petition.id == petition_id)
    ).scalar_one_or_none()
    return int(found or 0)


def paper_count_of(petition_id: int) -> int:
    """Return how many of a petition's counted signatures came from paper sheets.

    The online share is the count less this one: a paper row counts like any signature (it is
    confirmed, and its shard changed, when it is entered), and a paper row found to be the twin
    of an online signature is set aside (petitions/paper/matching.py), so a person who signed
    both ways is in neither share twice. One count over the paper rows of the petition only
    (index ``ix_signatures_petition_origin_state``), however many online signatures it has.
    """
    found = db.session.execute(
        select(func.count()).where(
            Signature.petition_id == petition_id,
            Signature.origin == SignatureOrigin.PAPER,
            Signature.state == SignatureState.CONFIRMED,
        )
    ).scalar_one()
    return int(found)


def paper_counts_of(petition_ids: list[int]) -> dict[int, int]:
    """Return petition id → counted paper signatures, for many petitions in one grouped query
    (a petition without any is left out)."""
    if not petition_ids:
        return {}
    return {
        int(petition_id): int(count)
        for petition_id, count in db.session.execute(
            select(Signature.petition_id, func.count())
            .where(
                Signature.petition_id.in_(petition_ids),
                Signature.origin == SignatureOrigin.PAPER,
                Signature.state == SignatureState.CONFIRMED,
            )
            .group_by(Signature.petition_id)
        ).all()
    }
