"""Where a cookie-less form was sent from: the Origin / Sec-Fetch-Site check of the sign forms.

The sign forms (the site's and the embedded one) carry no session-bound CSRF token (see the
ticket in petitions/tokens.py), so what stops another site from posting into them is the
browser's own word on where the POST comes from. Browsers send ``Origin`` on every POST and
``Sec-Fetch-Site`` on every request (Chrome 76+, Firefox 90+, Safari 16.4+); no page can forge
or remove either. The check, in order:

1. ``Sec-Fetch-Site: cross-site`` or ``same-site`` is refused unless ``Origin`` names one of
   the extra origins allowed (a partner's site, for its embed);
2. a sender named by ``Origin`` (or, without it, by ``Referer``) must be our own origin or one
   of those extra origins; ``Origin: null`` (sandboxed frames, privacy redirects) is refused;
3. with none of the three headers the POST is taken. Written by hand because it is this
   decision, not a parser: no maintained library makes it for a form without a session.

Why take a request without any header: it does not come from a browser that could be a CSRF
victim today (every browser since 2019 sends ``Origin`` on a POST), but from a script, a
test client or a very old browser. A script can send any header it likes, so refusing would
stop nothing; what bounds a script is the per-IP sign limit and the mailed confirmation. The
one browser case it lets through is a pre-2019 browser on a page that also strips
``Referer``; the gain of such a forged POST is small (signing uses no session, so no victim's
identity is involved: it only borrows the visitor's IP against the per-IP limit, and the
signature still needs its mailed link clicked).
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

#: What Sec-Fetch-Site says of a request from another site (or another subdomain of ours).
_FOREIGN = frozenset({"cross-site", "same-site"})


class NotAnOrigin(ValueError):
    """The value is not a bare http(s) origin; the message says why."""


def normalize_origin(value: str) -> str:
    """Return ``scheme://host[:port]`` in lower case.

    :raises NotAnOrigin: for anything that is not a bare http(s) origin.
    """
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise NotAnOrigin(f"{value!r} is not an origin like https://amnesty.nl.")
    if parts.path not in {"", "/"} or parts.query or parts.fragment or parts.username:
        raise NotAnOrigin(
            f"{value!r} has more than an origin: give only scheme and host, like https://amnesty.nl."
        )
    host = parts.hostname.lower()
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def origin_of(url: str | None) -> str | None:
    """Return the origin of a URL, or None if it has none."""
    if not url:
        return None
    try:
        return normalize_origin(
            f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" if "://" in url else url
        )
    except ValueError:
        return None


def sent_from_allowed_site(
    own: Collection[str | None],
    extra: Collection[str],
    *,
    origin: str | None,
    referer: str | None,
    fetch_site: str | None,
) -> bool:
    """Tell whether a form POST comes from one of our pages (or an allowed partner's).

    :param own: our own origins (BASE_URL's and the request's host), normalised.
    :param extra: further origins allowed to post (a partner's, for its embed).
    :param origin: the ``Origin`` header; ``referer`` the ``Referer``; ``fetch_site`` the
        ``Sec-Fetch-Site`` header.
    """
    named = origin_of(origin)
    if fetch_site in _FOREIGN and named not in extra:
        return False
    if origin is not None and named is None:
        return False  # "null", or garbage: a page that hid where it is
    sender = named or origin_of(referer)
    if sender is not None:
        return sender in own or sender in extra
    return fetch_site in (None, "same-origin")
