"""Checking a bundle: the public page anyone holding a printed one can open.

Printing bundles is the organizer area's (``manage.download_bundle``): its form errors are
shown on the petition's dashboard, which is manage's page.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

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
    return page if found else (page, 404)
