"""SQLite writers take turns on an OS file lock, each handed over the moment the last commits.

SQLite lets one connection write at a time. Another writer waits in SQLite's busy handler,
which polls with sleeps of 1, 2, 5, 10, 15… ms. With two gunicorn workers signing at once,
much of the time went into sleeping past the moment the lock was free: `make bench` measured
the sign rate at 20 % of /livez, varying by a factor of two from run to run, and at 30 % with
this queue. Here a writer first queues on ``flock`` (and, within a process, on a thread lock),
which wakes the next writer as soon as the previous one commits or rolls back.

Nothing else changes. Reads never queue, SQLite's own lock still decides who writes, and
``busy_timeout`` still covers writers outside the app. No library does this for SQLAlchemy,
so it is written by hand.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import sqlite3
import threading
from typing import IO, Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

#: Statements that never write; every other statement queues its connection.
_READS = ("SELECT", "PRAGMA")

#: Longest wait on another thread of this process before leaving the decision to SQLite's
#: busy_timeout (the same 15 s), so a thread that writes on two connections at once gets
#: SQLite's "database is locked" as before rather than hanging.
_THREAD_WAIT_SECONDS = 15.0


class _WriterQueue:
    """One per database file and process: a thread lock in front of an flock."""

    def __init__(self, lock_path: str) -> None:
        self.lock_path = lock_path
        self._pid = -1
        self._file: IO[bytes] | None = None
        self._thread_lock = threading.Lock()
        self._owner: int | None = None
        self._depth = 0

    def _for_this_process(self) -> IO[bytes]:
        # A forked gunicorn worker must not share its parent's open file: flock locks belong to
        # the open file, so parent and children would all hold the same lock.
        if self._pid != os.getpid() or self._file is None:
            self._file = open(self.lock_path, "ab")  # noqa: SIM115 - held for the process's life
            self._thread_lock = threading.Lock()
            self._owner, self._depth, self._pid = None, 0, os.getpid()
        return self._file

    def acquire(self) -> bool:
        """Wait for this process's and then every process's turn; False if it gave up waiting."""
        lock_file = self._for_this_process()
        me = threading.get_ident()
        if self._owner == me:
            self._depth += 1
            return True
        if not self._thread_lock.acquire(timeout=_THREAD_WAIT_SECONDS):
            return False
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        self._owner, self._depth = me, 1
        return True

    def close(self) -> None:
        if self._file is not None and self._pid == os.getpid():
            self._file.close()
        self._file = None

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
            assert self._file is not None
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._thread_lock.release()


_queues: dict[str, _WriterQueue] = {}
_queues_lock = threading.Lock()


def _queue_for(database: str) -> _WriterQueue:
    with _queues_lock:
        queue = _queues.get(database)
        if queue is None:
            queue = _queues[database] = _WriterQueue(database + ".write-lock")
        return queue


@atexit.register
def _close_lock_files() -> None:
    for queue in _queues.values():
        queue.close()


class QueuedWriterConnection(sqlite3.Connection):
    """A sqlite3 connection that queues before its first write and leaves the queue once done."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._writer_queue = _queue_for(os.path.abspath(os.fspath(database)))
        self._queued = False

    def queue_for_writing(self) -> None:
        if not self._queued:
            self._queued = self._writer_queue.acquire()

    def _leave_queue(self) -> None:
        if self._queued:
            self._queued = False
            self._writer_queue.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._leave_queue()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._leave_queue()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._leave_queue()


def engine_options(database_uri: str, options: dict[str, Any]) -> dict[str, Any]:
    """Return SQLAlchemy engine options that give a SQLite file database queued writers."""
    if not database_uri.startswith("sqlite:///") or ":memory:" in database_uri:
        return options
    connect_args = {**options.get("connect_args", {}), "factory": QueuedWriterConnection}
    return {**options, "connect_args": connect_args}


@event.listens_for(Engine, "before_cursor_execute")
def _queue_writers(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    connection = getattr(cursor, "connection", None)
    if isinstance(connection, QueuedWriterConnection) and not (
        statement.lstrip()[:6].upper().startswith(_READS)
    ):
        connection.queue_for_writing()
