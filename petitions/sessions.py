"""The session cookie, kept off the answers that shared caches keep for everybody."""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

#: Blueprints whose answers shared caches may keep (the API, the badge, embed.js and the
#: embeds, which live in other sites' pages and carry ?lang= on every request). Their answers
#: depend on the URL and on the headers they name in Vary, never on a visitor's cookie.
SHARED_BY_CACHES = frozenset({"api", "counting", "embeds"})
#: Single views elsewhere whose answers are the same for everybody.
_SHARED_ENDPOINTS = frozenset({"cases.portrait"})


class PublicAnswersSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that public answers never set or vary on one.

    Flask adds ``Vary: Cookie`` to every answer whose session was looked at, and Flask-Login
    looks at it after every request; a cache in front would then keep one copy of a badge per
    visitor, or, if it ignores Vary, hand one visitor's copy to the next.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if request.blueprint in SHARED_BY_CACHES or request.endpoint in _SHARED_ENDPOINTS:
            return
        super().save_session(app, session, response)
