"""The API's own JSON shape: its error envelope (documented in openapi.py).

A petition's shapes live with the public count (counting/shapes.py), below the API.
"""

from __future__ import annotations

from typing import Any


def error(message: str, status: int) -> dict[str, Any]:
    """Return the one error envelope of the API."""
    return {"error": {"status": status, "message": message}}
