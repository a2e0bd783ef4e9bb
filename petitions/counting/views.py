"""Counters anyone may show: the SVG badge."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template

from petitions.counting import public

bp = Blueprint("counting", __name__)


@bp.get("/badge/<slug>.svg")
def badge(slug: str) -> Response:
    """Draw the count and the progress to the goal as an SVG image, usable in any <img>."""
    found = public.petition_count(slug) or abort(404)
    data = found.data
    percent = min(100, data["signature_count"] * 100 // data["goal"]) if data["goal"] else 0
    return public.conditional_response(
        found,
        lambda: Response(
            render_template("counting/badge.svg", data=data, percent=percent),
            mimetype="image/svg+xml",
        ),
    )
