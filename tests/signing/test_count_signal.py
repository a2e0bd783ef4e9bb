"""A confirmation or a withdrawal refreshes the public numbers at once, through a signal.

Signing sits below counting and cannot call its cache; it sends ``count_changed`` after each
commit that moves a count, and counting/public.py drops the cached numbers on it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from petitions.counting import public
from petitions.signing import signals
from petitions.signing.services import ConfirmOutcome, WithdrawOutcome, confirm, withdraw
from tests.conftest import SmtpServer
from tests.factories import confirmed_signature, open_petition, pending_signature


@pytest.fixture
def sent() -> Iterator[list[tuple[object, str]]]:
    """Collect what count_changed carries while the test runs."""
    received: list[tuple[object, str]] = []

    def record(sender: object, slug: str, **extra: object) -> None:
        received.append((sender, slug))

    signals.count_changed.connect(record)
    try:
        yield received
    finally:
        signals.count_changed.disconnect(record)


def public_count(slug: str) -> int:
    found = public.petition_count(slug)
    assert found is not None
    return int(found.data["signature_count"])


def test_a_confirmation_refreshes_the_cached_count_at_once(
    app: Flask, smtp: SmtpServer, sent: list[tuple[object, str]]
) -> None:
    petition = open_petition(slug="free-ales")
    confirmed_signature(petition)
    signature = pending_signature(petition)
    assert public_count("free-ales") == 1  # now cached

    assert confirm(signature.id) is ConfirmOutcome.CONFIRMED

    assert sent == [(app, "free-ales")]
    assert public_count("free-ales") == 2, "the cached numbers were dropped on the commit"


def test_a_withdrawal_refreshes_the_cached_count_at_once(
    app: Flask, smtp: SmtpServer, sent: list[tuple[object, str]]
) -> None:
    petition = open_petition(slug="free-ales")
    signature = confirmed_signature(petition)
    assert public_count("free-ales") == 1

    assert withdraw(signature.id) is WithdrawOutcome.WITHDRAWN

    assert sent == [(app, "free-ales")]
    assert public_count("free-ales") == 0


def test_nothing_is_signalled_when_no_count_moved(
    app: Flask, smtp: SmtpServer, sent: list[tuple[object, str]]
) -> None:
    petition = open_petition(slug="free-ales")
    confirmed = confirmed_signature(petition)
    pending = pending_signature(petition)

    assert confirm(confirmed.id) is ConfirmOutcome.ALREADY_CONFIRMED
    assert withdraw(pending.id) is WithdrawOutcome.WITHDRAWN  # a pending one never counted

    assert sent == []
