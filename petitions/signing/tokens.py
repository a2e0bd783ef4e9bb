"""Signed links for confirming and withdrawing a signature.

Each purpose has its own salt, so a withdraw link can never be replayed as a confirm link and
the other way round.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_PURPOSE = "petitions.signing.confirm"
WITHDRAW_PURPOSE = "petitions.signing.withdraw"


class InvalidLink(Exception):
    """The link was forged, mangled or made for another purpose."""


class ExpiredLink(Exception):
    """The link is genuine but too old; it still names its signature."""

    def __init__(self, signature_id: int) -> None:
        super().__init__(signature_id)
        self.signature_id = signature_id


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=purpose)  # type: ignore[arg-type]


def _signature_id(payload: object) -> int:
    signature_id = payload.get("s") if isinstance(payload, dict) else None
    if not isinstance(signature_id, int):
        raise InvalidLink()
    return signature_id


def confirm_token(signature_id: int) -> str:
    """Return the token of the link that confirms a signature."""
    return _serializer(CONFIRM_PURPOSE).dumps({"s": signature_id})


def withdraw_token(signature_id: int) -> str:
    """Return the token of the link that withdraws a signature."""
    return _serializer(WITHDRAW_PURPOSE).dumps({"s": signature_id})


def read_confirm_token(token: str) -> int:
    """Return the signature id a confirm token names.

    :raises ExpiredLink: if it is older than ``CONFIRM_TOKEN_MAX_AGE``.
    :raises InvalidLink: if it is not a genuine confirm token.
    """
    serializer = _serializer(CONFIRM_PURPOSE)
    try:
        return _signature_id(
            serializer.loads(token, max_age=current_app.config["CONFIRM_TOKEN_MAX_AGE"])
        )
    except SignatureExpired as expired:
        # The signature was checked before the age; the payload is still raw bytes here.
        payload = serializer.load_payload(expired.payload) if expired.payload else None
        raise ExpiredLink(_signature_id(payload)) from None
    except BadSignature:
        raise InvalidLink() from None


def read_withdraw_token(token: str) -> int:
    """Return the signature id a withdraw token names.

    Withdraw links do not expire: a signer may take their name back at any time.

    :raises InvalidLink: if it is not a genuine withdraw token.
    """
    try:
        return _signature_id(_serializer(WITHDRAW_PURPOSE).loads(token))
    except BadSignature:
        raise InvalidLink() from None
