"""Public pages: the list of open petitions, a case with its timeline, a case's pictures.

The petition page, which carries the sign form and signers' comments, is signing's
(signing/views.py): cases sits below signing and knows nothing of signatures.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from petitions import public_pages
from petitions.cases import pictures, services, status, translations

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
        translations.preload([found, *found.timeline, *found.detentions, *petitions])
        today = status.today()
        shown = [found.portrait, *(entry.photo for entry in found.timeline)]
        return render_template(
            "cases/case.html",
            case=found,
            petitions=petitions,
            standing=status.standing_of(found, today),
            today=today,
            days_of=status.days_of,
            days_in_all=status.days_in_all(found, today),
            variants=pictures.widths_of([each.digest for each in shown if each is not None]),
        )

    return public_pages.cached_page(render)


@bp.get("/cases/<slug>/portrait/<digest>")
def portrait(slug: str, digest: str) -> Response:
    """Serve a case's portrait; its address names its content, so it may be cached for ever."""
    found = services.portrait_of(slug, digest) or abort(404)
    return _image(found.data, found.content_type)


@bp.get("/cases/<slug>/images/<digest>/<int:width>")
def image(slug: str, digest: str, width: int) -> Response:
    """Serve a case's portrait or timeline photo at one of its widths (for srcset); cached for
    ever like the portrait."""
    data, content_type = pictures.image_of(slug, digest, width) or abort(404)
    return _image(data, content_type)


def _image(data: bytes, content_type: str) -> Response:
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    # The type is ours (set on re-encoding); a browser must not guess another one.
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
