"""The one builder of absolute links (BASE_URL + path): mails, bundles, snippets, the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from werkzeug.routing import BuildError


def absolute_url(endpoint: str, **values: Any) -> str:
    """Return BASE_URL plus the endpoint's path, in a request and in a CLI command alike.

    The URL map is bound to BASE_URL itself (scheme, host and any path prefix), never to the
    request: a link in a mail or a printed bundle must not depend on the host name a request
    happened to arrive under, and a worker or CLI command has no request at all. The host comes
    out lower-cased and IDNA-encoded (Werkzeug's ``bind``), which names the same site.

    :raises BuildError: if the endpoint does not exist or lacks a value.
    """
    base = urlsplit(str(current_app.config["BASE_URL"]))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    # As url_for does: the app's and blueprints' @url_defaults fill in values first.
    current_app.inject_url_defaults(endpoint, values)
    try:
        return adapter.build(endpoint, values, force_external=True)
    except BuildError as error:
        return current_app.handle_url_build_error(error, endpoint, values)


def site_host() -> str:
    """Return the host name the service is reached at (BASE_URL's), e.g. for a printed byline."""
    return urlsplit(str(current_app.config["BASE_URL"])).hostname or "petitions"


def organization_name() -> str:
    """Who runs the service, as bundles and preview images name it: ORGANIZATION_NAME, else
    the host name of BASE_URL."""
    configured = str(current_app.config.get("ORGANIZATION_NAME") or "").strip()
    return configured or site_host()


def site_origin() -> str:
    """Return the origin (scheme, host, port) of BASE_URL: where our own pages post from."""
    base = urlsplit(str(current_app.config["BASE_URL"]))
    return f"{base.scheme}://{base.netloc}".lower()


def language_alternates() -> list[tuple[str, str]]:
    """The current public page in each language: (hreflang, absolute URL), ``x-default`` last.

    For ``<link rel="alternate" hreflang>``: a search engine, and a reader's share preview,
    then find each language's page, and the page without ``?lang=`` (which follows the
    browser's languages) as the default. Other query values (a ``?ref=`` code) stay out: the
    alternates name the page, not one visit to it.
    """
    if not has_request_context() or request.endpoint is None:
        return []
    alternates = [(code, _this_page(code)) for code in current_app.config["LANGUAGES"]]
    alternates.append(("x-default", _this_page(None)))
    return alternates


def _this_page(language: str | None) -> str:
    """The current page's absolute address with only ``lang`` in its query (None: none)."""
    return absolute_url(str(request.endpoint), **(request.view_args or {}), lang=language)


def share_links(url: str, text: str) -> list[tuple[str, str]]:
    """Where a signer may pass a petition on: (service, address of its share page).

    Plain links, opened only when clicked: the page loads nothing from these services (no
    button script, no icon), so none of them learns who read the thank-you page.
    """
    both = quote(f"{text} {url}")
    return [
        ("WhatsApp", f"https://wa.me/?text={both}"),
        ("Telegram", f"https://t.me/share/url?url={quote(url)}&text={quote(text)}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={quote(url)}"),
        ("X", f"https://x.com/intent/post?text={quote(text)}&url={quote(url)}"),
    ]


def this_page_url() -> str:
    """The current page's own address in its language (no other query values): a preview's."""
    return _this_page(str(get_locale() or "en"))
