"""Error pages in one place: HTML for people, the JSON envelope for /api."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from petitions.extensions import limiter

log = logging.getLogger(__name__)


def api_error(message: str, status: int) -> dict[str, Any]:
    """Return the API's one error envelope (its schema "Error" is in api/openapi.py)."""
    return {"error": {"status": status, "message": message}}


def _headings() -> dict[int, str]:
    return {
        404: _("Page not found"),
        413: _("Too much to send"),
        429: _("Please slow down"),
        500: _("Something went wrong"),
    }


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood. Please go back and try again."),
        404: _("There is nothing at this address. The link may be mistyped or out of date."),
        405: _("This page cannot be used that way. Please go back and use the form."),
        413: _(
            "What you sent is larger than this service accepts. Please go back, shorten the "
            "text or choose a smaller picture, and send it again."
        ),
        429: _(
            "Too many requests from your connection. What you just sent was not recorded: "
            "please wait a minute and send it again."
        ),
        500: _("Something went wrong on our side. Please try again in a few minutes."),
    }


def _render(status: int, fallback: str) -> tuple[Response | str, int]:
    message = _messages().get(status, fallback)
    if request.path.startswith("/api/"):
        return jsonify(api_error(message, status)), status
    heading = _headings().get(status) or _("Error %(status)s", status=status)
    return render_template("errors/error.html", heading=heading, message=message), status


def handle_http_error(
    error: HTTPException,
) -> tuple[Response | str, int, dict[str, str]] | HTTPException:
    """Answer an HTTP error with a page (or JSON under /api) that says what to do."""
    if error.code is None or error.code < 400:
        return error
    body, status = _render(error.code, error.description or "")
    # Keep what the error itself must say, e.g. the Allow header of a 405.
    headers = {name: value for name, value in error.get_headers() if name != "Content-Type"}
    if isinstance(error, RateLimitExceeded):
        headers["Retry-After"] = _seconds_until_reset()
    return body, status, headers


def too_many_requests() -> tuple[str, dict[str, str]]:
    """What a refused (429) request is told, and its Retry-After header: for a page that shows
    the refusal beside what was sent (the sign form keeps the signer's input)."""
    return _messages()[429], {"Retry-After": _seconds_until_reset()}


def _seconds_until_reset() -> str:
    # Asked of the storage only on a refusal: rate-limit headers on every answer would cost
    # two storage round trips per sign request and tell a browser nothing.
    breached = limiter.current_limit
    if breached is None:
        return "60"
    return str(max(1, int(breached.reset_at - time.time())))


def handle_unexpected(error: Exception) -> tuple[Response | str, int]:
    """Log an unexpected exception and answer 500 without details."""
    log.exception("unhandled error on %s %s", request.method, request.endpoint)
    return _render(InternalServerError.code, "")


def register(app: Flask) -> None:
    """Attach the error handlers to the app."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
