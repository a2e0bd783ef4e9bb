"""The OpenAPI 3 document of the public API, kept true by tests that run schemathesis against it."""

from __future__ import annotations

from typing import Any

from flask import current_app

from petitions.cases.models import CaseStatus
from petitions.links import absolute_url

_CASE = {
    "type": "object",
    "required": ["slug", "prisoner_name", "status", "detained_since"],
    "properties": {
        "slug": {"type": "string"},
        "prisoner_name": {"type": "string"},
        "status": {"type": "string", "enum": [status.value for status in CaseStatus]},
        "detained_since": {
            "type": ["string", "null"],
            "format": "date",
            "description": "The day of arrest of the detention not ended yet; null if none.",
        },
    },
    "additionalProperties": False,
}

_SUMMARY_PROPERTIES: dict[str, Any] = {
    "slug": {"type": "string", "example": "free-ales-bialiatski"},
    "title": {"type": "string"},
    "summary": {"type": "string"},
    "language": {
        "type": "string",
        "example": "en",
        "description": "The language title, summary and addressee are written in (the original).",
    },
    "status": {"type": "string", "enum": ["open", "closed"]},
    "addressee": {"type": "string", "example": "Embassy of the Republic of Belarus, The Hague"},
    "goal": {"type": "integer", "minimum": 1},
    "signature_count": {
        "type": "integer",
        "minimum": 0,
        "description": (
            "Confirmed, not withdrawn signatures; exact, at most COUNT_CACHE_SECONDS old."
        ),
    },
    "online_count": {
        "type": "integer",
        "minimum": 0,
        "description": "Of signature_count, the signatures made online.",
    },
    "paper_count": {
        "type": "integer",
        "minimum": 0,
        "description": (
            "Of signature_count, the signatures collected on paper sheets and entered by the "
            "organizers. A person who signed both ways counts once, online (their paper "
            "signature is set aside with the reason paper-twin)."
        ),
    },
    "progress_percent": {
        "type": "integer",
        "minimum": 0,
        "maximum": 100,
        "description": "signature_count as a whole percent of goal: rounded down, at most 100.",
    },
    "case": {"$ref": "#/components/schemas/Case"},
}

_SIGNER = {
    "type": "object",
    "required": ["name", "city", "country", "confirmed_on"],
    "properties": {
        "name": {
            "type": "string",
            "description": "Only signers who agreed to be named publicly are listed at all.",
        },
        "city": {"type": "string"},
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "confirmed_on": {"type": ["string", "null"], "format": "date"},
    },
    "additionalProperties": False,
}

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
            "additionalProperties": False,
        }
    },
    "additionalProperties": False,
}

_CACHING_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Send back as If-None-Match."},
    "Cache-Control": {"schema": {"type": "string"}},
}


def _not_modified() -> dict[str, Any]:
    return {
        "description": "The client's copy (If-None-Match) is current.",
        "headers": _CACHING_HEADERS,
    }


def _not_found() -> dict[str, Any]:
    return {
        "description": "No such public petition.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def document() -> dict[str, Any]:
    """Return the OpenAPI document, with the server's own base URL."""
    country_min = current_app.config["PUBLIC_COUNTRY_MIN"]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Petitions public API",
            "version": "1",
            "description": (
                "Read-only numbers of public petitions. Open to any origin (CORS) for GET; every "
                "answer carries an ETag, and a matching If-None-Match gets 304."
            ),
        },
        # The API's root: the absolute address of its first path, less that path.
        "servers": [{"url": absolute_url("api.petitions").removesuffix("/petitions")}],
        "paths": {
            "/petitions": {
                "get": {
                    "operationId": "listOpenPetitions",
                    "summary": "Open petitions with their counts",
                    "responses": {
                        "200": {
                            "description": "The open petitions, most signed first.",
                            "headers": _CACHING_HEADERS,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/PetitionList"}
                                }
                            },
                        },
                        "304": _not_modified(),
                    },
                }
            },
            "/petitions/{slug}": {
                "get": {
                    "operationId": "getPetition",
                    "summary": "A public petition: count, goal, latest named signers, countries",
                    "parameters": [
                        {
                            "name": "slug",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The petition.",
                            "headers": _CACHING_HEADERS,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/PetitionDetails"}
                                }
                            },
                        },
                        "304": _not_modified(),
                        "404": _not_found(),
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "Case": _CASE,
                "PetitionSummary": {
                    "type": "object",
                    "required": list(_SUMMARY_PROPERTIES),
                    "properties": _SUMMARY_PROPERTIES,
                    "additionalProperties": False,
                },
                "PetitionDetails": {
                    "type": "object",
                    "required": [
                        *_SUMMARY_PROPERTIES,
                        "latest_signers",
                        "counts_by_country",
                        "set_aside",
                    ],
                    "properties": {
                        **_SUMMARY_PROPERTIES,
                        "latest_signers": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/Signer"},
                        },
                        "counts_by_country": {
                            "type": "object",
                            "additionalProperties": {"type": "integer", "minimum": country_min},
                            "description": (
                                "Confirmed signatures by ISO 3166 country code, only for "
                                f"countries with at least {country_min} of them."
                            ),
                        },
                        "set_aside": {"$ref": "#/components/schemas/SetAside"},
                    },
                    "additionalProperties": False,
                },
                "SetAside": {
                    "type": "object",
                    "description": (
                        "Signatures confirmed by mail but not in signature_count: quarantined "
                        "(past a quarantine limit, waiting for an organizer's review) or "
                        "invalidated (set aside by an organizer's rule), and how many for each "
                        "reason (client-burst, client-sustained, domain, country, disposable, "
                        "blocked, rule, paper-twin)."
                    ),
                    "required": ["quarantined", "invalidated", "by_reason"],
                    "properties": {
                        "quarantined": {"type": "integer", "minimum": 0},
                        "invalidated": {"type": "integer", "minimum": 0},
                        "by_reason": {
                            "type": "object",
                            "additionalProperties": {"type": "integer", "minimum": 1},
                        },
                    },
                    "additionalProperties": False,
                },
                "PetitionList": {
                    "type": "object",
                    "required": ["petitions"],
                    "properties": {
                        "petitions": {
                            "type": "array",
                            "items": {"$ref": "#/components/schemas/PetitionSummary"},
                        }
                    },
                    "additionalProperties": False,
                },
                "Signer": _SIGNER,
                "Error": _ERROR,
            }
        },
    }
