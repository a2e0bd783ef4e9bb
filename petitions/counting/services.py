"""The organizers' view of a petition's numbers.

The count itself moves by SQL increments inside the transaction that changes a signature's
state, so those live with confirm and withdraw in signing/services.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.signing.models import Signature, SignatureState
from petitions.signing.queries import confirmed_signatures

# --- organizers' view of the numbers ----------------------------------------------------------


def confirmed_by_country(petition_id: int, at_least: int = 1) -> list[tuple[str, int]]:
    """Return (country, confirmed signatures) of a petition, the most signed country first.

    :param at_least: leave out countries with fewer signatures (the public numbers leave out
        small ones, which would point at a few people).
    """
    return [
        (str(country), int(count))
        for country, count in db.session.execute(
            select(Signature.country, func.count())
            .where(confirmed_signatures(petition_id))
            .group_by(Signature.country)
            .having(func.count() >= at_least)
            .order_by(func.count().desc(), Signature.country)
        ).all()
    ]


@dataclass(frozen=True)
class PetitionStats:
    confirmed: int
    pending: int
    withdrawn: int
    per_day: list[tuple[dt.date, int]]
    by_country: list[tuple[str, int]]
    by_source: list[tuple[str | None, int]]


def petition_stats(petition_id: int) -> PetitionStats:
    """Return totals by state, confirmations per day, and confirmed signatures by country/source.

    Four grouped queries, whatever the number of signatures.
    """
    by_state = dict(
        db.session.execute(
            select(Signature.state, func.count())
            .where(Signature.petition_id == petition_id)
            .group_by(Signature.state)
        ).all()
    )
    confirmed = confirmed_signatures(petition_id)
    day = func.date(Signature.confirmed_at)
    per_day = [
        (value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)), count)
        for value, count in db.session.execute(
            select(day, func.count()).where(confirmed).group_by(day).order_by(day)
        ).all()
    ]
    by_country = confirmed_by_country(petition_id)
    by_source = [
        (source, int(count))
        for source, count in db.session.execute(
            select(Signature.source, func.count())
            .where(confirmed)
            .group_by(Signature.source)
            .order_by(func.count().desc())
        ).all()
    ]
    return PetitionStats(
        confirmed=int(by_state.get(SignatureState.CONFIRMED, 0)),
        pending=int(by_state.get(SignatureState.PENDING, 0)),
        withdrawn=int(by_state.get(SignatureState.WITHDRAWN, 0)),
        per_day=per_day,
        by_country=by_country,
        by_source=by_source,
    )


@dataclass(frozen=True)
class Drift:
    """A petition whose count is not its confirmed signatures."""

    slug: str
    counted: int
    confirmed: int

    @property
    def difference(self) -> int:
        return self.counted - self.confirmed


def count_drift() -> list[Drift]:
    """Recount every petition from its rows; return those whose count differs (nightly check).

    The count (the base plus the shards, see signing/counts.py) must equal the confirmed
    signatures: every confirmation, withdrawal and release changes both in one transaction.
    A difference means something wrote around them (a hand-made SQL fix, a restored backup).
    Two queries: the counts of all petitions, and their confirmed rows grouped.
    """
    confirmed = dict(
        db.session.execute(
            select(Signature.petition_id, func.count())
            .where(Signature.state == SignatureState.CONFIRMED)
            .group_by(Signature.petition_id)
        ).all()
    )
    return [
        Drift(slug, int(counted), int(confirmed.get(petition_id, 0)))
        for petition_id, slug, counted in db.session.execute(
            select(Petition.id, Petition.slug, Petition.signature_count).order_by(Petition.id)
        ).all()
        if int(counted) != int(confirmed.get(petition_id, 0))
    ]
