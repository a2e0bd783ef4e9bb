"""The named limits of logging in, each defined once (Flask-Limiter over RATELIMIT_STORAGE_URI).

Three limits, so that guessing stops and the owner still gets in:

- every attempt per client (LOGIN_RATE_LIMIT): one machine cannot try many accounts;
- failures per account and client (LOGIN_FAILURE_LIMIT, low): one guesser is stopped early,
  and only that guesser, so a stranger elsewhere cannot lock the owner out;
- failures per account from anywhere (LOGIN_ACCOUNT_FAILURE_LIMIT, high): many machines
  guessing together are stopped too. Past it, only a browser that has logged into the account
  before (it holds a signed "known browser" cookie) may still try, so the owner, at home,
  still gets in while the account is under attack.

Only failures count against an account: a correct password is never refused by them.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from flask import current_app, request
from limits import RateLimitItem, parse_many
from werkzeug.wrappers import Response

from petitions.extensions import client_network, limiter
from petitions.privacy.hashing import keyed_hash
from petitions.tokens import KNOWN_BROWSER_MAX_AGE, known_browser_mark, read_known_browser_mark

#: Name of the cookie that marks a browser which has logged into an account before.
KNOWN_BROWSER_COOKIE = "organizer_browser"


def _ip_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


#: Every login POST per client (IPv4 address or IPv6 /64).
login_per_ip = limiter.shared_limit(_ip_limit, scope="login", methods=["POST"])


@dataclass(frozen=True)
class Refusal:
    """Why a login attempt is not even checked, and for how many seconds."""

    #: "client": this client failed too often on the account; "account": the account failed
    #: too often from everywhere and this browser is not known to it.
    reason: str
    retry_after: int

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def _account_key(email: str) -> str:
    # Hashed so the limiter's storage holds no address.
    return keyed_hash(email.strip().lower(), "login-limit")


def _known_accounts() -> list[str]:
    mark = request.cookies.get(KNOWN_BROWSER_COOKIE)
    return read_known_browser_mark(mark) if mark else []


def _windows(setting: str) -> list[RateLimitItem]:
    return parse_many(str(current_app.config[setting]))


def _exhausted(setting: str, *identifiers: str) -> int | None:
    """Return seconds until the first full window of ``setting`` empties, or None if none is."""
    if not current_app.config["RATELIMIT_ENABLED"]:  # limits off: no storage to ask
        return None
    for item in _windows(setting):
        if not limiter.limiter.test(item, "login-failures", *identifiers):
            stats = limiter.limiter.get_window_stats(item, "login-failures", *identifiers)
            return max(1, int(stats.reset_time - time.time()))
    return None


def refusal(email: str) -> Refusal | None:
    """Tell whether a login attempt for ``email`` from this client must wait, and why."""
    account = _account_key(email)
    wait = _exhausted("LOGIN_FAILURE_LIMIT", account, client_network())
    if wait is not None:
        return Refusal("client", wait)
    wait = _exhausted("LOGIN_ACCOUNT_FAILURE_LIMIT", account)
    if wait is not None and account not in _known_accounts():
        return Refusal("account", wait)
    return None


def record_failure(email: str) -> None:
    """Count a wrong password (or unknown address) against the account and this client."""
    # Tested before and hit after the password check, not atomically: a burst of parallel
    # guesses may pass a window by the few that were in flight, which the low client limit
    # keeps small.
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    account = _account_key(email)
    for item in _windows("LOGIN_FAILURE_LIMIT"):
        limiter.limiter.hit(item, "login-failures", account, client_network())
    for item in _windows("LOGIN_ACCOUNT_FAILURE_LIMIT"):
        limiter.limiter.hit(item, "login-failures", account)


def remember_browser(response: Response, email: str) -> None:
    """Mark this browser as one that has logged into the account (after a correct password)."""
    account = _account_key(email)
    # A few accounts per browser at most (a shared office computer); the newest last.
    known = [key for key in _known_accounts() if key != account][-4:] + [account]
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        known_browser_mark(known),
        max_age=KNOWN_BROWSER_MAX_AGE,
        path="/organizer/login",
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
