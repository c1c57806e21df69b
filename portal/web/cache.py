"""What a process remembers between requests, all in one place: named caches, kept per app.

Each cache below has a name and a size limit (a full cache starts again empty); an entry may
also have an age limit. Code that changes what a cache was built from says what changed
(`places_changed()`), and the events below know which caches that makes stale. Every process
has caches of its own: other processes and hosts see a change once their entries expire.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app

T = TypeVar("T")

PAGES = "pages"  # public pages rendered once per key (portal/web/pagecache.py)
PLACES = "places"  # the active location behind a poster code (portal/report_form/posters.py)
DISPLAY_FIGURES = "display_figures"  # a site's figures of the month (portal/display/freshness.py)
DISPLAY_HTML = "display_html"  # a breakroom screen's fragment, per ETag
DISPLAY_DIGEST = "display_digest"  # the hash of the screen fragment's template
DISPLAY_QR = "display_qr"  # the breakroom page's poster QR, per address (portal/display/views.py)

# Entries each cache holds at most; None: a handful of keys by nature, no limit needed.
LIMITS: dict[str, int | None] = {
    PAGES: 1024,
    PLACES: 4096,
    DISPLAY_FIGURES: 1024,
    DISPLAY_HTML: 256,
    DISPLAY_DIGEST: None,
    DISPLAY_QR: None,
}
# A site or location was added or changed: the public form shows location names.
PLACES_CHANGED = (PLACES, PAGES)

_KEY = "closecall_caches"


def _store(name: str) -> dict[Hashable, tuple[float, Any]]:
    """The entries of one cache of this app: key -> (monotonic expiry, value)."""
    if name not in LIMITS:
        raise KeyError(f"no cache named {name!r}")
    caches: dict[str, dict[Hashable, tuple[float, Any]]] = current_app.extensions.setdefault(
        _KEY, {}
    )
    return caches.setdefault(name, {})


def _put(
    store: dict[Hashable, tuple[float, Any]], name: str, key: Hashable, entry: tuple[float, Any]
) -> None:
    limit = LIMITS[name]
    if limit is not None and len(store) >= limit:
        store.clear()
    store[key] = entry


def get(name: str, key: Hashable, default: Any = None) -> Any:
    """The value kept under `key` while it has not expired, else `default`."""
    entry = _store(name).get(key)
    if entry is None or entry[0] <= time.monotonic():
        return default
    return entry[1]


def put(name: str, key: Hashable, value: Any, *, max_age: float | None = None) -> None:
    """Keep `value` under `key`, for `max_age` seconds or until the cache is cleared."""
    expires = math.inf if max_age is None else time.monotonic() + max_age
    _put(_store(name), name, key, (expires, value))


def remember(
    name: str, key: Hashable, build: Callable[[], T], *, max_age: float | None = None
) -> T:
    """The value kept under `key`, or `build()`'s, kept from now on (for `max_age` seconds)."""
    store = _store(name)
    now = time.monotonic()
    entry = store.get(key)
    if entry is not None and entry[0] > now:
        return entry[1]
    value = build()
    _put(store, name, key, (math.inf if max_age is None else now + max_age, value))
    return value


def clear(name: str) -> None:
    """Forget everything one cache holds in this process."""
    _store(name).clear()


def clear_all() -> None:
    """Forget everything every cache holds in this process."""
    for name in LIMITS:
        clear(name)


def places_changed() -> None:
    """A site or location was added or changed: forget what depends on them, at once here."""
    for name in PLACES_CHANGED:
        clear(name)
