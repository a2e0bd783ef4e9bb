"""Dropping cached numbers that are already gone, or failing to, never fails a confirmation.

Under the record day's crowd, a reader stored a petition's numbers again between a
confirmation's delete and cachelib's check that the keys were gone; cachelib's Redis
delete_many then raised, and the signer of a committed confirmation got a 500.
"""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from petitions.counting import public
from petitions.extensions import cache, db
from petitions.signing import services, signals
from petitions.signing.models import Signature, SignatureState
from tests.factories import open_petition, pending_signature


def test_numbers_stored_again_while_being_dropped_are_no_error(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if a reader stored the numbers again right after the delete.
    monkeypatch.setattr(type(cache.cache), "has", lambda self, key: True)
    public.forget("free-ales-bialiatski")


def test_a_receiver_failing_after_the_commit_leaves_the_confirmation_standing(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    petition = open_petition()
    signature = pending_signature(petition)

    def unreachable(sender: object, **extra: object) -> None:
        raise ConnectionError("the cache is unreachable")

    signals.count_changed.connect(unreachable)
    try:
        with caplog.at_level(logging.ERROR):
            outcome = services.confirm(signature.id)
    finally:
        signals.count_changed.disconnect(unreachable)

    assert outcome is services.ConfirmOutcome.CONFIRMED
    db.session.expire_all()
    assert db.session.get(Signature, signature.id).state is SignatureState.CONFIRMED  # type: ignore[union-attr]
    assert "they expire on their own" in caplog.text
