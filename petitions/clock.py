"""The service's one notion of "now"."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Return the current UTC time as a naive datetime, the form every column stores."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
