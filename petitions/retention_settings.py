"""How long signers' and writers' data is kept: the settings the retention run enforces.

Gathered apart from config.py (which merges them in) because they belong together: each is
stated on the privacy page (petitions/privacy/retention.py reads them) and enforced by
petitions/retention/ (`flask retention run`, daily in the mail worker) or, for the evidence,
by petitions/signing/evidence.py every hour.
"""

from __future__ import annotations

from typing import Any

from petitions.environment import ConfigError, _env_int, _env_str


def _days(name: str, default: int, lowest: int, highest: int, why: str) -> int:
    days = _env_int(name, default)
    if not lowest <= days <= highest:
        raise ConfigError(f"{name} must be {lowest} to {highest} days, not {days}. {why}")
    return days


def retention_settings() -> dict[str, Any]:
    """Return the retention settings, read from the environment.

    :raises ConfigError: for a period outside its bounds (personal data kept for a review must
        not quietly become data kept for a campaign's life).
    """
    return {
        #: Days a signature or letter never confirmed is kept; then the retention run deletes it.
        "UNCONFIRMED_RETENTION_DAYS": _days(
            "UNCONFIRMED_RETENTION_DAYS",
            30,
            # Longer than any confirmation link lives (CONFIRM_TOKEN_MAX_AGE, 7 days).
            8,
            365,
            "An unconfirmed signature is never counted: it has no reason to stay.",
        ),
        #: Days the evidence of where signatures came from (keyed hashes of the connection, under
        #: a key of their own day) is kept for review and invalidations, then erased with the
        #: day's key (petitions/defence/evidence.py): between this many days and one more.
        "EVIDENCE_RETENTION_DAYS": _days(
            "EVIDENCE_RETENTION_DAYS",
            3,
            0,
            30,
            "Evidence of where signers connected from is kept for a review, not for a "
            "campaign's life.",
        ),
        #: Days after a petition is both closed and delivered (the later of the two) before its
        #: signers' personal data is anonymised; an organizer may extend it for one petition.
        "ANONYMISE_AFTER_DAYS": _days(
            "ANONYMISE_AFTER_DAYS",
            183,
            1,
            3 * 366,
            "A delivered petition's signers have nothing more to wait for.",
        ),
        #: Days a letter writer's email address is kept once the letter's life is over
        #: (rejected, delivered, or released after a hold): nothing more is mailed about it.
        "LETTER_EMAIL_RETENTION_DAYS": _days(
            "LETTER_EMAIL_RETENTION_DAYS",
            30,
            0,
            365,
            "A letter whose life is over has nothing more to tell its writer.",
        ),
        #: The furthest an organizer may put off a petition's anonymisation at one time.
        "RETENTION_EXTENSION_MAX_DAYS": _days("RETENTION_EXTENSION_MAX_DAYS", 365, 1, 3 * 366, ""),
        #: Rows one statement of the retention run erases or anonymises (one transaction each).
        "RETENTION_BATCH_SIZE": max(1, _env_int("RETENTION_BATCH_SIZE", 500)),
        #: Seconds the "what do you hold about me" link in a mail works (30 days).
        "HOLDINGS_TOKEN_MAX_AGE": _env_int("HOLDINGS_TOKEN_MAX_AGE", 30 * 24 * 3600),
        #: Requests for that mail per client (petitions/limits.py: HOLDINGS).
        "HOLDINGS_RATE_LIMIT": _env_str("HOLDINGS_RATE_LIMIT", "3 per hour; 10 per day"),
    }
