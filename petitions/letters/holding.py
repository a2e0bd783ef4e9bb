"""Holding a case's undelivered letters when the prisoner is no longer where they were sent.

When a case's status leaves "detained" or its place of detention changes (cases/signals.py),
every approved letter not printed yet and every printed one not delivered is held, in the
transaction of that change. Held letters are not printed (batches take approved ones only);
an organizer re-routes them (back to approved, printed next for the new channel and address)
or releases them (given back, never printed). Writers who asked to be told get a mail.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

from flask import Flask
from flask.blueprints import BlueprintSetupState
from sqlalchemy import select, update

from petitions.cases import signals
from petitions.cases.models import Case
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.letters.models import Letter, LetterState
from petitions.mail import messages

#: The outbox kinds of the writer's mail after a hold (templates/mail/<kind>.txt and .html).
REROUTED_KIND = "letter_rerouted_for_writer"
RELEASED_KIND = "letter_released_for_writer"

#: What a hold may fall on: approved and not printed, printed and not delivered.
HOLDABLE = (LetterState.APPROVED, LetterState.PRINTED)


class HoldReason(enum.Enum):
    #: The case's status left "detained" (released, in exile, deceased, not known).
    STATUS = "status"
    #: The place of detention changed (a transfer).
    PLACE = "place"


def hold(case: Case, reason: HoldReason) -> int:
    """Hold the case's undelivered letters in the current transaction; the caller commits."""
    result = db.session.execute(
        update(Letter)
        .where(Letter.case_id == case.id, Letter.state.in_(HOLDABLE))
        .values(state=LetterState.HELD, held_reason=reason.value, held_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def held_of(case_id: int) -> Sequence[Letter]:
    """The case's held letters, by number."""
    return (
        db.session.execute(
            select(Letter)
            .where(Letter.case_id == case_id, Letter.state == LetterState.HELD)
            .order_by(Letter.number)
        )
        .scalars()
        .all()
    )


def resolve(case: Case, letter_ids: Sequence[int], reroute: bool, by: str) -> int:
    """Re-route (back to approved, unbatched) or release the given held letters of this case.

    Writers who asked to be told get a mail queued in the same transaction. Returns how many
    letters changed (0: none of them is a held letter of this case).
    """
    letters = (
        db.session.execute(
            select(Letter).where(
                Letter.case_id == case.id,
                Letter.state == LetterState.HELD,
                Letter.id.in_(list(letter_ids)),
            )
        )
        .scalars()
        .all()
    )
    now = utcnow()
    for letter in letters:
        letter.state = LetterState.APPROVED if reroute else LetterState.RELEASED
        letter.batch_id = None
        letter.resolved_by, letter.resolved_at = by, now
        if letter.tell_writer and letter.email is not None:
            messages.queue(REROUTED_KIND if reroute else RELEASED_KIND, None, letter_id=letter.id)
    db.session.commit()
    return len(letters)


def _on_whereabouts_changed(_sender: Flask, **extra: Any) -> None:
    hold(extra["case"], HoldReason(extra["reason"]))


def subscribe(state: BlueprintSetupState) -> None:
    """Hold letters on the changes of cases in the app the letters blueprint joins."""
    signals.whereabouts_changed.connect(_on_whereabouts_changed, sender=state.app, weak=False)
