"""Who may frame what: embeds only by their partner's origins, every other page by nobody; and
how a frame on a site that is not registered is told so instead of showing a broken box.

``frame-ancestors`` is decided by the browser, after our answer: the server is never told who
frames it. What a request does tell (none of it can make an unregistered site show the form):

- ``?origin=``, which embed.js sets to the partner page's ``location.origin``. Any page can
  write any value there, so it is only believed when it names a site that is *not* registered
  (a site lying about itself only gets a notice instead of a form);
- ``Sec-Fetch-Dest: iframe`` and ``Referer``, which browsers set themselves: the bare iframe
  snippet's request names the page framing it (its origin, under the default referrer policy).
  A page may suppress the Referer, never forge another site's;

so :func:`unregistered_parent` only ever picks between the form, whose ``frame-ancestors``
still names the partner's origins alone (clickjacking stays impossible: the browser checks every
ancestor, whatever we were told), and a notice with no form, no count-changing action and no
signer data, which any site may frame (:func:`allow_framing_by_anyone`). When nothing tells us
(a bare iframe with ``referrerpolicy="no-referrer"``, or a nested frame whose direct parent is
registered but whose top is not) the form goes out, and the browser blocks it as before.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from flask import Response

from petitions import senders

#: The embed pages' own policy: our scripts and styles only, forms posting only to us.
_EMBED_POLICY = (
    "default-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"
)

#: What Sec-Fetch-Dest says of a document loaded into a frame.
_FRAMED = frozenset({"iframe", "frame"})


def allow_framing_by(response: Response, origins: Iterable[str]) -> Response:
    """Let only these origins (and our own pages, for the organizer's preview) frame a response.

    X-Frame-Options cannot name several origins, so it is left out; every browser that matters
    honours CSP frame-ancestors.
    """
    ancestors = " ".join(["'self'", *sorted(set(origins))])
    response.headers["Content-Security-Policy"] = f"{_EMBED_POLICY}; frame-ancestors {ancestors}"
    response.headers.pop("X-Frame-Options", None)
    return response


def allow_framing_by_anyone(response: Response) -> Response:
    """Let any site frame a response: only for the "not registered" notice, which holds nothing
    to click but a link to our own petition page (opened in a new tab)."""
    response.headers["Content-Security-Policy"] = f"{_EMBED_POLICY}; frame-ancestors *"
    response.headers.pop("X-Frame-Options", None)
    return response


def refuse_framing(response: Response) -> Response:
    """Let nobody frame a response: the site-wide policy, for embed answers with no partner."""
    response.headers["Content-Security-Policy"] = f"{_EMBED_POLICY}; frame-ancestors 'none'"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def unregistered_parent(
    allowed: Collection[str],
    own: Collection[str | None],
    *,
    claimed: str | None,
    fetch_dest: str | None,
    referer: str | None,
) -> str | None:
    """Return the origin of the site framing this request when it is known not to be allowed.

    :param allowed: the partner's origins (none for an unknown partner code).
    :param own: our own origins (the organizer's preview frames the form from them).
    :param claimed: the ``?origin=`` embed.js sent; ``fetch_dest``: the ``Sec-Fetch-Dest``
        header; ``referer``: the ``Referer`` header.
    :returns: that origin, or None where the site is allowed or cannot be told.
    """

    def outsider(origin: str | None) -> bool:
        return origin is not None and origin not in allowed and origin not in own

    said = senders.origin_of(claimed)
    if outsider(said):
        return said
    if fetch_dest in _FRAMED:
        parent = senders.origin_of(referer)
        if outsider(parent):
            return parent
    return None
