"""How long what a signer gives is kept: every limit, read from the settings that enforce it.

The privacy page (petitions/about/) states exactly these, so it cannot disagree with the code:
a setting changed in production changes the page. A new limit (issue #16) is one more entry in
:func:`retention_limits`, next to the code that enforces it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext

from petitions import limits
from petitions.i18n import format_duration

#: The rate limits about signers counted per connection (its IPv4 address or IPv6 /64, under a
#: keyed hash of it: limits.client_key): Flask-Limiter's request limits.
BY_CONNECTION = (limits.SIGN, limits.SIGNATURE_LINKS)
#: Those keyed by a keyed hash of the mailbox, or of the petition and the connection, domain or
#: country (limits.py): no address is in their keys.
BY_HASH = (
    limits.MAIL_TO_ADDRESS,
    limits.CLIENT_BURST,
    limits.CLIENT_SUSTAINED,
    limits.FROM_DOMAIN,
    limits.FROM_COUNTRY,
)


@dataclass(frozen=True)
class RetentionLimit:
    """One thing kept about signers, and for how long."""

    #: A stable name for it (the privacy page's ``data-testid``).
    name: str
    #: The longest it is kept, in seconds; None when only the signer's withdrawal ends it.
    seconds: int | None
    #: The rule as a signer reads it: whole sentences in the current language.
    sentence: str


def longest_window(of: tuple[limits.Limit, ...]) -> int:
    """Return the seconds after which every counter of these rate limits has expired."""
    return max(item.get_expiry() for limit in of for item in limit.windows())


def retention_limits() -> list[RetentionLimit]:
    """List every limit on how long signers' data is kept, in the current language.

    Read from the settings the code enforces them with: CONFIRM_TOKEN_MAX_AGE (tokens.py),
    EVIDENCE_RETENTION_DAYS (defence/evidence.py, erased hourly by the worker) and the windows
    of the rate limits about signers (limits.py), whose counters expire with them. Signatures
    themselves, confirmed or not, have no end yet but their owner's withdrawal, and the page
    says so.
    """
    config = current_app.config
    link = int(config["CONFIRM_TOKEN_MAX_AGE"])
    evidence_days = int(config["EVIDENCE_RETENTION_DAYS"])
    return [
        RetentionLimit(
            "confirm-link",
            link,
            gettext(
                "The confirmation link in the mail works for %(duration)s. After that, opening "
                "it offers to send a new link.",
                duration=format_duration(link),
            ),
        ),
        RetentionLimit(
            "unconfirmed",
            None,
            gettext(
                "A signature that is never confirmed is never counted, shown or printed. It is "
                "not yet erased by itself: it is kept until you withdraw it with the link in "
                "the confirmation mail."
            ),
        ),
        RetentionLimit(
            "confirmed",
            None,
            gettext(
                "A confirmed signature is kept until you withdraw it, so that it can be "
                "counted and delivered. No date ends it by itself yet."
            ),
        ),
        RetentionLimit(
            "letters",
            None,
            gettext(
                "A letter you write is kept until you withdraw it with the link in its "
                "confirmation mail, which erases it with your name, city, country and email "
                "address. A letter never confirmed is never read, shown or sent on; it is not "
                "yet erased by itself."
            ),
        ),
        RetentionLimit(
            "evidence",
            (evidence_days + 1) * 86400,
            gettext(
                "The evidence of the connection you signed from is kept until %(duration)s "
                "after the end of the day (UTC) on which you signed. Within the next hour it is "
                "erased together with that day's key, so it never lasts more than %(longest)s "
                "and an hour.",
                duration=format_duration(evidence_days * 86400),
                longest=format_duration((evidence_days + 1) * 86400),
            ),
        ),
        RetentionLimit(
            "rate-limits-connection",
            longest_window(BY_CONNECTION),
            gettext(
                "To stop one connection from sending the sign form, or pressing the buttons "
                "behind the mailed links, too often, requests are counted under a keyed hash "
                "of the connection's IP address (or its IPv6 network) in the rate-limit store, "
                "never under the address itself. These counters expire after at most "
                "%(duration)s.",
                duration=format_duration(longest_window(BY_CONNECTION)),
            ),
        ),
        RetentionLimit(
            "rate-limits-hashed",
            longest_window(BY_HASH),
            gettext(
                "The counters that stop one mailbox from receiving too many mails, and that "
                "hold back for review a surge of signatures from one connection, mail domain "
                "or country, are kept under keyed hashes and expire after at most "
                "%(duration)s.",
                duration=format_duration(longest_window(BY_HASH)),
            ),
        ),
    ]
