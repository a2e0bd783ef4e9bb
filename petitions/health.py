"""Health checks for load balancers: is the database reachable, is the rate-limit store?"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from petitions.extensions import db, limiter

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        log.warning("health check: database unreachable", exc_info=True)
        return False
    finally:
        db.session.rollback()


def _limit_store_ok() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 - any failure of the store's client means "not healthy"
        log.warning("health check: rate-limit storage unreachable", exc_info=True)
        return False


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """Report whether the database and the rate-limit storage answer (200) or not (503)."""
    checks = {"database": _database_ok(), "rate_limit_storage": _limit_store_ok()}
    healthy = all(checks.values())
    body = jsonify(status="ok" if healthy else "unavailable", checks=checks)
    body.headers["Cache-Control"] = "no-store"
    return body, 200 if healthy else 503


@bp.get("/livez")
@limiter.exempt
def livez() -> Response:
    """Answer that the process serves requests, touching nothing else (the benchmarks' baseline)."""
    response = jsonify(status="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
