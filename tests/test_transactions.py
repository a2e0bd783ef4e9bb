"""A unique constraint has the last word: the commit that breaks it says so in words."""

from __future__ import annotations

import pytest
from flask import Flask

from petitions.accounts.models import Organizer
from petitions.clock import utcnow
from petitions.extensions import db
from petitions.transactions import commit_or_raise


class Taken(Exception):
    pass


def test_a_refused_commit_is_rolled_back_and_raises_the_domain_error(app: Flask) -> None:
    db.session.add(Organizer(email="hanna@example.org", password_hash="x", created_at=utcnow()))
    commit_or_raise(Taken("unused"))

    db.session.add(Organizer(email="hanna@example.org", password_hash="y", created_at=utcnow()))
    with pytest.raises(Taken, match="in use") as raised:
        commit_or_raise(Taken("in use"))

    assert raised.value.__suppress_context__  # the SQL error (and its values) is not chained
    assert db.session.query(Organizer).count() == 1  # the session is usable again
