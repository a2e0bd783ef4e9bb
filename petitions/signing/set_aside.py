"""How many of a petition's signatures were set aside, and why: published on every public
number (petition page, API), so anybody can see that the count was defended (issue #13)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import func, select

from petitions.defence.reasons import public_label
from petitions.extensions import db
from petitions.signing.models import Signature, SignatureState


@dataclass(frozen=True)
class SetAside:
    """A petition's signatures confirmed by mail but not counted, and why (published)."""

    quarantined: int = 0
    invalidated: int = 0
    #: Reason code → signatures set aside for it (quarantined and invalidated together).
    by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.quarantined + self.invalidated

    def reasons(self) -> list[tuple[str, int]]:
        """Each reason in the reader's language with its signatures, the most first."""
        ranked = sorted(self.by_reason.items(), key=lambda pair: (-pair[1], pair[0]))
        return [(str(public_label(code)), count) for code, count in ranked]

    @classmethod
    def from_json(cls, text: str) -> SetAside:
        """Read what as_json wrote (as text); nothing set aside for an empty text."""
        if not text:
            return cls()
        data = json.loads(text)
        return cls(
            quarantined=int(data["quarantined"]),
            invalidated=int(data["invalidated"]),
            by_reason={str(k): int(v) for k, v in data["by_reason"].items()},
        )

    def as_json(self) -> dict[str, object]:
        return {
            "quarantined": self.quarantined,
            "invalidated": self.invalidated,
            "by_reason": dict(sorted(self.by_reason.items())),
        }


def set_aside_of(petition_id: int) -> SetAside:
    """Count a petition's quarantined and invalidated signatures, by reason (one query)."""
    rows = db.session.execute(
        select(Signature.state, Signature.set_aside_reason, func.count())
        .where(
            Signature.petition_id == petition_id,
            Signature.state.in_([SignatureState.QUARANTINED, SignatureState.INVALIDATED]),
        )
        .group_by(Signature.state, Signature.set_aside_reason)
    ).all()
    by_state = {SignatureState.QUARANTINED: 0, SignatureState.INVALIDATED: 0}
    by_reason: dict[str, int] = {}
    for state, reason, count in rows:
        by_state[state] += int(count)
        by_reason[str(reason)] = by_reason.get(str(reason), 0) + int(count)
    return SetAside(
        quarantined=by_state[SignatureState.QUARANTINED],
        invalidated=by_state[SignatureState.INVALIDATED],
        by_reason=by_reason,
    )
