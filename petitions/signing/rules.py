"""An invalidation's rule: which signatures of a petition it takes, and how many it would now.

The runner (batches, cancel, undo) is signing/invalidations.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields

from sqlalchemy import ColumnElement, and_, false, func, or_, select

from petitions.defence import evidence
from petitions.extensions import db
from petitions.signing.models import Invalidation, Signature, SignatureState
from petitions.signing.review import in_group, like_escaped

#: The states an invalidation takes signatures from.
TAKEN_FROM = (SignatureState.PENDING, SignatureState.CONFIRMED, SignatureState.QUARANTINED)


class RuleRefused(ValueError):
    """A rule the service will not run (the message says why)."""


@dataclass(frozen=True)
class Rule:
    """What an invalidation matches: every criterion given must hold (None: any)."""

    ip_range: str | None = None
    client_group: str | None = None
    domain: str | None = None
    name_pattern: str | None = None
    country: str | None = None
    signed_from: dt.datetime | None = None
    signed_until: dt.datetime | None = None
    source: str | None = None

    @classmethod
    def of(cls, invalidation: Invalidation) -> Rule:
        return cls(**{field.name: getattr(invalidation, field.name) for field in fields(cls)})

    def check(self) -> None:
        """Refuse a rule that names nothing, or names something badly.

        :raises RuleRefused: saying which criterion, and why.
        """
        if self == Rule():
            raise RuleRefused("Name at least one thing the signatures to remove have in common.")
        if self.ip_range:
            evidence.range_hashes(self.ip_range)  # raises RangeRefused, a RuleRefused below
        if self.client_group and evidence.parse_group(self.client_group) is None:
            raise RuleRefused(f"{self.client_group!r} is not a connection group.")
        if self.domain is not None and not re.fullmatch(r"[a-z0-9.-]+\.[a-z0-9-]+", self.domain):
            raise RuleRefused(f"{self.domain!r} is not a mail domain.")
        if self.name_pattern is not None and not self.name_pattern.strip("* "):
            raise RuleRefused("A name pattern must have more than * in it: it matches everybody.")
        if self.country is not None and not re.fullmatch(r"[A-Z]{2}", self.country):
            raise RuleRefused(f"{self.country!r} is not a two-letter country code.")
        if self.signed_from and self.signed_until and self.signed_from >= self.signed_until:
            raise RuleRefused("The time window ends before it starts.")

    def describe(self) -> str:
        parts = [
            f"IP range {self.ip_range}" if self.ip_range else "",
            f"connection group {evidence.group_label(self.client_group)}"
            if self.client_group
            else "",
            f"domain {self.domain}" if self.domain else "",
            f"name like {self.name_pattern}" if self.name_pattern else "",
            f"country {self.country}" if self.country else "",
            f"from {self.signed_from:%Y-%m-%d %H:%M}" if self.signed_from else "",
            f"until {self.signed_until:%Y-%m-%d %H:%M}" if self.signed_until else "",
            f"source {self.source}" if self.source else "",
        ]
        return "; ".join(part for part in parts if part)[:300]

    def condition(self, petition_id: int) -> ColumnElement[bool]:
        """The signatures of the petition the rule takes now (never withdrawn or set aside)."""
        conditions = [Signature.petition_id == petition_id, Signature.state.in_(TAKEN_FROM)]
        if self.ip_range:
            hashes = evidence.range_hashes(self.ip_range)
            column = getattr(Signature, hashes.column)
            conditions.append(
                or_(
                    false(),
                    *(
                        and_(Signature.client_key_id == key_id, column.in_(values))
                        for key_id, values in hashes.by_key.items()
                    ),
                )
            )
        if self.client_group:
            conditions.append(in_group(self.client_group))
        if self.domain:
            domain = like_escaped(self.domain)
            conditions.append(
                or_(
                    Signature.email_normalized.like(f"%@{domain}", escape="\\"),
                    Signature.email_normalized.like(f"%.{domain}", escape="\\"),
                )
            )
        if self.name_pattern:
            pattern = like_escaped(self.name_pattern.strip()).replace("*", "%")
            conditions.append(Signature.full_name.ilike(pattern, escape="\\"))
        if self.country:
            conditions.append(Signature.country == self.country)
        if self.signed_from:
            conditions.append(Signature.created_at >= self.signed_from)
        if self.signed_until:
            conditions.append(Signature.created_at < self.signed_until)
        if self.source:
            conditions.append(Signature.source == self.source)
        return and_(*conditions)


@dataclass(frozen=True)
class Preview:
    """How many signatures a rule matches now, by the state it would take them from."""

    pending: int
    counted: int
    quarantined: int

    @property
    def total(self) -> int:
        return self.pending + self.counted + self.quarantined


def preview(petition_id: int, rule: Rule) -> Preview:
    """Count what the rule would take now; nothing is changed.

    :raises RuleRefused: for a rule that names nothing or names something badly.
    """
    _checked(rule)
    by_state = dict(
        db.session.execute(
            select(Signature.state, func.count())
            .where(rule.condition(petition_id))
            .group_by(Signature.state)
        ).all()
    )
    db.session.rollback()
    return Preview(
        pending=by_state.get(SignatureState.PENDING, 0),
        counted=by_state.get(SignatureState.CONFIRMED, 0),
        quarantined=by_state.get(SignatureState.QUARANTINED, 0),
    )


def _checked(rule: Rule) -> None:
    try:
        rule.check()
    except evidence.RangeRefused as refused:
        raise RuleRefused(str(refused)) from None


def rule_fields() -> list[str]:
    """The names of a rule's criteria (each an Invalidation column too)."""
    return [field.name for field in fields(Rule)]
