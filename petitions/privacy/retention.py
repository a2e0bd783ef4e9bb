"""How long what a signer gives is kept: every limit, read from the settings that enforce it.

The privacy page (petitions/about/) states exactly these, so it cannot disagree with the code:
a setting changed in production changes the page. A new limit is one more entry in
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
BY_CONNECTION = (limits.SIGN, limits.SIGNATURE_LINKS, limits.HOLDINGS)
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

    Read from the settings the code enforces them with: CONFIRM_TOKEN_MAX_AGE and
    HOLDINGS_TOKEN_MAX_AGE (tokens.py), EVIDENCE_RETENTION_DAYS (defence/evidence.py, erased
    hourly by the worker), UNCONFIRMED_RETENTION_DAYS, ANONYMISE_AFTER_DAYS and
    LETTER_EMAIL_RETENTION_DAYS (petitions/retention/, run daily by the worker) and the windows
    of the rate limits about signers (limits.py), whose counters expire with them.
    """
    config = current_app.config
    link = int(config["CONFIRM_TOKEN_MAX_AGE"])
    evidence_days = int(config["EVIDENCE_RETENTION_DAYS"])
    unconfirmed_days = int(config["UNCONFIRMED_RETENTION_DAYS"])
    anonymise_days = int(config["ANONYMISE_AFTER_DAYS"])
    letter_email_days = int(config["LETTER_EMAIL_RETENTION_DAYS"])
    holdings_link = int(config["HOLDINGS_TOKEN_MAX_AGE"])
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
            unconfirmed_days * 86400,
            gettext(
                "A signature that is never confirmed is never counted, shown or printed. It is "
                "deleted %(duration)s after you signed, by the daily retention run.",
                duration=format_duration(unconfirmed_days * 86400),
            ),
        ),
        RetentionLimit(
            "confirmed",
            None,
            gettext(
                "A confirmed signature is kept so that it can be counted and delivered. "
                "%(duration)s after the petition is both closed and delivered, your name, "
                "email address, city, comment and the evidence of your connection are erased: "
                "only your country, the times and the state of the signature stay, so the "
                "count, the per-country totals and the bundles' records can still be checked. "
                "No hash of your address is kept, so nobody can test whether you signed. The "
                "organizers may put this off for one petition, with a reason on record. You "
                "may withdraw it earlier at any time.",
                duration=format_duration(anonymise_days * 86400),
            ),
        ),
        RetentionLimit(
            "letters",
            unconfirmed_days * 86400,
            gettext(
                "A letter you write is kept until you withdraw it with the link in its "
                "confirmation mail, which erases it with your name, city, country and email "
                "address. A letter never confirmed is never read, shown or sent on: it is "
                "deleted %(duration)s after you wrote it.",
                duration=format_duration(unconfirmed_days * 86400),
            ),
        ),
        RetentionLimit(
            "letter-emails",
            letter_email_days * 86400,
            gettext(
                "Once a letter's life is over (it was rejected, delivered, or given back after "
                "a hold), your email address is erased from it %(duration)s later: nothing more "
                "will be mailed about it.",
                duration=format_duration(letter_email_days * 86400),
            ),
        ),
        RetentionLimit(
            "holdings-link",
            holdings_link,
            gettext(
                "Every mail we send has a link to ask what we hold about your email address; "
                "we then mail it all to that address. The link works for %(duration)s.",
                duration=format_duration(holdings_link),
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
