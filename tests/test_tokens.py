"""One salt per purpose, and tokens made before petitions/tokens.py existed still verify.

The tokens below were made by the modules this one replaced (``signing/tokens.py``,
``embeds/tokens.py`` and the serializer in ``accounts/limits.py``), with the secret and the
clock fixed here. A change of salt or payload breaks them: links already mailed would stop
working.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from unittest import mock

import pytest
from flask import Flask
from itsdangerous import TimestampSigner

from petitions import tokens

SECRET = "a-fixed-secret-that-only-these-tests-use"
#: 2025-12-01 00:00 UTC, when the tokens below were made.
MADE_AT = 1764547200

OLD_CONFIRM = "eyJzIjo0Mn0.aSzagA.tgC6ZAdaHQtvjdpqOuk7ZyiSm_4"
OLD_WITHDRAW = "eyJzIjo0Mn0.aSzagA.RlV3mTcWERGV7_ifAS-f4P2Msnk"
OLD_TICKET = (
    ".eJyrVspTslJKy6xITdEtyUzOTi3RzUzRNTA0MlbSUSpQsjLXUUoGKkjMzUstLqnUzcsBCucDBTJKSgqKrfT1oRJ6q"
    "RWJuQU5qUDZItyy-gVKtQDRBiSp.aSzagA.AgKUSF0IJGyqoNcEE0tVP5cD-sI"
)
OLD_BROWSER_MARK = "WyJhYmMxMjMiXQ.aSzagA.wG9ZXPSe_XkjXDQoS5jsBseQtUA"


@pytest.fixture
def bare_app() -> Iterator[Flask]:
    app = Flask(__name__)
    app.secret_key = SECRET
    app.config.update(CONFIRM_TOKEN_MAX_AGE=7 * 24 * 3600, EMBED_TICKET_MAX_AGE=3600)
    with app.app_context():
        yield app


@pytest.fixture
def at_issue_time(bare_app: Flask) -> Iterator[None]:
    with mock.patch.object(TimestampSigner, "get_timestamp", return_value=MADE_AT):
        yield


def test_every_purpose_has_its_own_salt() -> None:
    salts = [purpose.value for purpose in tokens.Purpose]
    assert len(set(salts)) == len(salts) == 8
    assert {purpose.name: purpose.value for purpose in tokens.Purpose} == {
        "CONFIRM": "petitions.signing.confirm",
        "WITHDRAW": "petitions.signing.withdraw",
        "EMBED_TICKET": "petitions.embeds.sign",
        "KNOWN_BROWSER": "login-known-browser",
        "LETTER_CONFIRM": "petitions.letters.confirm",
        "LETTER_WITHDRAW": "petitions.letters.withdraw",
        "HOLDINGS": "petitions.retention.holdings",
        "UPDATES": "petitions.updates.preferences",
    }


@pytest.mark.usefixtures("at_issue_time")
def test_links_mailed_before_still_confirm_and_withdraw() -> None:
    assert tokens.read_confirm_token(OLD_CONFIRM) == 42
    assert tokens.read_withdraw_token(OLD_WITHDRAW) == 42


@pytest.mark.usefixtures("bare_app")
def test_an_old_confirm_link_is_genuine_but_expired_and_an_old_withdraw_link_never_expires() -> (
    None
):
    with pytest.raises(tokens.ExpiredLink) as expired:
        tokens.read_confirm_token(OLD_CONFIRM)
    assert expired.value.signature_id == 42
    assert tokens.read_withdraw_token(OLD_WITHDRAW) == 42


@pytest.mark.usefixtures("at_issue_time")
def test_a_ticket_issued_before_still_reads() -> None:
    ticket = tokens.read_ticket(OLD_TICKET, 7, "amnesty-nl")

    assert ticket == tokens.Ticket(
        id="fixed-ticket-id-0123",
        petition_id=7,
        partner_code="amnesty-nl",
        parent_origin="https://amnesty.example",
        return_url="https://amnesty.example/p",
        issued_at=dt.datetime(2025, 12, 1),
    )
    with pytest.raises(tokens.TicketInvalid):
        tokens.read_ticket(OLD_TICKET, 8, "amnesty-nl")


@pytest.mark.usefixtures("bare_app")
def test_a_stale_ticket_still_says_where_its_form_was_shown() -> None:
    with pytest.raises(tokens.TicketInvalid) as stale:
        tokens.read_ticket(OLD_TICKET, 7, "amnesty-nl")
    assert stale.value.expired
    assert stale.value.parent_origin == "https://amnesty.example"
    assert stale.value.return_url == "https://amnesty.example/p"


@pytest.mark.usefixtures("at_issue_time")
def test_a_browser_remembered_before_is_still_known() -> None:
    assert tokens.read_known_browser_mark(OLD_BROWSER_MARK) == ["abc123"]


@pytest.mark.usefixtures("at_issue_time")
def test_new_tokens_are_made_as_the_old_ones_were() -> None:
    assert tokens.confirm_token(42) == OLD_CONFIRM
    assert tokens.withdraw_token(42) == OLD_WITHDRAW
    assert tokens.known_browser_mark(["abc123"]) == OLD_BROWSER_MARK
    with mock.patch("secrets.token_urlsafe", return_value="fixed-ticket-id-0123"):
        made = tokens.issue_ticket(
            7, "amnesty-nl", "https://amnesty.example", "https://amnesty.example/p"
        )
    assert made == OLD_TICKET


@pytest.mark.usefixtures("at_issue_time")
def test_no_token_passes_for_another_purpose() -> None:
    with pytest.raises(tokens.InvalidLink):
        tokens.read_confirm_token(OLD_WITHDRAW)
    with pytest.raises(tokens.InvalidLink):
        tokens.read_withdraw_token(OLD_CONFIRM)
    with pytest.raises(tokens.TicketInvalid):
        tokens.read_ticket(OLD_CONFIRM, 42, "amnesty-nl")
    assert tokens.read_known_browser_mark(OLD_CONFIRM) == []
    assert tokens.read_known_browser_mark(OLD_TICKET) == []


@pytest.mark.usefixtures("at_issue_time")
def test_another_secret_verifies_nothing(bare_app: Flask) -> None:
    bare_app.secret_key = "some-other-secret-of-another-instance"
    with pytest.raises(tokens.InvalidLink):
        tokens.read_withdraw_token(OLD_WITHDRAW)
    assert tokens.read_known_browser_mark(OLD_BROWSER_MARK) == []


@pytest.mark.usefixtures("bare_app")
def test_a_letter_link_never_passes_for_a_signature_link() -> None:
    letter = tokens.letter_confirm_token(7)
    assert tokens.read_letter_confirm_token(letter) == 7
    with pytest.raises(tokens.InvalidLink):
        tokens.read_confirm_token(letter)
    with pytest.raises(tokens.InvalidLink):
        tokens.read_letter_confirm_token(tokens.confirm_token(7))
    with pytest.raises(tokens.InvalidLink):
        tokens.read_letter_withdraw_token(letter)
