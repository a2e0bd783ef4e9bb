"""Public JSON API, version 1: open for GET from any origin, cacheable with ETags."""

from __future__ import annotations

from flask import Blueprint, Response, abort, jsonify

from petitions.api.openapi import document
from petitions.counting import public

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/petitions")
def petitions() -> Response:
    """List open petitions with their counts."""
    found = public.open_petitions()
    return public.conditional_response(found, found.json_response)


@bp.get("/petitions/<slug>")
def petition(slug: str) -> Response:
    """Return a public petition: count, goal, status, latest public signers, counts by country."""
    found = public.petition_count(slug) or abort(404)
    return public.conditional_response(found, found.json_response)


@bp.get("/openapi.json")
def openapi() -> Response:
    """Return the OpenAPI 3 document of this API."""
    return jsonify(document())
