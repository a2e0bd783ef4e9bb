"""Erased signer data leaves the database files too, not only the rows (SQLite).

An UPDATE that blanks a name leaves the old bytes in the freed part of the page, and in WAL mode
every earlier version of the page stays in ``-wal`` until a checkpoint copies the pages back and
the log is reset. ``PRAGMA secure_delete`` (set on every connection, see extensions.py) zeroes
freed content; :func:`checkpoint_after_erasure` then moves the zeroed pages into the main file
and truncates the WAL, so the erased email survives in neither file.

PostgreSQL keeps old row versions until VACUUM and its WAL until a checkpoint recycles it; that
is the operator's to manage (README, "Security and privacy").
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from petitions.extensions import db

log = logging.getLogger(__name__)

#: How long the checkpoint waits for readers to move on. A TRUNCATE checkpoint waits for every
#: reader of an older snapshot; with the normal busy timeout a withdrawal under load would hang
#: for seconds. A short wait, then give up: the next withdrawal (or SQLite's automatic
#: checkpoint, which overwrites old frames as the log wraps) finishes the job.
CHECKPOINT_WAIT_MS = 200


def checkpoint_after_erasure() -> bool:
    """Copy the WAL into the database file and truncate it; best effort, never raises.

    :returns: whether the WAL was fully checkpointed (always True on other databases).
    """
    if db.engine.dialect.name != "sqlite":
        return True
    try:
        with db.engine.connect() as connection:
            timeout = connection.execute(text("PRAGMA busy_timeout")).scalar()
            connection.execute(text(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}"))
            try:
                busy, _frames, _copied = connection.execute(
                    text("PRAGMA wal_checkpoint(TRUNCATE)")
                ).one()
            finally:
                connection.execute(text(f"PRAGMA busy_timeout={int(timeout or 0)}"))
    except SQLAlchemyError as error:
        # The withdrawal is committed; a failed checkpoint only delays the overwrite.
        log.warning("WAL checkpoint after erasure failed: %s", type(error).__name__)
        return False
    if busy:
        log.info("WAL checkpoint after erasure incomplete: readers were busy")
    return not busy
