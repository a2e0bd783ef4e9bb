"""Trending: connection groups and mail domains with an unusual share of a petition's last hour.

alphagov/e-petitions' trending jobs flag IP addresses and domains that signed a petition many
times within the hour, for a moderator to look at. Here the dashboard does it for organizers, on
the signatures confirmed in the last TRENDING_WINDOW_MINUTES (counted or quarantined: a flood
held back by the limits is worth seeing too), and each flag links to the review queue and to an
invalidation rule filled in for it.

A group is flagged when it has at least TRENDING_MIN_SIGNATURES of the window's signatures and
at least TRENDING_PERCENT of them. The big mail providers (QUARANTINE_DOMAIN_EXEMPT) are never
flagged as domains: a third of a campaign on gmail.com is an ordinary day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from petitions.clock import utcnow
from petitions.defence import evidence
from petitions.defence.services import exempt_domains
from petitions.extensions import db
from petitions.signing.models import CONFIRMED_BY_MAIL, Signature


@dataclass(frozen=True)
class Trend:
    """One group with an unusual share of a petition's recent signatures."""

    #: "group" (a connection group) or "domain".
    kind: str
    #: The group's token (see evidence.group_token) or the domain.
    value: str
    #: How it shows on screen.
    label: str
    count: int
    #: All of the petition's signatures in the window.
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.count / self.total) if self.total else 0


def _domain_of(email: InstrumentedAttribute[str | None]) -> ColumnElement[str]:
    """The part after the @, in SQL: split_part on PostgreSQL, substr and instr on SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.split_part(email, "@", 2)
    return func.substr(email, func.instr(email, "@") + 1)


def trending(petition_ids: Iterable[int], now: dt.datetime | None = None) -> dict[int, list[Trend]]:
    """The trends of each petition (only those that have some), the largest share first.

    Three grouped queries over the window's signatures of all the petitions at once, read
    through the (petition, state, confirmed_at) index.
    """
    ids = list(petition_ids)
    if not ids:
        return {}
    config = current_app.config
    since = (now or utcnow()) - dt.timedelta(minutes=int(config["TRENDING_WINDOW_MINUTES"]))
    least, percent = int(config["TRENDING_MIN_SIGNATURES"]), int(config["TRENDING_PERCENT"])
    recent = [
        Signature.petition_id.in_(ids),
        Signature.state.in_(CONFIRMED_BY_MAIL),
        Signature.confirmed_at >= since,
    ]
    totals = dict(
        db.session.execute(
            select(Signature.petition_id, func.count())
            .where(*recent)
            .group_by(Signature.petition_id)
        ).all()
    )
    if not any(total >= least for total in totals.values()):
        return {}
    found: dict[int, list[Trend]] = {}

    def flag(petition_id: int, kind: str, value: str, label: str, count: int) -> None:
        total = totals.get(petition_id, 0)
        if count >= least and total and 100 * count >= percent * total:
            found.setdefault(petition_id, []).append(Trend(kind, value, label, count, total))

    groups = db.session.execute(
        select(
            Signature.petition_id,
            Signature.client_key_id,
            Signature.client_group_hash,
            func.count(),
        )
        .where(*recent, Signature.client_group_hash.is_not(None))
        .group_by(Signature.petition_id, Signature.client_key_id, Signature.client_group_hash)
        .having(func.count() >= least)
    ).all()
    for petition_id, key_id, group, count in groups:
        token = evidence.group_token(int(key_id or 0), str(group))
        flag(petition_id, "group", token, evidence.group_label(token), count)
    domain = _domain_of(Signature.email_normalized)
    domains = db.session.execute(
        select(Signature.petition_id, domain, func.count())
        .where(*recent, Signature.email_normalized.is_not(None))
        .group_by(Signature.petition_id, domain)
        .having(func.count() >= least)
    ).all()
    exempt = exempt_domains()
    for petition_id, name, count in domains:
        if name not in exempt:
            flag(petition_id, "domain", name, name, count)
    for trends in found.values():
        trends.sort(key=lambda trend: (-trend.count, trend.kind, trend.value))
    return found
