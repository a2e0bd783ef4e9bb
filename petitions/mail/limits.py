"""How much mail one address may get, all petitions together (MAIL_PER_ADDRESS_LIMIT).

Counted by the outbox worker as it sends, not by the request that queues: the limit is on mail
that actually goes out, a sign request spends no storage round trips on it, and with the
in-process store of a single machine the one worker holds the one true counter.
"""

from __future__ import annotations

import logging

from flask import current_app
from limits import parse_many

from petitions.extensions import limiter
from petitions.privacy.hashing import keyed_hash

log = logging.getLogger(__name__)


class LimitUnavailable(Exception):
    """The rate-limit storage could not be asked; try the mail again later."""


def allow_mail_to(normalized_email: str) -> bool:
    """Count one mail to this address and tell whether it is within the limit.

    Keyed by a hash so the limiter's storage never holds an address.

    :raises LimitUnavailable: if the rate-limit storage is unreachable.
    """
    if not current_app.config["RATELIMIT_ENABLED"]:  # the operator turned every limit off
        return True
    key = keyed_hash(normalized_email, "mail-limit")
    items = parse_many(current_app.config["MAIL_PER_ADDRESS_LIMIT"])
    try:
        # Hit each window in turn and stop at the first refusal: one storage round trip per
        # window in the common case instead of a test and a hit each.
        return all(limiter.limiter.hit(item, "mail-to", key) for item in items)
    except Exception as error:
        # Whatever the store raises (Redis down, a timeout), the mail waits rather than going
        # out unchecked.
        raise LimitUnavailable(type(error).__name__) from error
