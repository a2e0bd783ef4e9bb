"""Erasing the evidence of where signatures came from once its days are past.

The evidence itself, and why it is kept, is petitions/defence/evidence.py; this is the half that
writes to the signatures, run by the mail worker every hour and by `flask evidence erase`.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import update

from petitions.defence import evidence
from petitions.extensions import db
from petitions.signing.models import Signature

log = logging.getLogger(__name__)


def erase_expired(now: dt.datetime | None = None) -> int:
    """Erase the evidence kept under keys past EVIDENCE_RETENTION_DAYS, and the keys themselves.

    :returns: how many signatures lost their evidence.
    """
    expired = evidence.expired_key_ids(now)
    if not expired:
        db.session.rollback()
        return 0
    erased = db.session.execute(
        update(Signature)
        .where(Signature.client_key_id.in_(expired))
        .values(client_key_id=None, client_hash=None, client_group_hash=None)
        .execution_options(synchronize_session=False)
    )
    evidence.delete_keys(expired)
    db.session.commit()
    count = int(erased.rowcount)  # type: ignore[attr-defined]
    log.info("evidence erased from %d signatures (%d day keys)", count, len(expired))
    return count
