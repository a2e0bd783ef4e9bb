"""The named rate limits of signing, each defined once (Flask-Limiter over RATELIMIT_STORAGE_URI).

Limit strings come from the configuration so an operator can tighten them during a flood
without a release.
"""

from __future__ import annotations

from flask import current_app

from petitions.extensions import limiter


def _sign_limit() -> str:
    return str(current_app.config["SIGN_RATE_LIMIT"])


def _link_limit() -> str:
    return str(current_app.config["LINK_RATE_LIMIT"])


#: Sign POSTs per client IP, shared by every form that creates a signature.
sign_per_ip = limiter.shared_limit(_sign_limit, scope="sign", methods=["POST"])

#: POSTs to confirm, withdraw and resend links per client IP.
links_per_ip = limiter.shared_limit(_link_limit, scope="signature-links", methods=["POST"])
