"""JSON shapes of the public API; serialisation lives here, never on the models."""

from __future__ import annotations

from typing import Any

from petitions.cases.models import Petition


def petition_summary(petition: Petition) -> dict[str, Any]:
    """Return the public JSON form of a petition."""
    return {
        "slug": petition.slug,
        "title": petition.title,
        "summary": petition.summary,
        "status": petition.status.value,
        "addressee": petition.addressee,
        "goal": petition.goal,
        "signature_count": petition.signature_count,
        "case": {"slug": petition.case.slug, "prisoner_name": petition.case.prisoner_name},
    }


def error(message: str, status: int) -> dict[str, Any]:
    """Return the one error envelope of the API."""
    return {"error": {"status": status, "message": message}}
