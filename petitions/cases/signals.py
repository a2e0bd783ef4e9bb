"""What cases tell the areas above it, which it must not import.

Letters holds a case's undelivered letters when the prisoner is no longer where they were sent
(letters/holding.py). Cases sits below letters, so instead of calling it it sends this signal,
before its own commit, so the receivers' changes commit with the case's (blinker, as in
signing/signals.py). The sender is the current Flask app.
"""

from __future__ import annotations

from blinker import Namespace
from flask import Flask, current_app

from petitions.cases.models import Case

_signals = Namespace()

#: Sent, inside the transaction that changes it, when a case's status leaves "detained" or its
#: place of detention changes, with ``case=`` the case and ``reason=`` "status" or "place".
#: Receivers add to the session and must not commit: the case's change commits theirs.
whereabouts_changed = _signals.signal("whereabouts-changed")


def announce_whereabouts_changed(case: Case, reason: str) -> None:
    """Tell the areas above, before the commit, that the prisoner is not where they were."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    whereabouts_changed.send(app, case=case, reason=reason)
