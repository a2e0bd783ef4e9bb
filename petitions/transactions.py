"""Ending a service's transaction where a unique constraint has the last word.

Services own the transaction: a service that writes commits once, at its end, and views never
commit. Where the rule "one of a kind" (an address, a code, a slug) is a unique constraint, the
commit is the check, so two requests racing for the same value cannot both win.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from petitions.extensions import db


def commit_or_raise(taken: Exception) -> None:
    """Commit the session; if a constraint refuses the write, roll it back and raise ``taken``.

    :param taken: the domain error that says, in words, what is already in use.
    """
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise taken from None
