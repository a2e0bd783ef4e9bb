"""In-process caches kept per app: a cachetools cache (TTL or LRU) behind a lock.

Per app, not per module: tests (and any process that builds several apps) serve different
databases, where petition 1 of one app is not petition 1 of another. Behind a lock because
cachetools' caches are not thread-safe, and the development server serves requests in threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, Generic, TypeVar

from flask import current_app

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A named per-app cache; ``make`` builds it from the app's config on first use."""

    def __init__(
        self, name: str, make: Callable[[Mapping[str, Any]], MutableMapping[K, V]]
    ) -> None:
        self.name = name
        self.make = make

    def _slot(self) -> tuple[MutableMapping[K, V], threading.Lock]:
        extensions = current_app.extensions
        slot: tuple[MutableMapping[K, V], threading.Lock] | None = extensions.get(self.name)
        if slot is None:
            slot = extensions.setdefault(
                self.name, (self.make(current_app.config), threading.Lock())
            )
        return slot

    def get(self, key: K) -> V | None:
        """Return the kept value, or None if there is none (or it expired)."""
        cache, lock = self._slot()
        with lock:
            return cache.get(key)

    def set(self, key: K, value: V) -> None:
        """Keep a value (a full cache makes room by its own rule: oldest, least used)."""
        cache, lock = self._slot()
        with lock:
            cache[key] = value

    def forget(self, *keys: K) -> None:
        """Drop these keys, kept or not."""
        cache, lock = self._slot()
        with lock:
            for key in keys:
                cache.pop(key, None)
