"""The session cookie, kept off the answers that shared caches keep for everybody."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

#: Blueprints whose answers shared caches may keep (the API, the badge, embed.js and the
#: embeds, which live in other sites' pages and carry ?lang= on every request). Their answers
#: depend on the URL and on the headers they name in Vary, never on a visitor's cookie.
SHARED_BY_CACHES = frozenset({"api", "counting", "embeds"})
#: The site's public pages (petitions/public_pages.py): the same for every visitor of a
#: language, cached, and free of cookies. A language remembered in a session cookie still
#: chooses their language, and such an answer is private (see petitions/i18n.py).
PUBLIC_PAGES = frozenset(
    {"cases.index", "cases.case", "signing.petition", "bundles.verify", "letters.wall"}
    | {"about.about", "about.privacy", "about.contact"}
)
#: Single views elsewhere whose answers are the same for everybody, or need no session: the
#: sign POST is defended by the ticket in the form (petitions/tokens.py), not by a session.
_SHARED_ENDPOINTS = frozenset(
    {"cases.portrait", "signing.sign", "about.security_txt", *PUBLIC_PAGES}
)


def shared_by_caches() -> bool:
    """Tell whether the current request's answer may be kept by shared caches (no session)."""
    return request.blueprint in SHARED_BY_CACHES or request.endpoint in _SHARED_ENDPOINTS


def remembers_language() -> bool:
    """Tell whether a language remembered in the session may choose this answer's language.

    Only the site's public pages and the sign POST, and only when the browser sent a session
    cookie at all (reading the session is then free of side effects: it is never saved here).
    """
    return (
        request.endpoint in PUBLIC_PAGES or request.endpoint == "signing.sign"
    ) and current_app.config["SESSION_COOKIE_NAME"] in request.cookies


class PublicAnswersSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except that public answers never set or vary on one.

    Flask adds ``Vary: Cookie`` to every answer whose session was looked at, and Flask-Login
    looks at it after every request; a cache in front would then keep one copy of a page per
    visitor, or, if it ignores Vary, hand one visitor's copy to the next.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if shared_by_caches():
            return
        super().save_session(app, session, response)
