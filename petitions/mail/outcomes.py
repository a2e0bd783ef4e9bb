"""What the worker writes after sending: the outcomes of several mails in one transaction.

The worker notes each mail's outcome here as it goes (a ledger) and writes the ledger out
every few mails (``Ledger.due``): the mails sent since the last write in one UPDATE, each other
outcome (a failure, a retry) in an UPDATE of its own, and one COMMIT for all of them. Nothing
is written while a mail is in flight, so no write lock is held across an SMTP conversation.

Every UPDATE touches a row only while it is still pending under the worker's claim: a row a
withdrawal erased in the meantime (with the rest of its signer's unsent mail) is simply not
there any more, and nothing is left to record for it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from sqlalchemy import case, update

from petitions.clock import utcnow
from petitions.extensions import db
from petitions.mail.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

#: Outcomes written together at most; a crash between sending and writing resends these.
LEDGER_SIZE = 25
#: Seconds an outcome waits at most to be written, however slowly mail goes out.
LEDGER_SECONDS = 0.5


@dataclass
class DrainReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Sign attempts that caused no mail (over their signature's limits, or withdrawn).
    dropped: int = 0


@dataclass(frozen=True)
class Claimed:
    """A claimed row as read right before its mail is built and sent."""

    id: int
    kind: str
    signature_id: int | None
    message_id: str
    attempts: int
    #: The letter it names, for the letters' kinds (then the builder reads it, not signature_id).
    letter_id: int | None = None
    #: The update recipient it names (petitions/updates/): then the builder reads that id.
    update_recipient_id: int | None = None


def retry_delay(attempts: int) -> dt.timedelta:
    """Return the wait before the next try after ``attempts`` failed ones (doubling, capped)."""
    base = current_app.config["OUTBOX_RETRY_BASE_SECONDS"]
    ceiling = current_app.config["OUTBOX_RETRY_MAX_SECONDS"]
    return dt.timedelta(seconds=min(ceiling, base * 2 ** max(0, attempts - 1)))


@dataclass
class Ledger:
    """The outcomes noted since the last write, and the report they are counted in."""

    report: DrainReport
    #: Sent mails and the moment the server took each.
    sent: dict[int, dt.datetime] = field(default_factory=dict)
    #: Every other outcome: its name in the report, its row, the columns it sets.
    others: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    since: float | None = None

    def __len__(self) -> int:
        return len(self.sent) + len(self.others)

    def due(self) -> bool:
        """Whether enough is noted, or noted long enough ago, to be written now."""
        return len(self) >= LEDGER_SIZE or (
            self.since is not None and time.monotonic() - self.since >= LEDGER_SECONDS
        )

    def _noted(self) -> None:
        if self.since is None:
            self.since = time.monotonic()

    def sent_one(self, row: Claimed) -> None:
        self.sent[row.id] = utcnow()
        self._noted()

    def failed(self, row: Claimed, reason: str) -> None:
        """Fail the row for good: it is not tried again."""
        self._other(
            "failed",
            row,
            status=OutboxStatus.FAILED,
            attempts=row.attempts + 1,
            last_error=reason[:500],
        )

    def retrying(self, row: Claimed, reason: str, attempted: bool = True) -> None:
        """Try the row again after its backoff.

        :param attempted: whether it counts as an attempt (False: nothing was tried).
        """
        attempts = row.attempts + 1 if attempted else row.attempts
        self._other(
            "retrying",
            row,
            attempts=attempts,
            last_error=reason[:500],
            next_attempt_at=utcnow() + retry_delay(row.attempts + 1),
        )

    def _other(self, outcome: str, row: Claimed, **values: Any) -> None:
        self.others.append((outcome, row.id, {**values, "claimed_until": None}))
        self._noted()

    def write(self, ours: dt.datetime) -> None:
        """Write what is noted, in one transaction, for the rows still under claim ``ours``."""
        if not self:
            return
        still_ours = (
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.claimed_until == ours,
        )
        if self.sent:
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(self.sent), *still_ours)
                .values(
                    status=OutboxStatus.SENT,
                    attempts=OutboxMessage.attempts + 1,
                    sent_at=case(self.sent, value=OutboxMessage.id),
                    claimed_until=None,
                    last_error=None,
                )
                .execution_options(synchronize_session=False)
            )
        kept: list[str] = []
        for outcome, row_id, values in self.others:
            written = db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row_id, *still_ours)
                .values(**values)
                .returning(OutboxMessage.id)
                .execution_options(synchronize_session=False)
            ).first()
            if written is None:
                # The signer withdrew while the mail was in flight: the withdrawal erased the
                # row with the rest of their unsent mail. Nothing is left to record, or retry.
                log.info("outbox message %s was erased while in flight", row_id)
            else:
                kept.append(outcome)
        db.session.commit()
        # A sent mail is counted whatever became of its row: it did go out.
        self.report.sent += len(self.sent)
        for outcome in kept:
            setattr(self.report, outcome, getattr(self.report, outcome) + 1)
        self.sent, self.others, self.since = {}, [], None
