"""Building and sending one chunk of a claimed batch (see mail/worker.py for the batches).

A chunk's mails are built first, each on its own (one that cannot be built fails alone), then
counted against the per-address limit together, then sent one by one over the transport's
kept connection; each outcome is noted in the ledger (mail/outcomes.py), never raised.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from email.message import EmailMessage

from flask import current_app

from petitions.limits import LimitUnavailable, allow_mail_to_each
from petitions.mail import messages
from petitions.mail.outcomes import Claimed, Ledger
from petitions.mail.sender import PermanentFailure, TemporaryFailure, Transport, build_message

log = logging.getLogger(__name__)


class HeldBack(Exception):
    """The recipient's address is over MAIL_PER_ADDRESS_LIMIT; the mail is not sent."""


def _build(
    row: Claimed, compose: Callable[[], messages.Mail], sender: str
) -> tuple[EmailMessage, str | None]:
    """Compose and assemble one message; whatever goes wrong with it fails it alone.

    :returns: the message, and the address the per-address mail limit counts it against.
    :raises messages.NotSendable: if it cannot be built, for any reason (old data, a bug): the
        worker must go on with the next message rather than die on this one at every restart.
    """
    try:
        mail = compose()
        return build_message(mail, row.message_id, sender), mail.limited_address
    except messages.NotSendable:
        raise
    except Exception as error:
        # Only the type: the error's text may quote an address or a name.
        reason = f"the message could not be built ({type(error).__name__})"
        raise messages.NotSendable(reason) from None


def _named(row: Claimed) -> int | None:
    """The id a row's builder reads: its update recipient, its letter, or its signature."""
    if row.update_recipient_id is not None:
        return row.update_recipient_id
    return row.letter_id if row.letter_id is not None else row.signature_id


def ready(chunk: list[Claimed]) -> list[EmailMessage | Exception]:
    """Build a chunk's mails and count them against the per-address limit, in one go each.

    :returns: for each row, its message, or why it is not to be sent (NotSendable, HeldBack,
        LimitUnavailable); a mail counted here that a stop then keeps from going out is counted
        again when it is sent.
    """
    sender = current_app.config["MAIL_FROM"]
    composers = messages.prepare_many([(row.kind, _named(row)) for row in chunk])
    ready: list[EmailMessage | Exception] = []
    counted: list[tuple[int, str]] = []
    for position, (row, compose) in enumerate(zip(chunk, composers, strict=True)):
        try:
            message, address = _build(row, compose, sender)
        except messages.NotSendable as unsendable:
            ready.append(unsendable)
            continue
        ready.append(message)
        # Counted on the first attempt only: a retry is the same mail, not one more.
        if row.attempts == 0 and address is not None:
            counted.append((position, address))
    try:
        allowed = allow_mail_to_each([address for _, address in counted])
    except LimitUnavailable as unavailable:
        allowed = [False] * len(counted)
        held: Exception = unavailable
    else:
        held = HeldBack()
    for (position, _), within in zip(counted, allowed, strict=True):
        if not within:
            ready[position] = held
    return ready


def deliver(
    row: Claimed, ready: EmailMessage | Exception, transport: Transport, ledger: Ledger
) -> None:
    """Send one mail (see ready) and note its outcome; nothing it raises ends the drain."""
    try:
        if isinstance(ready, Exception):
            raise ready
        transport.send(ready)
    except messages.NotSendable as unsendable:
        ledger.failed(row, str(unsendable))
        log.warning("outbox message %s cannot be sent: %s", row.id, unsendable)
    except HeldBack:
        ledger.failed(
            row, "held back: the address has had its share of mail (MAIL_PER_ADDRESS_LIMIT)"
        )
        log.warning("outbox message %s held back by the per-address mail limit", row.id)
    except LimitUnavailable as unavailable:
        # Not an attempt: nothing was sent and the limit is still to be counted.
        ledger.retrying(row, f"rate-limit storage unreachable ({unavailable})", attempted=False)
        log.warning("outbox message %s waits for the rate-limit storage: %s", row.id, unavailable)
    except PermanentFailure as failure:
        ledger.failed(row, str(failure))
        log.error("outbox message %s failed for good: %s", row.id, failure)
    except TemporaryFailure as failure:
        ledger.retrying(row, str(failure))
        log.warning("outbox message %s will be retried: %s", row.id, failure)
    else:
        ledger.sent_one(row)
