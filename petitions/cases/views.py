"""Public pages: the list of open petitions, a case with its timeline, a case's portrait.

The petition page, which carries the sign form and signers' comments, is signing's
(signing/views.py): cases sits below signing and knows nothing of signatures.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from petitions import public_pages
from petitions.cases import services, translations

bp = Blueprint("cases", __name__)


@bp.get("/")
def index() -> Response:
    """List open petitions with their counts (kept for everybody, see public_pages)."""

    def render() -> str:
        petitions = services.open_petitions()
        translations.preload([*petitions, *{petition.case for petition in petitions}])
        return render_template("cases/index.html", petitions=petitions)

    return public_pages.cached_page(render)


@bp.get("/cases/<slug>")
def case(slug: str) -> Response:
    """Show a prisoner's case, its timeline and its petitions (kept for everybody)."""

    def render() -> str:
        found = services.public_case(slug) or abort(404)
        petitions = services.public_petitions_of(found)
        translations.preload([found, *found.timeline, *petitions])
        return render_template("cases/case.html", case=found, petitions=petitions)

    return public_pages.cached_page(render)


@bp.get("/cases/<slug>/portrait/<digest>")
def portrait(slug: str, digest: str) -> Response:
    """Serve a case's portrait; its address names its content, so it may be cached for ever."""
    found = services.portrait_of(slug, digest) or abort(404)
    response = Response(found.data, mimetype=found.content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    # The type is ours (set on re-encoding); a browser must not guess another one.
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
