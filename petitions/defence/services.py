"""Judging a signature as it is made: past a quarantine limit, or from a throwaway inbox?

A signature over a quarantine limit is not refused: signing answers, mails and thanks exactly
as for any other, and ``set_aside_reason`` on its row makes its confirmation a quarantine
instead of a count (signing/services.py). A bot learns nothing from the answers; a real person
behind a busy connection loses nothing, and an organizer can release them after review.
"""

from __future__ import annotations

import functools

from disposable_email_domains import blocklist as _disposable_domains
from flask import current_app

from petitions import limits
from petitions.defence.reasons import SetAsideReason
from petitions.extensions import client_network

#: Privacy relays give each site an address of its own that reaches a real person: legitimate,
#: never treated as disposable even should the list ever name them.
PRIVACY_RELAYS = frozenset(
    {
        "duck.com",
        "mozmail.com",
        "relay.firefox.com",
        "privaterelay.appleid.com",
        "simplelogin.com",
        "simplelogin.co",
        "slmail.me",
        "aleeas.com",
        "anonaddy.com",
        "anonaddy.me",
        "addy.io",
        "passmail.net",
        "passinbox.com",
    }
)

#: Which quarantine limit says which reason, in the order reasons are preferred.
_REASONS = (
    (limits.CLIENT_BURST, SetAsideReason.CLIENT_BURST),
    (limits.CLIENT_SUSTAINED, SetAsideReason.CLIENT_SUSTAINED),
    (limits.FROM_DOMAIN, SetAsideReason.DOMAIN),
    (limits.FROM_COUNTRY, SetAsideReason.COUNTRY),
)


def _parents(domain: str) -> list[str]:
    """``a.b.example.org`` → itself, ``b.example.org``, ``example.org`` (not the bare TLD)."""
    labels = domain.split(".")
    return [".".join(labels[n:]) for n in range(max(1, len(labels) - 1))]


def is_disposable(domain: str) -> bool:
    """Tell whether mail to ``domain`` (or a parent of it) is a throwaway inbox."""
    names = _parents(domain.lower().rstrip("."))
    if any(name in PRIVACY_RELAYS for name in names):
        return False
    return any(name in _disposable_domains for name in names)


@functools.cache
def _exempt(setting: str) -> frozenset[str]:
    return frozenset(part.strip().lower() for part in setting.split(",") if part.strip())


def assess(slug: str, normalized_email: str, country: str) -> SetAsideReason | None:
    """Count a sign attempt against the quarantine limits; say why to set it aside, if at all.

    Called for every valid sign POST, before the signature is written, whether or not the
    address has signed before, so the work (and the time it takes) tells nobody anything.
    Every limit is counted even when an earlier one is past, so each window sees the whole flow.
    """
    domain = normalized_email.rpartition("@")[2]
    subjects = [
        (limits.CLIENT_BURST, f"{slug}|{client_network()}"),
        (limits.CLIENT_SUSTAINED, f"{slug}|{client_network()}"),
        (limits.FROM_COUNTRY, f"{slug}|{country}"),
    ]
    if domain not in _exempt(current_app.config["QUARANTINE_DOMAIN_EXEMPT"]):
        subjects.append((limits.FROM_DOMAIN, f"{slug}|{domain}"))
    past = limits.past_quarantine_limits(subjects)
    for limit, reason in _REASONS:
        if limit in past:
            return reason
    if is_disposable(domain):
        return SetAsideReason.DISPOSABLE
    return None
