"""Which answers search engines may index: public campaign pages yes, personal steps no."""

from __future__ import annotations

from flask import Flask, Response, request

#: Blueprints of a signer's own steps (check your inbox, confirm, withdraw, expired and invalid
#: links) and of the development mailbox: a page a search engine lists there would show a
#: stranger someone's signature, or at least that a link exists.
_PERSONAL_BLUEPRINTS = frozenset({"signing", "mailbox"})


def _noindex(response: Response) -> Response:
    if request.path.startswith("/organizer") or request.blueprint in _PERSONAL_BLUEPRINTS:
        # The header covers every answer, HTML or not (CSV, SVG, PDF), and error pages too.
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def install(app: Flask) -> None:
    """Tell search engines to leave organizer pages and signing steps out of their index."""
    app.after_request(_noindex)
