"""Public pages: the list of open petitions, a case with its timeline, a petition."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from petitions.cases import services
from petitions.cases.models import Petition
from petitions.signing import moderation
from petitions.signing.forms import SignForm

bp = Blueprint("cases", __name__)


@bp.get("/")
def index() -> str:
    """List open petitions with their counts."""
    return render_template("cases/index.html", petitions=services.open_petitions())


@bp.get("/cases/<slug>")
def case(slug: str) -> str:
    """Show a prisoner's case, its timeline and its petitions."""
    found = services.public_case(slug) or abort(404)
    return render_template(
        "cases/case.html", case=found, petitions=services.public_petitions_of(found)
    )


@bp.get("/cases/<slug>/portrait/<digest>")
def portrait(slug: str, digest: str) -> Response:
    """Serve a case's portrait; its address names its content, so it may be cached for ever."""
    found = services.portrait_of(slug, digest) or abort(404)
    response = Response(found.data, mimetype=found.content_type)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    # The type is ours (set on re-encoding); a browser must not guess another one.
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def render_petition_page(
    petition: Petition, form: SignForm, status: int = 200, notice: str | None = None
) -> tuple[str, int]:
    """Render a petition with its sign form (fresh, or with the signer's input and errors).

    :param notice: a sentence above the form saying why it is shown again.
    """
    return (
        render_template(
            "cases/petition.html",
            petition=petition,
            form=form,
            notice=notice,
            signers=moderation.latest_public_signers(petition.id),
            comments=moderation.public_comments(petition.id),
        ),
        status,
    )


@bp.get("/p/<slug>")
def petition(slug: str) -> tuple[str, int]:
    """Show a petition, its count and the sign form."""
    found = services.public_petition(slug) or abort(404)
    form = SignForm(formdata=None, source=request.args.get("ref", ""))
    return render_petition_page(found, form)
