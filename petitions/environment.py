"""Reading settings from the environment: each reader names the variable in its error.

The settings themselves, their defaults and why they exist, are petitions/config.py.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit


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


#: Domains reserved for examples and tests (RFC 2606, RFC 6761): no mail reaches them.
_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net", "localhost")
_PLACEHOLDER_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local")


def _env_email(name: str, default: str, production: bool) -> str:
    """Read an email address people write to; in production, refuse one nobody can reach.

    Development takes anything with an ``@`` (a fresh checkout's ``petitions@localhost``).
    Production refuses, in a value set here, the placeholders a copied example leaves behind
    (``example.org``, ``localhost``, ``.test``…): a published contact that bounces leaves
    signers no way to exercise their rights. The default is not checked again: it comes from
    a setting (MAIL_FROM) that production already refuses with a placeholder.
    """
    address = _env_str(name, default)
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(c.isspace() or c in "<>,;" for c in address):
        raise ConfigError(
            f"{name} must be one email address such as privacy@your-domain.org, not {address!r}."
        )
    domain = domain.lower()
    placeholder = domain in _PLACEHOLDER_DOMAINS or domain.endswith(_PLACEHOLDER_SUFFIXES)
    if production and address != default and (placeholder or "." not in domain):
        raise ConfigError(
            f"{name} is {address!r}, which no one can write to. In production it is published "
            f"on the contact and privacy pages: set {name} to an address of your own domain."
        )
    return address


def _env_url(name: str) -> str:
    """Read an optional absolute http(s) address (empty when unset)."""
    raw = _env_str(name, "")
    parts = urlsplit(raw)
    if raw and (parts.scheme not in {"http", "https"} or not parts.netloc):
        raise ConfigError(
            f"{name} must be an absolute http:// or https:// address such as "
            f"https://example.org, not {raw!r}."
        )
    return raw
