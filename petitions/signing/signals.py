"""What signing tells (and asks) the areas above it, which it must not import.

Counting keeps a cache of each petition's public numbers (counting/public.py) and has to drop
it when a confirmation or a withdrawal commits; embeds knows the partner sites a signer may
come from. Signing sits below both, so instead of calling them it sends signals they subscribe
to (blinker, as Flask's own signals). The sender is the current Flask app.
"""

from __future__ import annotations

import logging

from blinker import Namespace
from flask import Flask, current_app

log = logging.getLogger(__name__)

_signals = Namespace()

#: Sent after a commit that changed a petition's count (a confirmation or a withdrawal), with
#: ``slug=`` the petition's slug. Receivers run in the request (or CLI command) that committed,
#: before it answers, so the next read of the count is fresh.
count_changed = _signals.signal("count-changed")

#: Sent by the "signature confirmed" page of a signer who came from another site, with
#: ``petition_id=`` and ``source=`` (the signature's partner code). A receiver returns the name
#: of that site, to offer the way back to, or None. Embeds answers it for its partners.
came_from = _signals.signal("came-from")


#: Sent inside the transaction that starts counting signatures (a confirmation, a reviewer's
#: release), before it commits, with ``petition_id=`` and ``signature_ids=``. Paper sheets
#: (petitions/paper/) set aside the paper twin of a person just counted online, in the same
#: transaction, so the count never holds one person twice, even for a moment.
counted = _signals.signal("counted")


#: Sent inside the transaction that erases or anonymises signers' personal data (a withdrawal,
#: the retention run), before it commits, with ``signature_ids=`` the signatures concerned.
#: Areas above signing that keep their own rows about those signers (updates they asked for,
#: consent records) delete them in the same transaction, so nothing outlives the erasure.
erasing = _signals.signal("erasing")


def _app() -> Flask:
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return app


def announce_count_changed(slug: str) -> None:
    """Tell the areas above that a commit moved this petition's count.

    The change has committed by now: a receiver that fails (a cache unreachable) costs only
    staleness, which the caches bound by COUNT_CACHE_SECONDS, never the signer's answer.
    """
    try:
        count_changed.send(_app(), slug=slug)
    except Exception:  # noqa: BLE001 - logged; the committed change stands
        log.exception("dropping the cached numbers of %s failed; they expire on their own", slug)


def name_of_origin(petition_id: int, source: str | None) -> str | None:
    """Return the name of the site a signer came from, as the first receiver of came_from says."""
    answers = came_from.send(_app(), petition_id=petition_id, source=source)
    return next((str(name) for _receiver, name in answers if name is not None), None)


def announce_erasing(signature_ids: list[int]) -> None:
    """Tell the areas above that these signatures' personal data is being erased, in the
    caller's transaction: a receiver that fails makes the erasure fail with it (nothing is
    half-erased)."""
    if signature_ids:
        erasing.send(_app(), signature_ids=list(signature_ids))


def announce_counted(petition_id: int, signature_ids: list[int]) -> None:
    """Tell the areas above that these signatures are being counted, in the caller's
    transaction: a receiver that fails makes the change fail with it (nothing half-counted)."""
    if signature_ids:
        counted.send(_app(), petition_id=petition_id, signature_ids=list(signature_ids))
