"""Keyed hashes: a value can be compared and counted without being stored."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def keyed_hash(value: str, purpose: str) -> str:
    """Return the hex HMAC-SHA256 of ``value`` under the app secret and a purpose label.

    A plain hash of an IPv4 address can be reversed by trying all four billion of them; keyed
    with the secret it cannot, and the purpose label keeps hashes of one kind useless as
    another.
    """
    secret = current_app.secret_key
    secret_bytes = secret if isinstance(secret, bytes) else str(secret).encode()
    key = secret_bytes + b":" + purpose.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
