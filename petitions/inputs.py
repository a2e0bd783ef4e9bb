"""One choke point for input no page can use: NUL bytes in addresses, text bodies over the limit.

PostgreSQL cannot store or compare text holding NUL (psycopg raises, which was a 500 and a
traceback on every public endpoint); SQLite takes it silently. A NUL in the path or the query
string is refused here, before any view or query sees it, so every endpoint added later is
covered too; in a form value, the base form (petitions/forms.py) refuses it next to its field.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, abort, current_app, request
from werkzeug.datastructures import MultiDict

NUL = "\x00"


def _holds_nul(values: MultiDict[str, str]) -> bool:
    pairs: Iterable[tuple[str, str]] = values.items(multi=True)
    return any(NUL in key or NUL in value for key, value in pairs)


def screen_request() -> None:
    """Cap a body that is not a file upload; refuse NUL (404 in the path, 400 in the query)."""
    if request.mimetype != "multipart/form-data":
        # Werkzeug applies MAX_FORM_MEMORY_SIZE to multipart parts only; an urlencoded or JSON
        # body would otherwise be read whole up to MAX_CONTENT_LENGTH, which is sized for a
        # portrait upload. No text form of the service comes near this limit.
        request.max_content_length = min(
            current_app.config["MAX_FORM_MEMORY_SIZE"], current_app.config["MAX_CONTENT_LENGTH"]
        )
    if NUL in request.path:
        abort(404)  # no page has such an address
    if _holds_nul(request.args):
        abort(400)
    # Form values are left to the form (petitions/forms.py), which says it next to the field
    # and keeps what the person typed.


def register(app: Flask) -> None:
    """Screen every request before anything else reads it (register before CSRFProtect)."""
    app.before_request(screen_request)
