"""Deployment configuration: every key, its type, its safe default and why it exists.

Values come from environment variables named as the README's configuration table names them.
Settings an organizer edits at run time belong in the database, not here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PORT = 5000


class ConfigError(RuntimeError):
    """The environment asks for something the service cannot run with."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None


def _env_seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    message = f"{name} must be a number of seconds above 0, not {raw!r}."
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(message) from None
    if not 0 < value < 3600:
        raise ConfigError(message)
    return value


def _env_nameservers(name: str) -> list[tuple[str, int]]:
    """Parse ``host[:port]`` entries (``[v6]:port`` for IPv6), separated by commas."""
    servers = []
    for entry in _env_str(name, "").split(","):
        if not entry.strip():
            continue
        try:
            parts = urlsplit(f"//{entry.strip()}")
            host, port = parts.hostname, parts.port or 53
        except ValueError:
            host = None
        if not host:
            raise ConfigError(
                f"{name} must list name servers as host or host:port, separated by commas, "
                f"not {entry.strip()!r}."
            )
        servers.append((host, port))
    return servers


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}.")


def _env_str(name: str, default: str) -> str:
    raw = os.environ.get(name)
    return default if raw is None or raw.strip() == "" else raw.strip()


def is_production() -> bool:
    """Tell whether the environment asks for production behaviour."""
    return os.environ.get(
        "PETITIONS_ENV", "development"
    ).strip().lower() == "production" and not _env_bool("FLASK_DEBUG", False)


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
    port = _env_int("PORT", DEFAULT_PORT)

    secret_key = os.environ.get("SECRET_KEY", "").strip()
    if not secret_key:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. In production the service refuses to start without it: "
                "set SECRET_KEY to a long random value (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)."
            )
        secret_key = _development_secret(instance_path)
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

    return {
        #: "production" or "development"; development enables /dev/mailbox.
        "PETITIONS_ENV": "production" if production else "development",
        #: Signs sessions, CSRF tokens, confirmation links and keys the IP hash.
        "SECRET_KEY": secret_key,
        #: SQLAlchemy URL; the default is a SQLite file in instance/ (WAL mode).
        "SQLALCHEMY_DATABASE_URI": _env_str(
            "DATABASE_URL", f"sqlite:///{instance_path / 'petitions.sqlite'}"
        ),
        #: smtp://, smtp+starttls:// or smtps:// URL; empty means the development mailbox.
        "MAIL_URL": mail_url,
        #: The From: address of every mail.
        "MAIL_FROM": _env_str("MAIL_FROM", "Petitions <petitions@localhost>"),
        #: The organization running this service, named as the author of printed bundles (PDF
        #: metadata, "Printed by" on the cover); empty: the host name of BASE_URL.
        "ORGANIZATION_NAME": _env_str("ORGANIZATION_NAME", ""),
        #: Absolute base for links in mails (no trailing slash).
        "BASE_URL": _env_str("BASE_URL", f"http://127.0.0.1:{port}").rstrip("/"),
        #: Flask-Limiter storage: memory://, redis://host:port, ...
        "RATELIMIT_STORAGE_URI": _env_str("RATELIMIT_STORAGE_URI", "memory://"),
        #: How many reverse proxies sit in front and set X-Forwarded-* (ProxyFix).
        "TRUSTED_PROXY_COUNT": _env_int("TRUSTED_PROXY_COUNT", 0),
        #: Sign POSTs allowed per client IP.
        "SIGN_RATE_LIMIT": _env_str("SIGN_RATE_LIMIT", "10 per minute; 100 per day"),
        #: POSTs to confirm, withdraw and resend links per client IP.
        "LINK_RATE_LIMIT": _env_str("LINK_RATE_LIMIT", "30 per minute; 300 per day"),
        #: Login attempts per client IP.
        "LOGIN_RATE_LIMIT": _env_str("LOGIN_RATE_LIMIT", "10 per minute; 100 per day"),
        #: Login attempts per organizer address, from anywhere.
        "LOGIN_ACCOUNT_RATE_LIMIT": _env_str(
            "LOGIN_ACCOUNT_RATE_LIMIT", "5 per minute; 30 per hour"
        ),
        #: Mails allowed per recipient address, across all petitions; counted by the worker.
        "MAIL_PER_ADDRESS_LIMIT": _env_str("MAIL_PER_ADDRESS_LIMIT", "5 per hour; 20 per day"),
        #: Seconds a confirmation link stays valid (7 days).
        "CONFIRM_TOKEN_MAX_AGE": _env_int("CONFIRM_TOKEN_MAX_AGE", 7 * 24 * 3600),
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
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        #: Locales offered to visitors; the first one is the fallback.
        "LANGUAGES": ["en", "be", "ru"],
        #: Seconds a petition's public count (JSON, badge, counter) may be served from cache; a
        #: busy partner page then costs a cache hit, not a query.
        "COUNT_CACHE_SECONDS": _env_int("COUNT_CACHE_SECONDS", 5),
        #: Flask-Caching backend for those counts: SimpleCache (per process) or RedisCache.
        "CACHE_TYPE": _env_str("CACHE_TYPE", "SimpleCache"),
        "CACHE_REDIS_URL": _env_str("CACHE_REDIS_URL", ""),
        #: Seconds an embedded sign form stays valid.
        "EMBED_TICKET_MAX_AGE": _env_int("EMBED_TICKET_MAX_AGE", 2 * 3600),
        #: Quicker than this, an embedded form is taken for a bot's (at most 3 s, so no person
        #: is turned away).
        "EMBED_MIN_FILL_SECONDS": _env_int("EMBED_MIN_FILL_SECONDS", 2),
        #: TrueType fonts for PDF bundles, separated by ":" (the first is the main one); empty
        #: means DejaVu Sans from Debian's fonts-dejavu-core plus any fallbacks found.
        "PDF_FONTS": [path for path in _env_str("PDF_FONTS", "").split(os.pathsep) if path],
        #: Folder where the development mailbox keeps sent mails.
        "DEV_MAILBOX_DIR": str(instance_path / "mailbox"),
    }
