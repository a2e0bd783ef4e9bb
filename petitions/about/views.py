"""Pages about the service: who runs it, what it keeps about signers, how to reach them.

Public pages like the campaign pages (petitions/public_pages.py): the same for every visitor
of a language, kept, cacheable, and free of cookies.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, render_template

from petitions import public_pages
from petitions.about import services
from petitions.clock import utcnow
from petitions.links import absolute_url

bp = Blueprint("about", __name__)

#: How far ahead security.txt says it stays valid (RFC 9116 advises less than a year). It is
#: written afresh from the settings on every request, so it never goes stale.
SECURITY_TXT_VALID = dt.timedelta(days=180)


@bp.get("/about")
def about() -> Response:
    """Say who runs the service and what it does (kept for everybody)."""
    return public_pages.cached_page(
        lambda: render_template("about/about.html", organization=services.organization())
    )


@bp.get("/privacy")
def privacy() -> Response:
    """Say exactly what is kept about signers, why, how long and who sees it (kept)."""
    return public_pages.cached_page(
        lambda: render_template("about/privacy.html", facts=services.privacy_facts())
    )


@bp.get("/contact")
def contact() -> Response:
    """Say how to reach the people running the service, and where to report a weakness."""
    return public_pages.cached_page(
        lambda: render_template("about/contact.html", organization=services.organization())
    )


@bp.get("/.well-known/security.txt")
def security_txt() -> Response:
    """Answer RFC 9116's security.txt: where to report a security problem."""
    expires = (utcnow() + SECURITY_TXT_VALID).replace(hour=0, minute=0, second=0, microsecond=0)
    lines = [
        f"Contact: mailto:{current_app.config['SECURITY_EMAIL']}",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"Preferred-Languages: {', '.join(current_app.config['LANGUAGES'])}",
        f"Policy: {absolute_url('about.contact')}#security",
        f"Canonical: {absolute_url('about.security_txt')}",
    ]
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
