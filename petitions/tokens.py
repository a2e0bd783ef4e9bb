"""Every signed link, ticket and cookie the service hands out, one salt per purpose.

All are itsdangerous ``URLSafeTimedSerializer`` tokens signed with ``SECRET_KEY``. The salt
names the purpose, so a token made for one purpose never passes for another (a withdraw link
can never confirm, a login cookie can never sign). The salts and payloads are those the
separate modules used before they were gathered here: links already mailed, embedded forms
already shown and browsers already remembered keep working. Never change a salt.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from enum import StrEnum

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class Purpose(StrEnum):
    """What a token is for; the value is its salt (frozen: tokens in the wild carry it)."""

    #: The link in the confirmation mail (expires after ``CONFIRM_TOKEN_MAX_AGE``).
    CONFIRM = "petitions.signing.confirm"
    #: The withdraw link in every mail (never expires).
    WITHDRAW = "petitions.signing.withdraw"
    #: The sign forms' ticket, embedded and on the site (expires after ``EMBED_TICKET_MAX_AGE``;
    #: the salt keeps its first name, for the embedded forms already shown).
    EMBED_TICKET = "petitions.embeds.sign"
    #: The cookie marking a browser that has logged into an account before.
    KNOWN_BROWSER = "login-known-browser"
    #: The link in a letter writer's confirmation mail (expires after ``CONFIRM_TOKEN_MAX_AGE``).
    LETTER_CONFIRM = "petitions.letters.confirm"
    #: The link that withdraws (erases) a letter (never expires).
    LETTER_WITHDRAW = "petitions.letters.withdraw"
    #: The link in every mail to ask what the service holds about the address it went to
    #: (expires after ``HOLDINGS_TOKEN_MAX_AGE``). It names the signature or letter the mail
    #: was about, never the address: a URL lands in logs.
    HOLDINGS = "petitions.retention.holdings"
    #: The link to a signer's update preferences and its one-click unsubscribe (never expires).
    UPDATES = "petitions.updates.preferences"


#: How long a browser stays known (a year): an owner who logs in less often waits out an attack.
KNOWN_BROWSER_MAX_AGE = 365 * 24 * 3600


def _serializer(purpose: Purpose) -> URLSafeTimedSerializer:
    secret = current_app.secret_key
    if not secret:
        # An empty key would sign tokens anyone could forge; config.py always sets one.
        raise RuntimeError("SECRET_KEY is not set, so no link or ticket can be signed.")
    return URLSafeTimedSerializer(secret, salt=purpose.value)


def _stale_payload(serializer: URLSafeTimedSerializer, expired: SignatureExpired) -> object:
    # The signature was checked before the age; the payload is still raw bytes here.
    return serializer.load_payload(expired.payload) if expired.payload else None


# --- confirm and withdraw links --------------------------------------------------------------


class InvalidLink(Exception):
    """The link was forged, mangled or made for another purpose."""


class ExpiredLink(Exception):
    """The link is genuine but too old; it still names its signature."""

    def __init__(self, signature_id: int) -> None:
        super().__init__(signature_id)
        self.signature_id = signature_id


def _signature_id(payload: object, key: str = "s") -> int:
    # "s" names a signature, "l" a letter: the salts keep the two apart already, the key too.
    signature_id = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(signature_id, int):
        raise InvalidLink()
    return signature_id


def confirm_token(signature_id: int) -> str:
    """Return the token of the link that confirms a signature."""
    return _serializer(Purpose.CONFIRM).dumps({"s": signature_id})


def withdraw_token(signature_id: int) -> str:
    """Return the token of the link that withdraws a signature."""
    return _serializer(Purpose.WITHDRAW).dumps({"s": signature_id})


def read_confirm_token(token: str) -> int:
    """Return the signature id a confirm token names.

    :raises ExpiredLink: if it is older than ``CONFIRM_TOKEN_MAX_AGE``.
    :raises InvalidLink: if it is not a genuine confirm token.
    """
    serializer = _serializer(Purpose.CONFIRM)
    try:
        return _signature_id(
            serializer.loads(token, max_age=current_app.config["CONFIRM_TOKEN_MAX_AGE"])
        )
    except SignatureExpired as expired:
        raise ExpiredLink(_signature_id(_stale_payload(serializer, expired))) from None
    except BadSignature:
        raise InvalidLink() from None


def read_withdraw_token(token: str) -> int:
    """Return the signature id a withdraw token names.

    Withdraw links do not expire: a signer may take their name back at any time.

    :raises InvalidLink: if it is not a genuine withdraw token.
    """
    try:
        return _signature_id(_serializer(Purpose.WITHDRAW).loads(token))
    except BadSignature:
        raise InvalidLink() from None


# --- a signer's update preferences and unsubscribe links --------------------------------------


def updates_token(signature_id: int, case_id: int | None = None) -> str:
    """Return the token of a signer's update preferences (and unsubscribe) link.

    :param case_id: the case whose updates an unsubscribe stops (a case-wide update's link);
        None: the signature's petition alone.
    """
    payload: dict[str, int] = {"s": signature_id}
    if case_id is not None:
        payload["c"] = case_id
    return _serializer(Purpose.UPDATES).dumps(payload)


def read_updates_token(token: str) -> tuple[int, int | None]:
    """Return the signature and the case (or None) an updates token names; it never expires.

    :raises InvalidLink: if it is not a genuine updates token.
    """
    try:
        payload = _serializer(Purpose.UPDATES).loads(token)
    except BadSignature:
        raise InvalidLink() from None
    case_id = payload.get("c") if isinstance(payload, dict) else None
    if case_id is not None and not isinstance(case_id, int):
        raise InvalidLink()
    return _signature_id(payload), case_id


# --- a letter's confirm and withdraw links ----------------------------------------------------


def letter_confirm_token(letter_id: int) -> str:
    """Return the token of the link that confirms a letter."""
    return _serializer(Purpose.LETTER_CONFIRM).dumps({"l": letter_id})


def letter_withdraw_token(letter_id: int) -> str:
    """Return the token of the link that withdraws a letter."""
    return _serializer(Purpose.LETTER_WITHDRAW).dumps({"l": letter_id})


def read_letter_confirm_token(token: str) -> int:
    """Return the letter id a letter's confirm token names.

    :raises ExpiredLink: if it is older than ``CONFIRM_TOKEN_MAX_AGE`` (it names the letter).
    :raises InvalidLink: if it is not a genuine letter confirm token.
    """
    serializer = _serializer(Purpose.LETTER_CONFIRM)
    try:
        return _signature_id(
            serializer.loads(token, max_age=current_app.config["CONFIRM_TOKEN_MAX_AGE"]), "l"
        )
    except SignatureExpired as expired:
        raise ExpiredLink(_signature_id(_stale_payload(serializer, expired), "l")) from None
    except BadSignature:
        raise InvalidLink() from None


def read_letter_withdraw_token(token: str) -> int:
    """Return the letter id a letter's withdraw token names (they never expire).

    :raises InvalidLink: if it is not a genuine letter withdraw token.
    """
    try:
        return _signature_id(_serializer(Purpose.LETTER_WITHDRAW).loads(token), "l")
    except BadSignature:
        raise InvalidLink() from None


# --- what the service holds about an address -------------------------------------------------


def holdings_token(signature_id: int | None = None, letter_id: int | None = None) -> str:
    """Return the token of the "what do you hold about me" link of a mail about a signature or
    a letter (exactly one of them)."""
    if (signature_id is None) == (letter_id is None):
        raise ValueError("A holdings link names a signature or a letter.")
    key, value = ("s", signature_id) if signature_id is not None else ("l", letter_id)
    return _serializer(Purpose.HOLDINGS).dumps({key: value})


def read_holdings_token(token: str) -> tuple[str, int]:
    """Return what a holdings token names: ("s", signature id) or ("l", letter id).

    :raises ExpiredLink: if it is older than ``HOLDINGS_TOKEN_MAX_AGE``.
    :raises InvalidLink: if it is not a genuine holdings token.
    """
    serializer = _serializer(Purpose.HOLDINGS)
    try:
        payload = serializer.loads(token, max_age=current_app.config["HOLDINGS_TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise ExpiredLink(0) from None
    except BadSignature:
        raise InvalidLink() from None
    for key in ("s", "l"):
        if isinstance(payload, dict) and isinstance(payload.get(key), int):
            return key, int(payload[key])
    raise InvalidLink()


# --- the sign forms' ticket ------------------------------------------------------------------
#
# The sign forms' stateless CSRF defence, one mechanism for the embedded form and the site's:
# a signed ticket in the page instead of a token bound to a session cookie. Third-party cookies
# are blocked in most browsers, so an iframe on a partner's page cannot rely on our session;
# and a page that sets no cookie is the same for every visitor, so shared caches may keep it.
# The ticket names the form it was made for (a petition, by id in an embed or by slug on the
# site, and the partner, None on the site) and carries its issue time, which also gives the
# minimum fill time for free.
#
# It is NOT single-use: a cached page hands one ticket to everybody who reads it within a few
# seconds (see petitions/public_pages.py). What it proves is that the POST carries a form this
# service rendered for this petition less than EMBED_TICKET_MAX_AGE ago; anybody may fetch
# such a form with one GET, so spending tickets never bounded a flood either. Cross-site
# posting is stopped by the Origin / Sec-Fetch-Site check (petitions/senders.py), floods by
# the per-IP sign limit, robots by the honeypot and the fill time (embeds), and a signature
# counts only after its owner clicks the mailed link (double opt-in), one per address.
# The random "n" stays in the payload (one per rendering): tickets in the wild carry it.


class TicketInvalid(Exception):
    """The ticket was forged, changed, made for another form, or is too old.

    A genuine but stale ticket still says where the form was shown, so the form can be shown
    again in the same place.
    """

    def __init__(
        self, expired: bool = False, parent_origin: str | None = None, return_url: str | None = None
    ) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired
        self.parent_origin = parent_origin
        self.return_url = return_url


@dataclass(frozen=True)
class Ticket:
    #: Random, one per rendering of the form (shared by everybody a cached page is shown to).
    id: str
    #: The petition's id (embeds) or slug (the site's form).
    petition_id: int | str
    #: The partner's code, None for the site's own form.
    partner_code: str | None
    parent_origin: str | None
    return_url: str | None
    issued_at: dt.datetime


def issue_ticket(
    petition_id: int | str,
    partner_code: str | None,
    parent_origin: str | None = None,
    return_url: str | None = None,
) -> str:
    """Return a ticket for a sign form: an embed's (petition id, partner) or the site's (slug)."""
    return _serializer(Purpose.EMBED_TICKET).dumps(
        {
            "n": secrets.token_urlsafe(16),
            "p": petition_id,
            "c": partner_code,
            "o": parent_origin,
            "r": return_url,
        }
    )


def _made_for(payload: object, petition_id: int | str, partner_code: str | None) -> bool:
    return (
        isinstance(payload, dict)
        # The type too: a site ticket (slug) never passes for an embed's (id), nor the reverse.
        and type(payload.get("p")) is type(petition_id)
        and payload.get("p") == petition_id
        and payload.get("c") == partner_code
        and isinstance(payload.get("n"), str)
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def read_ticket(token: str, petition_id: int | str, partner_code: str | None) -> Ticket:
    """Return the ticket if it is genuine, fresh enough and made for this petition and partner.

    :raises TicketInvalid: otherwise (``expired`` tells a stale form from a forged one).
    """
    serializer = _serializer(Purpose.EMBED_TICKET)
    try:
        payload, issued = serializer.loads(
            token, max_age=current_app.config["EMBED_TICKET_MAX_AGE"], return_timestamp=True
        )
    except SignatureExpired as expired:
        stale = _stale_payload(serializer, expired)
        if not isinstance(stale, dict) or not _made_for(stale, petition_id, partner_code):
            raise TicketInvalid() from None
        raise TicketInvalid(
            expired=True, parent_origin=_text(stale.get("o")), return_url=_text(stale.get("r"))
        ) from None
    except BadSignature:
        raise TicketInvalid() from None
    if not _made_for(payload, petition_id, partner_code):
        raise TicketInvalid()
    return Ticket(
        id=payload["n"],
        petition_id=petition_id,
        partner_code=partner_code,
        parent_origin=_text(payload.get("o")),
        return_url=_text(payload.get("r")),
        issued_at=issued.astimezone(dt.UTC).replace(tzinfo=None),
    )


# --- the "known browser" login cookie --------------------------------------------------------


def known_browser_mark(accounts: list[str]) -> str:
    """Return the cookie value naming the accounts (their limit keys) this browser logged into."""
    return _serializer(Purpose.KNOWN_BROWSER).dumps(accounts)


def read_known_browser_mark(mark: str) -> list[str]:
    """Return the account keys a genuine, unexpired mark names; none for anything else."""
    try:
        accounts = _serializer(Purpose.KNOWN_BROWSER).loads(mark, max_age=KNOWN_BROWSER_MAX_AGE)
    except BadSignature:
        return []
    return [str(key) for key in accounts] if isinstance(accounts, list) else []
