"""A write the database could not take now: answered "please try again", never a 500.

SQLite gives up on a write lock after its busy timeout; PostgreSQL can refuse on a lock
timeout, a failover or a full disk. Nothing was recorded in those cases, so the signer may
simply send the form again.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError

from petitions.extensions import db

log = logging.getLogger(__name__)

#: Seconds a signer is asked to wait before sending the form again (the Retry-After header).
RETRY_AFTER_SECONDS = 5

_P = ParamSpec("_P")
_R = TypeVar("_R")


class DatabaseBusy(Exception):
    """The database refused or timed out a write; nothing was recorded."""


def try_again() -> str:
    """Say above a form shown again that it was not recorded, for a passing reason."""
    return str(
        _(
            "Your signature could not be recorded just now because the service is busy. "
            "Your details are kept: please wait a few seconds and press Sign again."
        )
    )


def retryable(action: Callable[_P, _R]) -> Callable[_P, _R]:
    """Turn a database error escaping ``action`` into :class:`DatabaseBusy`."""

    @functools.wraps(action)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return action(*args, **kwargs)
        except DBAPIError as error:
            db.session.rollback()
            # The engine hides bound parameters (hide_parameters) and the log filter scrubs
            # the traceback, so the cause can be logged without the signer's details.
            log.warning(
                "%s: the database refused the write (%s)",
                action.__name__,
                type(error.orig).__name__,
                exc_info=True,
            )
            raise DatabaseBusy() from None

    return wrapper
