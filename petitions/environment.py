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
