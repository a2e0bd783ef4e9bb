"""Public JSON API, version 1."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort

from petitions.api import schemas
from petitions.cases import services as cases

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/petitions/<slug>")
def petition(slug: str) -> dict[str, Any]:
    """Return a public petition with its exact count."""
    found = cases.public_petition(slug) or abort(404)
    return schemas.petition_summary(found)
