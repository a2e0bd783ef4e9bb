"""The review of quarantined signatures: what waits, grouped, and an organizer's decisions.

A decision releases (counts) or invalidates (sets aside for good) the quarantined signatures of
one petition that match a filter: one, a group, or all. Each is one transaction: a conditional
UPDATE of exactly the rows still quarantined, their count shards for a release, and a
ReviewDecision recording who, when, on what and how many. Two organizers deciding on the same
signatures at once change each signature once: the second finds it no longer quarantined.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, select, update

from petitions.cases.models import COUNT_SHARDS, Petition
from petitions.clock import utcnow
from petitions.defence import evidence
from petitions.extensions import db
from petitions.signing import signals
from petitions.signing.counts import shards_changed
from petitions.signing.models import (
    ReviewAction,
    ReviewDecision,
    Signature,
    SignatureState,
)


@dataclass(frozen=True)
class Filter:
    """Which quarantined signatures a decision is on; every field left None matches all."""

    reason: str | None = None
    #: The email domain (after the @ of the normalised address).
    domain: str | None = None
    country: str | None = None
    #: A connection group, as "<key id>:<group hash>" (defence/evidence.py).
    client_group: str | None = None
    signed_from: dt.datetime | None = None
    signed_until: dt.datetime | None = None
    ids: tuple[int, ...] = ()

    @property
    def is_everything(self) -> bool:
        """Whether the filter names nothing, and so matches every quarantined signature."""
        return self == Filter()

    def describe(self) -> str:
        parts = [
            f"reason {self.reason}" if self.reason else "",
            f"domain {self.domain}" if self.domain else "",
            f"country {self.country}" if self.country else "",
            f"connection group {evidence.group_label(self.client_group)}"
            if self.client_group
            else "",
            f"from {self.signed_from:%Y-%m-%d %H:%M}" if self.signed_from else "",
            f"until {self.signed_until:%Y-%m-%d %H:%M}" if self.signed_until else "",
            f"ids {', '.join(map(str, self.ids))}" if self.ids else "",
        ]
        return "; ".join(part for part in parts if part)[:300] or "all"

    def condition(self, petition_id: int) -> ColumnElement[bool]:
        conditions = [
            Signature.petition_id == petition_id,
            Signature.state == SignatureState.QUARANTINED,
        ]
        if self.reason:
            conditions.append(Signature.set_aside_reason == self.reason)
        if self.domain:
            conditions.append(
                Signature.email_normalized.like(
                    f"%@{like_escaped(self.domain.lower())}", escape="\\"
                )
            )
        if self.country:
            conditions.append(Signature.country == self.country.upper())
        if self.client_group:
            conditions.append(in_group(self.client_group))
        if self.signed_from:
            conditions.append(Signature.created_at >= self.signed_from)
        if self.signed_until:
            conditions.append(Signature.created_at < self.signed_until)
        if self.ids:
            conditions.append(Signature.id.in_(self.ids))
        return and_(*conditions)


def in_group(token: str) -> ColumnElement[bool]:
    """The signatures of one connection group (none for a token that names no group)."""
    parsed = evidence.parse_group(token)
    if parsed is None:
        return false()
    key_id, group = parsed
    return and_(Signature.client_key_id == key_id, Signature.client_group_hash == group)


def like_escaped(text: str) -> str:
    """Escape LIKE's wildcards in ``text``; match it with a backslash as the escape."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True)
class Waiting:
    """A petition's quarantined signatures, grouped as a reviewer looks at them."""

    total: int
    by_reason: list[tuple[str, int]]
    by_domain: list[tuple[str, int]]
    by_country: list[tuple[str, int]]
    #: Connection groups ("<key id>:<group hash>"), while their evidence is kept.
    by_group: list[tuple[str, int]]
    #: Hours (UTC) the signatures were made in, oldest first.
    by_hour: list[tuple[dt.datetime, int]]


def waiting(petition_id: int, top: int = 20) -> Waiting:
    """Group a petition's quarantined signatures by reason, domain, country and hour."""
    rows = db.session.execute(
        select(
            Signature.set_aside_reason,
            Signature.email_normalized,
            Signature.country,
            Signature.created_at,
            Signature.client_key_id,
            Signature.client_group_hash,
        ).where(Filter().condition(petition_id))
    ).all()
    reasons: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    hours: Counter[dt.datetime] = Counter()
    groups: Counter[str] = Counter()
    for reason, email, country, created, key_id, group in rows:
        if key_id is not None and group is not None:
            groups[evidence.group_token(key_id, group)] += 1
        reasons[str(reason)] += 1
        domains[str(email or "").rpartition("@")[2] or "?"] += 1
        countries[str(country)] += 1
        hours[created.replace(minute=0, second=0, microsecond=0)] += 1
    return Waiting(
        total=len(rows),
        by_reason=reasons.most_common(),
        by_domain=domains.most_common(top),
        by_country=countries.most_common(top),
        by_group=groups.most_common(top),
        by_hour=sorted(hours.items()),
    )


def matching(petition_id: int, where: Filter) -> int:
    """Count the quarantined signatures a decision on ``where`` would change now."""
    found = db.session.execute(
        select(func.count()).select_from(Signature).where(where.condition(petition_id))
    ).scalar_one()
    return int(found)


def decide(
    petition: Petition,
    action: ReviewAction,
    where: Filter,
    by: str,
    organizer_id: int | None = None,
) -> ReviewDecision:
    """Release or invalidate the quarantined signatures matching ``where``; record it."""
    now = utcnow()
    target = (
        SignatureState.CONFIRMED if action is ReviewAction.RELEASE else SignatureState.INVALIDATED
    )
    changed = (
        db.session.execute(
            update(Signature)
            .where(where.condition(petition.id))
            .values(state=target)
            .returning(Signature.id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    if action is ReviewAction.RELEASE and changed:
        shards_changed(petition.id, Counter(n % COUNT_SHARDS for n in changed))
        signals.announce_counted(petition.id, list(changed))
    decision = ReviewDecision(
        petition_id=petition.id,
        action=action,
        organizer_id=organizer_id,
        by=by[:120],
        subject=where.describe(),
        changed=len(changed),
        decided_at=now,
    )
    db.session.add(decision)
    db.session.commit()
    if changed:
        signals.announce_count_changed(petition.slug)
    return decision


def decisions(petition_id: int, limit: int = 50) -> list[ReviewDecision]:
    """The latest review decisions on a petition, newest first."""
    return list(
        db.session.execute(
            select(ReviewDecision)
            .where(ReviewDecision.petition_id == petition_id)
            .order_by(ReviewDecision.id.desc())
            .limit(limit)
        ).scalars()
    )
