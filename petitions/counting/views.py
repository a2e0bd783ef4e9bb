"""Counters anyone may show: the SVG badge, and the link preview image with the count."""

from __future__ import annotations

import logging

from cachetools import LRUCache
from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import format_percent, get_locale

from petitions.cases.models import percent_of_goal
from petitions.counting import previews, public
from petitions.font_discovery import FontsMissing
from petitions.memo import Memo

bp = Blueprint("counting", __name__)

log = logging.getLogger(__name__)

#: Rendered badges kept per process, keyed by the numbers' ETag and the language: a badge on a
#: busy page is drawn once per change, not once per view. The least recently drawn go first.
_RENDERED_LIMIT = 256

_rendered_badges: Memo[tuple[str, str], str] = Memo(
    "petitions.badges", lambda config: LRUCache(maxsize=_RENDERED_LIMIT)
)


def _rendered(found: public.PublicCount) -> str:
    key = (found.etag, str(get_locale()))
    svg = _rendered_badges.get(key)
    if svg is None:
        data = found.data
        percent = percent_of_goal(data["signature_count"], data["goal"], capped=False)
        # The bar stops at the goal; the words tell the real share (400%, not "100%").
        svg = render_template(
            "counting/badge.svg",
            data=data,
            bar=min(1.0, data["signature_count"] / data["goal"]) if data["goal"] else 0.0,
            share=format_percent(percent / 100),
        )
        _rendered_badges.set(key, svg)
    return svg


@bp.get("/badge/<slug>.svg")
def badge(slug: str) -> Response:
    """Draw the count and the progress to the goal as an SVG image, usable in any <img>."""
    found = public.petition_count(slug) or abort(404)
    # Drawn in the reader's language (?lang= or Accept-Language): one ETag per language.
    return public.conditional_response(
        found,
        lambda: Response(_rendered(found), mimetype="image/svg+xml"),
        variant=str(get_locale()),
        vary=("Accept-Language",),
    )


@bp.get("/p/<slug>/preview/<lang>.png")
def preview(slug: str, lang: str) -> Response:
    """Serve a petition's link preview image in a language (og:image), drawn when it changed."""
    found = previews.preview_of(slug, lang) or abort(404)
    etag = found.digest
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        try:
            response = Response(previews.image_of(found), mimetype="image/png")
        except FontsMissing as missing:
            # A machine set up without fonts: the page's preview goes without its image, and
            # the log says what to install.
            log.error("Cannot draw a preview image: %s", missing)
            abort(503)
    response.set_etag(etag)
    response.headers["Cache-Control"] = (
        f"public, max-age={current_app.config['PREVIEW_IMAGE_MAX_AGE']}"
    )
    return response
