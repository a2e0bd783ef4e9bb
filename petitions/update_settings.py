"""The settings of updates to consenting signers (petitions/updates/), read from the environment.

Kept apart from petitions/config.py, which includes them, so that file stays readable.
"""

from __future__ import annotations

from typing import Any

from petitions.environment import _env_int


def update_settings() -> dict[str, Any]:
    """Return the pace at which an update's mails are queued for the outbox worker."""
    return {
        #: Most update mails sent per minute, all updates together: each queued mail is due a
        #: 1/this-of-a-minute after the one before it, so a large update trickles out at the
        #: pace the mail provider accepts instead of all at once.
        "UPDATE_MAILS_PER_MINUTE": max(1, _env_int("UPDATE_MAILS_PER_MINUTE", 60)),
        #: Recipients queued (a row each, then an outbox mail each) per transaction; the next
        #: batch is queued when the last one's mails fall due, so few wait in the outbox.
        "UPDATE_BATCH_SIZE": max(1, _env_int("UPDATE_BATCH_SIZE", 100)),
    }
