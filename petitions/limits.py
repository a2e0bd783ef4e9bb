"""Every rate limit of the service, each defined once (Flask-Limiter over RATELIMIT_STORAGE_URI).

Each limit has a name, the setting that holds its windows (so an operator can tighten it
during a flood without a release), a storage scope and a key function saying what it counts
per. The scopes are part of the keys already in the storage: never rename one.

=====================  ===========================  ===============  ==========================
limit                  setting                      scope            counted per
=====================  ===========================  ===============  ==========================
``SIGN``               SIGN_RATE_LIMIT              sign             client
``SIGNATURE_LINKS``    LINK_RATE_LIMIT              signature-links  client
``LOGIN``              LOGIN_RATE_LIMIT             login            client
``LOGIN_FAILURES``     LOGIN_FAILURE_LIMIT          login-failures   account and client
``ACCOUNT_FAILURES``   LOGIN_ACCOUNT_FAILURE_LIMIT  login-failures   account
``MAIL_TO_ADDRESS``    MAIL_PER_ADDRESS_LIMIT       mail-to          recipient address
``CLIENT_BURST``       QUARANTINE_CLIENT_BURST      q-client-burst   petition and client
``CLIENT_SUSTAINED``   QUARANTINE_CLIENT_SUSTAINED  q-client-long    petition and client
``FROM_DOMAIN``        QUARANTINE_DOMAIN_LIMIT      q-domain         petition and mail domain
``FROM_COUNTRY``       QUARANTINE_COUNTRY_LIMIT     q-country        petition and country
``HOLDINGS``           HOLDINGS_RATE_LIMIT          holdings         client
=====================  ===========================  ===============  ==========================

A client is an IPv4 address or an IPv6 /64 (:func:`petitions.extensions.client_network`),
counted under a keyed hash of it (:func:`client_key`); accounts and addresses are keyed by a
keyed hash too, so the storage holds no IP address and no mail address.

The first three guard requests (decorators: the view *hits* on POST). The others are counted
by hand where the thing they count happens: a wrong password, a mail going out.

Logging in has three limits, so that guessing stops and the owner still gets in:

- every attempt per client (``LOGIN``): one machine cannot try many accounts;
- failures per account and client (``LOGIN_FAILURES``, low): one guesser is stopped early,
  and only that guesser, so a stranger elsewhere cannot lock the owner out;
- failures per account from anywhere (``ACCOUNT_FAILURES``, high): many machines guessing
  together are stopped too. Past it, only a browser that has logged into the account before
  (it holds a signed "known browser" cookie) may still try, so the owner, at home, still gets
  in while the account is under attack.

Only failures count against an account: a correct password is never refused by them.

The last four are **quarantine limits** (issue #13): they never refuse. A signature past one is
taken, mailed and confirmed as any other, and then held for review instead of counted
(petitions/defence/), so a flooder learns nothing and a real person loses nothing. ``SIGN``
stays as the far higher ceiling that protects the server. Their counters are keyed by a keyed
hash of the petition and the client, domain or country, so the storage holds none of them.

Mail per address is counted by the outbox worker as it sends, not by the request that queues:
the limit is on mail that actually goes out, a sign request spends no storage round trips on
it, and with the in-process store of a single machine the one worker holds the one true counter.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app, request
from flask_limiter import RouteLimit
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter
from redis.exceptions import NoScriptError
from werkzeug.wrappers import Response

from petitions.extensions import client_network, limiter
from petitions.privacy.hashing import keyed_hash
from petitions.tokens import KNOWN_BROWSER_MAX_AGE, known_browser_mark, read_known_browser_mark

T = TypeVar("T")


@dataclass(frozen=True)
class Limit:
    """One named limit: where its windows are configured, its scope, and what it counts per."""

    #: The configuration key holding its windows, e.g. "5 per 15 minutes; 20 per day".
    setting: str
    #: The namespace of its counters in the storage.
    scope: str
    #: The identifiers of one counter, from what the limit is about (see the table above).
    key: Callable[[str], tuple[str, ...]]

    def windows(self) -> tuple[RateLimitItem, ...]:
        """Return the configured windows (parsed once per setting's text: a sign asks for five
        limits' windows, and parsing is a regular expression each time)."""
        return _parsed(self.limit_string())

    def limit_string(self) -> str:
        """Return the configured windows as Flask-Limiter reads them."""
        return str(current_app.config[self.setting])


@functools.lru_cache(maxsize=64)
def _parsed(windows: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(windows))


def client_key() -> str:
    """Return what the request limits count a client under: a keyed hash of its network.

    The rate-limit store (Redis in production) would otherwise hold every signer's IP address
    for as long as the longest window; under the secret's HMAC it holds nothing that leads back
    to one (an IPv4 address could be found from a plain hash by trying them all). The same
    client still gets the same key, so the counting is unchanged.
    """
    return keyed_hash(client_network(), "request-limit")[:32]


def _per_client(_: str = "") -> tuple[str, ...]:
    return (client_key(),)


def _account(email: str) -> str:
    return keyed_hash(email.strip().lower(), "login-limit")


def _per_account_and_client(email: str) -> tuple[str, ...]:
    return (_account(email), client_key())


def _per_account(email: str) -> tuple[str, ...]:
    return (_account(email),)


def _per_address(normalized_email: str) -> tuple[str, ...]:
    return (keyed_hash(normalized_email, "mail-limit"),)


#: Sign POSTs per client, shared by every form that creates a signature (site and embed).
SIGN = Limit("SIGN_RATE_LIMIT", "sign", _per_client)
#: POSTs to confirm, withdraw and resend links per client.
SIGNATURE_LINKS = Limit("LINK_RATE_LIMIT", "signature-links", _per_client)
#: Every login POST per client.
LOGIN = Limit("LOGIN_RATE_LIMIT", "login", _per_client)
#: Wrong passwords (or unknown addresses) per account and client.
LOGIN_FAILURES = Limit("LOGIN_FAILURE_LIMIT", "login-failures", _per_account_and_client)
#: Wrong passwords per account from anywhere; a known browser may go past it.
ACCOUNT_FAILURES = Limit("LOGIN_ACCOUNT_FAILURE_LIMIT", "login-failures", _per_account)
#: Requests for the mail of what the service holds about an address (petitions/retention/).
HOLDINGS = Limit("HOLDINGS_RATE_LIMIT", "holdings", _per_client)
#: Mails sent to one address, all petitions together.
MAIL_TO_ADDRESS = Limit("MAIL_PER_ADDRESS_LIMIT", "mail-to", _per_address)


def _per_petition_and(what: str) -> Callable[[str], tuple[str, ...]]:
    def key(subject: str) -> tuple[str, ...]:
        return (keyed_hash(subject, f"quarantine-{what}"),)

    return key


#: Signatures per petition and client (an IPv4 address or an IPv6 /64): a short window and a
#: long one (alphagov/e-petitions' burst and sustained rates).
CLIENT_BURST = Limit("QUARANTINE_CLIENT_BURST", "q-client-burst", _per_petition_and("client"))
CLIENT_SUSTAINED = Limit(
    "QUARANTINE_CLIENT_SUSTAINED", "q-client-long", _per_petition_and("client")
)
#: Signatures per petition and email domain (the big providers are exempt, see config.py).
FROM_DOMAIN = Limit("QUARANTINE_DOMAIN_LIMIT", "q-domain", _per_petition_and("domain"))
#: Signatures per petition and the country the signer gave.
FROM_COUNTRY = Limit("QUARANTINE_COUNTRY_LIMIT", "q-country", _per_petition_and("country"))


def past_quarantine_limits(subjects: Sequence[tuple[Limit, str]]) -> list[Limit]:
    """Count one signature against each (limit, subject); return the limits it went past.

    With a Redis store and fixed windows (the default), every window of every limit is counted
    in one round trip. Never refuses anything: what to do past a limit is the caller's.
    """
    if not _enabled() or not subjects:
        return []
    # Each limit's identifiers and windows once (the keys are HMACs; the windows parsed text).
    counted = [
        (limit, item, limit.key(subject)) for limit, subject in subjects for item in limit.windows()
    ]
    count = _counting_in_one_go()
    if count is None:
        strategy = limiter.limiter
        within = [strategy.hit(item, limit.scope, *ids) for limit, item, ids in counted]
    else:
        counts = count([(item, item.key_for(limit.scope, *ids)) for limit, item, ids in counted])
        within = [n <= item.amount for n, (_limit, item, _ids) in zip(counts, counted, strict=True)]
    past: list[Limit] = []
    for ok, (limit, _item, _ids) in zip(within, counted, strict=True):
        if not ok and limit not in past:
            past.append(limit)
    return past


def _on_post(limit: Limit) -> RouteLimit:
    return limiter.shared_limit(
        limit.limit_string, scope=limit.scope, key_func=client_key, methods=["POST"]
    )


#: Decorators of the views the request limits guard (letters are written and confirmed under
#: the same two as signatures: one ceiling per client for both forms and all mailed links).
sign_per_ip = _on_post(SIGN)
links_per_ip = _on_post(SIGNATURE_LINKS)
login_per_ip = _on_post(LOGIN)
holdings_per_ip = _on_post(HOLDINGS)


def _enabled() -> bool:
    # With the limiter switched off (an operator's choice, and the benchmarks') there is no
    # storage to ask: the counted limits step aside instead of failing.
    return bool(current_app.config["RATELIMIT_ENABLED"])


def _exhausted(limit: Limit, subject: str) -> int | None:
    """Return seconds until the first full window of ``limit`` empties, or None if none is."""
    if not _enabled():
        return None
    identifiers = limit.key(subject)
    for item in limit.windows():
        if not limiter.limiter.test(item, limit.scope, *identifiers):
            stats = limiter.limiter.get_window_stats(item, limit.scope, *identifiers)
            return max(1, int(stats.reset_time - time.time()))
    return None


def _hit(limit: Limit, subject: str) -> None:
    for item in limit.windows():
        limiter.limiter.hit(item, limit.scope, *limit.key(subject))


# --- logging in ------------------------------------------------------------------------------

#: Name of the cookie that marks a browser which has logged into an account before.
KNOWN_BROWSER_COOKIE = "organizer_browser"


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


class LoginRefused(Exception):
    """A password was not even checked: this client or the account must wait."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.reason)
        self.refusal = refusal


def _known_accounts() -> list[str]:
    mark = request.cookies.get(KNOWN_BROWSER_COOKIE)
    return read_known_browser_mark(mark) if mark else []


def login_refusal(email: str) -> Refusal | None:
    """Tell whether a password for ``email`` from this client must wait, and why."""
    wait = _exhausted(LOGIN_FAILURES, email)
    if wait is not None:
        return Refusal("client", wait)
    wait = _exhausted(ACCOUNT_FAILURES, email)
    if wait is not None and _account(email) not in _known_accounts():
        return Refusal("account", wait)
    return None


def record_login_failure(email: str) -> None:
    """Count a wrong password (or unknown address) against the account and this client."""
    if not _enabled():
        return
    _hit(LOGIN_FAILURES, email)
    _hit(ACCOUNT_FAILURES, email)


def check_password_limited(email: str, check: Callable[[], T]) -> T:
    """Run a password check under the login failure limits; a falsy outcome is a failure.

    Tested before and hit after the check, not atomically: a burst of parallel guesses may pass
    a window by the few that were in flight, which the low per-client limit keeps small.

    :raises LoginRefused: without running the check, if this client or the account must wait.
    """
    refusal = login_refusal(email)
    if refusal is not None:
        raise LoginRefused(refusal)
    outcome = check()
    if not outcome:
        record_login_failure(email)
    return outcome


def remember_browser(response: Response, email: str) -> None:
    """Mark this browser as one that has logged into the account (after a correct password)."""
    account = _account(email)
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


# --- mail ------------------------------------------------------------------------------------


class LimitUnavailable(Exception):
    """The rate-limit storage could not be asked; try the mail again later."""


def allow_mail_to(normalized_email: str) -> bool:
    """Count one mail to this address and tell whether it is within MAIL_PER_ADDRESS_LIMIT.

    :raises LimitUnavailable: if the rate-limit storage is unreachable.
    """
    if not _enabled():
        return True
    identifiers = MAIL_TO_ADDRESS.key(normalized_email)
    windows = MAIL_TO_ADDRESS.windows()
    try:
        # Hit each window in turn and stop at the first refusal: one storage round trip per
        # window in the common case instead of a test and a hit each.
        return all(
            limiter.limiter.hit(item, MAIL_TO_ADDRESS.scope, *identifiers) for item in windows
        )
    except Exception as error:
        # Whatever the store raises (Redis down, a timeout), the mail waits rather than going
        # out unchecked.
        raise LimitUnavailable(type(error).__name__) from error


def allow_mail_to_each(normalized_emails: Sequence[str]) -> list[bool]:
    """Count one mail to each address in turn; tell, for each, whether it is within the limit.

    The same as allow_mail_to for each address in turn (a window that refuses an address stops
    its count, and an address twice over is counted twice), in fewer storage round trips: with
    a Redis store and fixed windows (the default), one round trip per window for all of them.

    :raises LimitUnavailable: if the rate-limit storage is unreachable.
    """
    if not _enabled() or not normalized_emails:
        return [True] * len(normalized_emails)
    count = _counting_in_one_go()
    if count is None:
        return [allow_mail_to(normalized_email) for normalized_email in normalized_emails]
    identifiers = [MAIL_TO_ADDRESS.key(normalized_email) for normalized_email in normalized_emails]
    allowed = [True] * len(normalized_emails)
    try:
        for item in MAIL_TO_ADDRESS.windows():
            left = [n for n, within in enumerate(allowed) if within]
            if not left:
                break
            counts = count(
                [(item, item.key_for(MAIL_TO_ADDRESS.scope, *identifiers[n])) for n in left]
            )
            for n, counted in zip(left, counts, strict=True):
                allowed[n] = counted <= item.amount
    except Exception as error:
        raise LimitUnavailable(type(error).__name__) from error
    return allowed


def _counting_in_one_go() -> Callable[[list[tuple[RateLimitItem, str]]], list[int]] | None:
    """Return what counts one hit on each of many (window, key) pairs in one round trip, if the
    store and strategy allow it: what FixedWindowRateLimiter.hit does for one key (the store's
    own increment script), pipelined. None: hit them one by one."""
    strategy = limiter.limiter
    storage = strategy.storage
    if type(strategy) is not FixedWindowRateLimiter or type(storage) is not RedisStorage:
        return None

    script = storage.lua_incr_expire

    def run(pairs: list[tuple[RateLimitItem, str]]) -> list[int]:
        # EVALSHA by hand: calling the Script on a pipeline makes redis-py ask SCRIPT EXISTS
        # before every execute, a second round trip per sign (0.66 ms of a sign's 0.8 ms
        # quarantine check, measured with cProfile).
        pipeline = storage.get_connection().pipeline(transaction=False)  # type: ignore[attr-defined]
        for item, key in pairs:
            pipeline.evalsha(script.sha, 1, storage.prefixed_key(key), item.get_expiry(), 1)
        return [int(counted) for counted in pipeline.execute()]

    def count(pairs: list[tuple[RateLimitItem, str]]) -> list[int]:
        try:
            return run(pairs)
        except NoScriptError:
            # Redis restarted or flushed its scripts: none of the pipeline ran. Load it again.
            script.sha = storage.get_connection().script_load(script.script)  # type: ignore[attr-defined]
            return run(pairs)

    return count
