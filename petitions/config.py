"""Deployment configuration: every key, its type, its safe default and why it exists.

Values come from environment variables named as the README's configuration table names them.
Settings an organizer edits at run time belong in the database, not here.
"""

from __future__ import annotations

import os
import secrets
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from petitions.environment import (
    ConfigError,
    _env_bool,
    _env_email,
    _env_int,
    _env_nameservers,
    _env_seconds,
    _env_str,
    _env_url,
)
from petitions.retention_settings import retention_settings
from petitions.update_settings import update_settings

DEFAULT_PORT = 5000

__all__ = ["ConfigError", "from_environment", "is_production"]


#: The values PETITIONS_ENV may take.
ENVIRONMENTS = ("development", "production")


def is_production() -> bool:
    """Tell whether the environment asks for production behaviour.

    :raises ConfigError: for a PETITIONS_ENV that is neither development nor production (a typo
        such as ``prod`` must not quietly mean development), and for production with
        ``FLASK_DEBUG`` on.
    """
    chosen = _env_str("PETITIONS_ENV", "development").lower()
    if chosen not in ENVIRONMENTS:
        raise ConfigError(f"PETITIONS_ENV must be development or production, not {chosen!r}.")
    if chosen == "production" and _env_bool("FLASK_DEBUG", False):
        # Refused rather than obeyed either way: debug in production would serve the
        # development mailbox and drop Secure cookies, and quietly staying production would
        # leave an operator believing the debugger is on.
        raise ConfigError(
            "FLASK_DEBUG is on with PETITIONS_ENV=production. The debugger must never run in "
            "production: unset FLASK_DEBUG (or set PETITIONS_ENV=development on your own "
            "machine)."
        )
    return chosen == "production"


def _development_secret(instance_path: Path) -> str:
    # A newcomer should not have to invent a secret, and tokens mailed out must survive a
    # restart, so the first run writes a random key into instance/ and later runs reuse it.
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def from_environment(instance_path: Path) -> dict[str, Any]:
    """Build the configuration mapping from environment variables.

    :raises ConfigError: in production without ``SECRET_KEY`` or ``MAIL_URL``, or on a
        malformed value.
    """
    production = is_production()

    secret_key = os.environ.get("SECRET_KEY", "").strip()
    if not secret_key:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. In production the service refuses to start without it: "
                "set SECRET_KEY to a long random value (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)."
            )
        secret_key = _development_secret(instance_path)
    if production:
        _refuse_weak_secret(secret_key)
    mail_url = _env_str("MAIL_URL", "")
    if production and not mail_url:
        # The development mailbox keeps mails on disk and logs their personal links: never that
        # in production, where a forgotten MAIL_URL would otherwise fail silently.
        raise ConfigError(
            "MAIL_URL is not set. In production mail must go to a real server: set MAIL_URL to "
            "smtp://host:port, smtp+starttls://user:pass@host:587 or smtps://user:pass@host:465."
        )

    claim_seconds = _env_int("OUTBOX_CLAIM_SECONDS", 300)
    mail_timeout = _env_int("MAIL_TIMEOUT_SECONDS", 20)
    if mail_timeout >= claim_seconds:
        # A worker renews its claim on a mail just before sending it; the send must end before
        # the claim lapses, or another worker could take the same mail over and send it too.
        raise ConfigError(
            f"OUTBOX_CLAIM_SECONDS ({claim_seconds}) must be longer than MAIL_TIMEOUT_SECONDS "
            f"({mail_timeout})."
        )

    sender = _mail_from(production)

    return {
        #: "production" or "development"; development enables /dev/mailbox.
        "PETITIONS_ENV": "production" if production else "development",
        #: Signs sessions, CSRF tokens and confirmation links, and keys the rate-limit hashes.
        "SECRET_KEY": secret_key,
        #: SQLAlchemy URL; the default is a SQLite file in instance/ (WAL mode).
        "SQLALCHEMY_DATABASE_URI": _env_str(
            "DATABASE_URL", f"sqlite:///{instance_path / 'petitions.sqlite'}"
        ),
        #: smtp://, smtp+starttls:// or smtps:// URL; empty means the development mailbox.
        "MAIL_URL": mail_url,
        #: The From: address of every mail; production refuses the default.
        "MAIL_FROM": sender,
        #: Absolute base for links in mails, bundles and the API (no trailing slash).
        "BASE_URL": _base_url(production, instance_path),
        **_organization_settings(production, sender),
        #: Flask-Limiter storage: memory://, redis://host:port, ...
        "RATELIMIT_STORAGE_URI": _env_str("RATELIMIT_STORAGE_URI", "memory://"),
        #: Rate limits on. Always set: Flask-Limiter's init_app keeps the previous app's value
        #: when the key is missing, so one app built with limits off would switch them off for
        #: every later app in the process.
        "RATELIMIT_ENABLED": True,
        #: How many reverse proxies sit in front and set X-Forwarded-* (ProxyFix).
        "TRUSTED_PROXY_COUNT": _env_int("TRUSTED_PROXY_COUNT", 0),
        #: Sign POSTs allowed per client IP: the hard ceiling that protects the server (429).
        #: Far above the quarantine limits below, which take past them without refusing.
        "SIGN_RATE_LIMIT": _env_str("SIGN_RATE_LIMIT", "120 per minute; 2000 per day"),
        #: Quarantine limits (petitions/limits.py): past one, a signature is taken, mailed and
        #: confirmed as usual but held for review, not counted. Per petition and client (IPv4
        #: address or IPv6 /64), a burst window and a sustained one (alphagov/e-petitions'
        #: defaults); a street stall's connection can be allow-listed past them.
        "QUARANTINE_CLIENT_BURST": _env_str("QUARANTINE_CLIENT_BURST", "1 per minute"),
        "QUARANTINE_CLIENT_SUSTAINED": _env_str("QUARANTINE_CLIENT_SUSTAINED", "5 per 5 minutes"),
        #: Per petition and email domain, for every domain but QUARANTINE_DOMAIN_EXEMPT.
        "QUARANTINE_DOMAIN_LIMIT": _env_str("QUARANTINE_DOMAIN_LIMIT", "100 per hour"),
        #: The big mail providers whose users sign in their thousands: no domain limit.
        "QUARANTINE_DOMAIN_EXEMPT": _env_str(
            "QUARANTINE_DOMAIN_EXEMPT",
            "gmail.com,googlemail.com,outlook.com,hotmail.com,live.com,msn.com,yahoo.com,"
            "icloud.com,me.com,aol.com,proton.me,protonmail.com,gmx.de,gmx.net,web.de,"
            "t-online.de,orange.fr,free.fr,laposte.net,wanadoo.fr,sfr.fr,ziggo.nl,kpnmail.nl,"
            "hetnet.nl,planet.nl,telenet.be,skynet.be,wp.pl,o2.pl,onet.pl,interia.pl,"
            "mail.ru,bk.ru,inbox.ru,list.ru,yandex.ru,yandex.by,ya.ru,rambler.ru,tut.by,"
            "ukr.net,i.ua,meta.ua,gmail.by,inbox.lt,one.lt,duck.com,mozmail.com,"
            "privaterelay.appleid.com",
        ),
        #: Per petition and the country a signer gives: an hour's surge from one country far
        #: past a campaign's usual day (the 2016 referendum petition's 39,000 "from the Vatican").
        "QUARANTINE_COUNTRY_LIMIT": _env_str("QUARANTINE_COUNTRY_LIMIT", "5000 per hour"),
        #: How long signers' data is kept (EVIDENCE_RETENTION_DAYS and the rest).
        **retention_settings(),
        #: Trending (signing/trending.py): the dashboard flags a connection group or mail domain
        #: with at least TRENDING_MIN_SIGNATURES and TRENDING_PERCENT of a petition's signatures
        #: confirmed in the last TRENDING_WINDOW_MINUTES.
        "TRENDING_WINDOW_MINUTES": _env_int("TRENDING_WINDOW_MINUTES", 60),
        "TRENDING_MIN_SIGNATURES": _env_int("TRENDING_MIN_SIGNATURES", 20),
        "TRENDING_PERCENT": _env_int("TRENDING_PERCENT", 20),
        #: Signatures an invalidation takes per batch (one transaction), and the seconds of
        #: batches the mail worker runs between its rounds of mail (signing/invalidations.py).
        "INVALIDATION_BATCH_SIZE": _env_int("INVALIDATION_BATCH_SIZE", 500),
        "INVALIDATION_SECONDS_PER_ROUND": _env_seconds("INVALIDATION_SECONDS_PER_ROUND", 2.0),
        #: POSTs to confirm, withdraw and resend links per client IP.
        "LINK_RATE_LIMIT": _env_str("LINK_RATE_LIMIT", "30 per minute; 300 per day"),
        #: Login attempts per client (IPv4 address or IPv6 /64), right or wrong.
        "LOGIN_RATE_LIMIT": _env_str("LOGIN_RATE_LIMIT", "10 per minute; 100 per day"),
        #: Failed logins per account from one client: stops one guesser, nobody else.
        "LOGIN_FAILURE_LIMIT": _env_str("LOGIN_FAILURE_LIMIT", "5 per 15 minutes; 20 per day"),
        #: Failed logins per account from everywhere; past it only a browser that has logged
        #: into the account before may try.
        "LOGIN_ACCOUNT_FAILURE_LIMIT": _env_str(
            "LOGIN_ACCOUNT_FAILURE_LIMIT", "30 per hour; 100 per day"
        ),
        #: Mails allowed per recipient address, across all petitions; counted by the worker.
        "MAIL_PER_ADDRESS_LIMIT": _env_str("MAIL_PER_ADDRESS_LIMIT", "5 per hour; 20 per day"),
        #: Seconds a confirmation link stays valid (7 days).
        "CONFIRM_TOKEN_MAX_AGE": _env_int("CONFIRM_TOKEN_MAX_AGE", 7 * 24 * 3600),
        #: Seconds after a petition closes during which a signature made before the close may
        #: still be confirmed (its mail was on its way); later confirmations are refused, so the
        #: count stops moving soon after the close and the bundle can be built.
        "CONFIRM_GRACE_AFTER_CLOSE_SECONDS": max(
            0, _env_int("CONFIRM_GRACE_AFTER_CLOSE_SECONDS", 3600)
        ),
        #: Ask DNS whether a signer's mail domain accepts mail. Off in development, where the
        #: machine may be offline and every domain would look undeliverable.
        "EMAIL_CHECK_DELIVERABILITY": _env_bool("EMAIL_CHECK_DELIVERABILITY", production),
        #: Seconds a sign request waits for that DNS answer; a domain that does not answer in
        #: time is let through (a bad address then bounces) rather than holding a worker.
        "EMAIL_DNS_TIMEOUT": _env_seconds("EMAIL_DNS_TIMEOUT", 3.0),
        #: Name servers to ask, as (host, port); empty means the system's (/etc/resolv.conf).
        "EMAIL_DNS_NAMESERVERS": _env_nameservers("EMAIL_DNS_NAMESERVERS"),
        #: Seconds between the worker's looks at an empty outbox.
        "OUTBOX_POLL_SECONDS": _env_int("OUTBOX_POLL_SECONDS", 2),
        #: First retry delay after a temporary SMTP failure; doubles on each attempt.
        "OUTBOX_RETRY_BASE_SECONDS": _env_int("OUTBOX_RETRY_BASE_SECONDS", 30),
        #: Longest delay between retries.
        "OUTBOX_RETRY_MAX_SECONDS": _env_int("OUTBOX_RETRY_MAX_SECONDS", 3600),
        #: Seconds a worker may hold a claimed message before another worker takes it over.
        "OUTBOX_CLAIM_SECONDS": claim_seconds,
        #: Seconds to wait for the SMTP server before calling the attempt failed.
        "MAIL_TIMEOUT_SECONDS": mail_timeout,
        #: Mails sent over one SMTP connection before the worker opens a new one (servers cap it;
        #: Exchange's default is 20).
        "MAIL_MESSAGES_PER_CONNECTION": max(1, _env_int("MAIL_MESSAGES_PER_CONNECTION", 20)),
        #: Cookies only over HTTPS, and HTTPS redirects, in production.
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "FORCE_HTTPS": production and _env_bool("FORCE_HTTPS", True),
        #: CSRF tokens live as long as the session, so a slow signer on a phone is not refused.
        "WTF_CSRF_TIME_LIMIT": None,
        #: Engine options; create_app always adds hide_parameters, so a database error's message
        #: (and its logged traceback) never quotes a signer's name, email or city.
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        #: Locales offered to visitors; the first one is the fallback.
        "LANGUAGES": ["en", "be", "ru", "uk", "pl", "lt", "nl", "fr", "de"],
        #: Seconds a petition's public count (JSON, badge, counter) and the public pages that
        #: show it (petitions/public_pages.py) may be served from cache; a busy page then costs
        #: a cache hit, not a query. Also their max-age for browsers and shared caches.
        "COUNT_CACHE_SECONDS": _env_int("COUNT_CACHE_SECONDS", 5),
        #: Seconds browsers, crawlers and shared caches may keep a petition's link preview image
        #: (its max-age). It shows the count rounded (petitions/counting/previews.py), so an hour
        #: behind costs little; a changed title or portrait shows once this has passed.
        "PREVIEW_IMAGE_MAX_AGE": _env_int("PREVIEW_IMAGE_MAX_AGE", 3600),
        #: Seconds between a petition page's (or partner counter's) looks at the count JSON, spread
        #: ±50 % so a crowd that opened the page together does not poll together
        #: (static/js/live-count.js); each look is one request, mostly answered 304.
        "LIVE_COUNT_SECONDS": _env_seconds("LIVE_COUNT_SECONDS", 20.0),
        #: Seconds a browser, nginx or a CDN may go on showing a public page (home, case,
        #: petition, verify, embeds) past its max-age (COUNT_CACHE_SECONDS) while it fetches a
        #: fresh one; the count then lags by at most max-age plus this.
        "PUBLIC_STALE_WHILE_REVALIDATE_SECONDS": _env_int(
            "PUBLIC_STALE_WHILE_REVALIDATE_SECONDS", 30
        ),
        #: Seconds a shared cache may show the last public page while the service answers
        #: errors or not at all (a day): readers keep the petition while it is restarted.
        "PUBLIC_STALE_IF_ERROR_SECONDS": _env_int("PUBLIC_STALE_IF_ERROR_SECONDS", 86400),
        #: Under a crowd a confirmation lands every few milliseconds; dropping every kept public
        #: page for each would leave none kept. A change only the count shows drops them at most
        #: once in this many seconds (the first at once, the rest ride on the kept page's own
        #: COUNT_CACHE_SECONDS), so a page lags the count by at most COUNT_CACHE_SECONDS, and
        #: only while confirmations keep coming. 0 drops them at every confirmation. Edits by
        #: organizers, hidden comments and withdrawals drop them at once whatever this says.
        "PUBLIC_PAGE_COUNT_SECONDS": _env_int("PUBLIC_PAGE_COUNT_SECONDS", 1),
        #: Fewest confirmed signers from one country before the public API shows that country's
        #: count: one or two signers from Belarus would be nearly named by the figure.
        "PUBLIC_COUNTRY_MIN": max(1, _env_int("PUBLIC_COUNTRY_MIN", 10)),
        #: Flask-Caching backend for those counts: SimpleCache (per process) or RedisCache.
        "CACHE_TYPE": _env_str("CACHE_TYPE", "SimpleCache"),
        "CACHE_REDIS_URL": _env_str("CACHE_REDIS_URL", ""),
        #: Seconds a sign form (embedded or on the site: its ticket) stays valid.
        "EMBED_TICKET_MAX_AGE": _env_int("EMBED_TICKET_MAX_AGE", 2 * 3600),
        #: Quicker than this after it was rendered, an embedded form is taken for a bot's (at
        #: most 3 s, so no person is turned away).
        "EMBED_MIN_FILL_SECONDS": _env_int("EMBED_MIN_FILL_SECONDS", 2),
        #: TrueType fonts for PDF bundles and link preview images, separated by ":" (the first
        #: is the main one); empty means DejaVu Sans from Debian's fonts-dejavu-core plus any
        #: fallbacks found (petitions/font_discovery.py).
        "PDF_FONTS": [path for path in _env_str("PDF_FONTS", "").split(os.pathsep) if path],
        #: Folder where the development mailbox keeps sent mails.
        "DEV_MAILBOX_DIR": str(instance_path / "mailbox"),
        **_request_and_session_settings(),
        **update_settings(),
    }


# --- production safety, request sizes and sessions ----------------------------------------

#: The From: address a fresh checkout sends with; no real mail server should accept it.
DEFAULT_MAIL_FROM = "Petitions <petitions@localhost>"
#: A SECRET_KEY shorter than this is refused in production (token_urlsafe(48) gives 64).
MIN_SECRET_KEY_LENGTH = 32


def _refuse_weak_secret(secret_key: str) -> None:
    # The key signs sessions and every mailed link: a short or repetitive one can be guessed
    # offline from a single cookie.
    if len(secret_key) < MIN_SECRET_KEY_LENGTH or len(set(secret_key)) < 10:
        raise ConfigError(
            f"SECRET_KEY is too weak. In production it must be a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters: set it to the output of `python -c 'import "
            f"secrets; print(secrets.token_urlsafe(48))'`."
        )


def _mail_from(production: bool) -> str:
    mail_from = _env_str("MAIL_FROM", DEFAULT_MAIL_FROM)
    if production and (mail_from == DEFAULT_MAIL_FROM or mail_from.endswith("@localhost>")):
        raise ConfigError(
            "MAIL_FROM is not set. In production mail must come from an address of your own "
            "domain, which receivers can check: set MAIL_FROM to e.g. "
            "'Petitions <petitions@example.org>'."
        )
    return mail_from


def _base_url(production: bool, instance_path: Path) -> str:
    """Return BASE_URL; in development default to the port the web server last started on.

    `make run` exports PORT, so the web process and its outbox worker agree; a `flask bundle`
    typed later in another shell has no PORT, and would print dead links if it guessed 5000.
    The last PORT seen is therefore kept in instance/base_url, as the development secret is.
    """
    raw = _env_str("BASE_URL", "")
    if raw:
        parts = urlsplit(raw)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigError(
                f"BASE_URL must be an absolute http:// or https:// address such as "
                f"https://petitions.example.org, not {raw!r}."
            )
        return raw.rstrip("/")
    if production:
        raise ConfigError(
            "BASE_URL is not set. In production every mailed and printed link is built from "
            "it: set BASE_URL to the public address, e.g. https://petitions.example.org."
        )
    remembered = instance_path / "base_url"
    if os.environ.get("PORT", "").strip():
        base = f"http://127.0.0.1:{_env_int('PORT', DEFAULT_PORT)}"
        if not remembered.exists() or remembered.read_text().strip() != base:
            instance_path.mkdir(parents=True, exist_ok=True)
            remembered.write_text(base + "\n")
        return base
    if remembered.exists():
        return remembered.read_text().strip()
    return f"http://127.0.0.1:{DEFAULT_PORT}"


def _organization_settings(production: bool, sender: str) -> dict[str, Any]:
    """Who runs the service and how to reach them: the about, privacy and contact pages."""
    contact = _env_email("CONTACT_EMAIL", parseaddr(sender)[1], production)
    return {
        #: The organization running this service: named on the about and privacy pages and as
        #: the author of printed bundles (PDF metadata, "Printed by"); empty: BASE_URL's host.
        "ORGANIZATION_NAME": _env_str("ORGANIZATION_NAME", ""),
        #: Its postal address, shown on the about and contact pages (lines split by newlines or
        #: a typed "\\n"); empty: none shown.
        "ORGANIZATION_ADDRESS": _env_str("ORGANIZATION_ADDRESS", "").replace("\\n", "\n"),
        #: Its website (absolute http(s) address), linked from the about page; empty: none.
        "ORGANIZATION_URL": _env_url("ORGANIZATION_URL"),
        #: Where people write about the service and their data (contact and privacy pages);
        #: default: MAIL_FROM's address. Production refuses a placeholder (example.org, …).
        "CONTACT_EMAIL": contact,
        #: Where security problems are reported (contact page, /.well-known/security.txt);
        #: default: CONTACT_EMAIL.
        "SECURITY_EMAIL": _env_email("SECURITY_EMAIL", contact, production),
        #: Where the source code of the running version can be had (AGPL-3.0: users of a
        #: modified version over a network must be offered its source); empty: the about page
        #: offers it at CONTACT_EMAIL.
        "SOURCE_URL": _env_url("SOURCE_URL"),
    }


def _request_and_session_settings() -> dict[str, Any]:
    return {
        #: Largest request body in bytes (413 above it); room for a portrait upload.
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 8 * 1024 * 1024),
        #: Largest non-file form data in bytes: every text form of the service fits in 500 KB.
        "MAX_FORM_MEMORY_SIZE": _env_int("MAX_FORM_MEMORY_SIZE", 500 * 1024),
        #: Most fields (and files) one multipart form may have.
        "MAX_FORM_PARTS": _env_int("MAX_FORM_PARTS", 1000),
        #: Seconds an organizer's login may sit unused before it must log in again (2 hours).
        "ORGANIZER_IDLE_SECONDS": _env_int("ORGANIZER_IDLE_SECONDS", 2 * 3600),
    }


def refuse_per_process_limits(workers: int) -> None:
    """Refuse per-process rate-limit counters in production when several workers serve.

    Called by gunicorn.conf.py, which alone knows the final worker count. With memory:// each
    worker counts on its own, so "10 per minute" becomes 10 per minute per worker.

    :raises ConfigError: in production with memory:// storage and more than one worker.
    """
    storage = _env_str("RATELIMIT_STORAGE_URI", "memory://")
    if is_production() and workers > 1 and storage.startswith("memory://"):
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI is {storage}, which counts in each worker apart, and "
            f"gunicorn starts {workers} workers. Set RATELIMIT_STORAGE_URI to a shared store "
            f"(e.g. redis://127.0.0.1:6379/0) or run one worker (WEB_CONCURRENCY=1)."
        )
