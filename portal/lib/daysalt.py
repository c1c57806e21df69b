"""A random salt per UTC day for the rate-limit keys of client addresses.

A key that is only HMAC(secret, address) can be reversed by anyone holding the secret (there
are four billion IPv4 addresses) and links one client's requests across days. Mixing in a
salt that is random, lives only for its day and is never written to disk means a counter can
be traced back to an address only on the same day, and only with both the secret and that
day's salt. Processes that share counters in Redis share the salt there (created once with
SET NX, gone an hour after its day ends); a single process keeps it in memory.
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, date, datetime, time, timedelta

from redis import Redis

SALT_BYTES = 16
# the last counters of a day (windows of at most an hour) still find their salt
GRACE = timedelta(hours=1)


def _day_end(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC) + GRACE


class DaySalts:
    """Today's salt per storage and namespace; the salts of past days are dropped."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._salts: dict[tuple[str, str, date], bytes] = {}
        self._clients: dict[str, Redis] = {}

    def today(self, storage_url: str, namespace: str, now: datetime | None = None) -> bytes:
        """The salt of the current UTC day for counters kept at `storage_url`."""
        day = (now or datetime.now(UTC)).date()
        key = (storage_url, namespace, day)
        salt = self._salts.get(key)
        if salt is None:
            with self._lock:
                salt = self._salts.get(key)
                if salt is None:
                    salt = self._fetch(storage_url, f"{namespace}:salt:{day.isoformat()}", day)
                    self._salts = {k: v for k, v in self._salts.items() if k[2] >= day}
                    self._salts[key] = salt
        return salt

    def _fetch(self, storage_url: str, name: str, day: date) -> bytes:
        if not storage_url.startswith(("redis://", "rediss://", "unix://")):
            return secrets.token_bytes(SALT_BYTES)  # one process: its memory is the storage
        client = self._clients.get(storage_url)
        if client is None:
            client = self._clients[storage_url] = Redis.from_url(storage_url)
        expires = int(_day_end(day).timestamp())
        client.set(name, secrets.token_bytes(SALT_BYTES), nx=True, exat=expires)
        salt = client.get(name)
        if not isinstance(salt, bytes) or len(salt) != SALT_BYTES:
            raise RuntimeError("the rate-limit storage lost today's salt")
        return salt
