"""Who may frame what: embeds only by their partner's origins, every other page by nobody."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Response

#: The embed pages' own policy: our scripts and styles only, forms posting only to us.
_EMBED_POLICY = (
    "default-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)


def allow_framing_by(response: Response, origins: Iterable[str]) -> Response:
    """Let only these origins (and our own pages, for the organizer's preview) frame a response.

    X-Frame-Options cannot name several origins, so it is left out; every browser that matters
    honours CSP frame-ancestors.
    """
    ancestors = " ".join(["'self'", *sorted(set(origins))])
    response.headers["Content-Security-Policy"] = f"{_EMBED_POLICY}; frame-ancestors {ancestors}"
    response.headers.pop("X-Frame-Options", None)
    return response


def refuse_framing(response: Response) -> Response:
    """Let nobody frame a response: the site-wide policy, for embed answers with no partner."""
    response.headers["Content-Security-Policy"] = f"{_EMBED_POLICY}; frame-ancestors 'none'"
    response.headers["X-Frame-Options"] = "DENY"
    return response
