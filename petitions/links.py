"""The one builder of absolute links (BASE_URL + path): mails, bundles, snippets, the API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def absolute_url(endpoint: str, **values: Any) -> str:
    """Return BASE_URL plus the endpoint's path, in a request and in a CLI command alike."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        # url_for needs a request (or SERVER_NAME) to build a path; BASE_URL supplies the host.
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return str(current_app.config["BASE_URL"]) + path


def site_host() -> str:
    """Return the host name the service is reached at (BASE_URL's), e.g. for a printed byline."""
    return urlsplit(str(current_app.config["BASE_URL"])).hostname or "petitions"
