"""Which answers search engines may index: public campaign pages yes, personal steps no."""

from __future__ import annotations

from flask import Flask, Response, request

#: Blueprints of a signer's own steps (check your inbox, confirm, withdraw, expired and invalid
#: links) and of the development mailbox: a page a search engine lists there would show a
#: stranger someone's signature, or at least that a link exists.
_PERSONAL_BLUEPRINTS = frozenset({"signing", "mailbox"})
#: The public page among them: the petition itself, with its sign form.
_PUBLIC_ENDPOINTS = frozenset({"signing.petition"})


def _noindex(response: Response) -> Response:
    personal = (
        request.blueprint in _PERSONAL_BLUEPRINTS and request.endpoint not in _PUBLIC_ENDPOINTS
    )
    if request.path.startswith("/organizer") or personal:
        # The header covers every answer, HTML or not (CSV, SVG, PDF), and error pages too.
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def install(app: Flask) -> None:
    """Tell search engines to leave organizer pages and signing steps out of their index."""
    app.after_request(_noindex)
