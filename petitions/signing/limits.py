"""The named rate limits of signing, each defined once (Flask-Limiter over RATELIMIT_STORAGE_URI).

Limit strings come from the configuration so an operator can tighten them during a flood
without a release.
"""

from __future__ import annotations

from flask import current_app
from limits import parse_many

from petitions.extensions import limiter
from petitions.privacy.hashing import keyed_hash


def _sign_limit() -> str:
    return str(current_app.config["SIGN_RATE_LIMIT"])


def _link_limit() -> str:
    return str(current_app.config["LINK_RATE_LIMIT"])


#: Sign POSTs per client IP, shared by every form that creates a signature.
sign_per_ip = limiter.shared_limit(_sign_limit, scope="sign", methods=["POST"])

#: POSTs to confirm, withdraw and resend links per client IP.
links_per_ip = limiter.shared_limit(_link_limit, scope="signature-links", methods=["POST"])


def allow_mail_to(normalized_email: str) -> bool:
    """Count one signing mail to this address and tell whether it is within the limit.

    Keyed by a hash so the limiter's storage never holds an address.
    """
    key = keyed_hash(normalized_email, "mail-limit")
    items = parse_many(current_app.config["MAIL_PER_ADDRESS_LIMIT"])
    strategy = limiter.limiter
    # Hit each window in turn and stop at the first refusal: two storage round trips in the
    # common case instead of a test and a hit per window.
    return all(strategy.hit(item, "mail-to", key) for item in items)
