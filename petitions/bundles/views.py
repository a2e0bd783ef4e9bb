"""Checking a bundle: the public page anyone holding a printed one can open.

Printing bundles is the organizer area's (``manage.download_bundle``): its form errors are
shown on the petition's dashboard, which is manage's page.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from petitions import public_pages
from petitions.bundles import services

bp = Blueprint("bundles", __name__)

_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


@bp.get("/verify/<fingerprint>")
def verify(fingerprint: str) -> ResponseReturnValue:
    """Say what a bundle with this fingerprint holds, and when it was generated and delivered."""
    if not _FINGERPRINT.fullmatch(fingerprint):
        abort(404)
    found, deliveries = services.verification(fingerprint)
    page = render_template(
        "bundles/verify.html", fingerprint=fingerprint, bundles=found, deliveries=deliveries
    )
    # A bundle's facts change only with a delivery recorded (an ORM write drops kept pages);
    # an unknown fingerprint is answered afresh, so a bundle printed a moment ago is found.
    return public_pages.cached_page(lambda: page) if found else (page, 404)
