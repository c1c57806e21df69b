"""Scale-out tests: real gunicorn processes sharing one database and rate-limit counters in Redis.

Helpers shared by the tests here: a Redis check, a browser-like HTTP client whose cookies
follow it from server to server (as behind a load balancer), and the clean-up of this run's
rate-limit counters.

Counters of different runs never mix: each run gives its servers a fresh secret (client keys
are an HMAC of the address and the day's salt with it, and the salt's name in Redis derives from
it too) and signs in to fresh account emails.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import secrets
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from redis import Redis
from redis.exceptions import RedisError

from tests.durability.server import HOST, Gunicorn
from tests.factories import csrf_token

REDIS_HOST = "127.0.0.1"
REDIS_PORT = 6379
# a database of its own, away from anything that uses Redis's default one
REDIS_DB = 11
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
# the prefix limits' RedisStorage puts before Flask-Limiter's key
LIMIT_KEY_PATTERN = "LIMITS:LIMITER/closecall/*"


def redis_or_skip() -> Redis:
    """A client of the test Redis; the test is skipped when Redis does not answer."""
    client = Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_timeout=2)
    try:
        client.ping()
    except RedisError as exc:
        client.close()
        pytest.skip(f"needs Redis at {REDIS_HOST}:{REDIS_PORT}: {exc.__class__.__name__}")
    return client


def run_secret() -> str:
    """A fresh PORTAL_SECRET_KEY: this run's client keys differ from every other run's."""
    return secrets.token_urlsafe(48)


def salt_name(secret: str, day: date | None = None) -> str:
    """Where the servers under `secret` keep today's rate-limit salt in Redis."""
    digest = hmac.new(secret.encode(), b"salt-namespace", hashlib.sha256).hexdigest()[:12]
    return f"closecall:{digest}:salt:{(day or datetime.now(UTC).date()).isoformat()}"


def client_marker(redis: Redis, secret: str, address: str = "127.0.0.1") -> str:
    """The rate-limit key of a client address under `secret` and today's salt, as the servers
    compute it (portal.extensions.client_key); the salt must exist (a request made it)."""
    salt = redis.get(salt_name(secret))
    assert isinstance(salt, bytes), "no salt yet: no server under this secret took a request"
    message = b"ratelimit|" + salt + b"|" + address.encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:24]


def forget_client(redis: Redis, secret: str) -> None:
    """Delete the counters of this run's client and its salt (if a server ever made one)."""
    if redis.exists(salt_name(secret)):
        forget_limits(redis, [client_marker(redis, secret)])
        redis.delete(salt_name(secret))


def account_marker(email: str, secret: str) -> str:
    """The per-account login key (portal.auth.views._account_key): an HMAC of the email."""
    digest = hmac.new(secret.encode(), email.strip().lower().encode(), hashlib.sha256)
    return "account:" + digest.hexdigest()[:24]


def limit_keys(redis: Redis, markers: list[str]) -> list[bytes]:
    """This run's rate-limit counters in Redis: the keys that carry one of `markers`."""
    return [
        key
        for key in redis.scan_iter(match=LIMIT_KEY_PATTERN, count=500)
        if any(marker.encode() in key for marker in markers)
    ]


def forget_limits(redis: Redis, markers: list[str]) -> None:
    """Delete this run's counters, and only them."""
    keys = limit_keys(redis, markers)
    if keys:
        redis.delete(*keys)


class Visitor:
    """A browser: one cookie jar for every server it visits (cookies are sent over plain HTTP
    too: no TLS proxy stands in front here), a fresh connection per request (so a multi-worker
    server may hand each request to another process)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def _request(
        self, server: Gunicorn, method: str, path: str, fields: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = {"Accept-Language": "en"}
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection = http.client.HTTPConnection(HOST, server.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()

    def get(self, server: Gunicorn, path: str) -> tuple[int, str]:
        """GET `path` from `server` (redirects are not followed)."""
        return self._request(server, "GET", path)

    def post(self, server: Gunicorn, path: str, fields: dict[str, str]) -> tuple[int, str]:
        """POST a urlencoded form to `server` (redirects are not followed)."""
        return self._request(server, "POST", path, fields)

    def try_login(self, server: Gunicorn, email: str, password: str) -> int:
        """Fill in the sign-in form on `server` and send it; the answer's status."""
        status, page = self.get(server, "/login")
        assert status == 200, page[:500]
        fields = {"email": email, "password": password, "csrf_token": csrf_token(page)}
        return self.post(server, "/login", fields)[0]


@contextmanager
def two_servers(
    root: Path, database_url: str, secret: str, **extra_env: str
) -> Iterator[tuple[Gunicorn, Gunicorn]]:
    """Two app hosts, as behind a load balancer: two gunicorn processes on two ports with the
    same secret, database, upload folder and Redis counters; both stopped on the way out."""
    env = {"PORTAL_RATELIMIT_STORAGE_URL": REDIS_URL, "PORTAL_UPLOAD_DIR": str(root / "uploads")}
    env.update(extra_env)
    with ExitStack() as stack:
        first = stack.enter_context(Gunicorn(root / "one", database_url, secret, **env))
        second = stack.enter_context(Gunicorn(root / "two", database_url, secret, **env))
        yield first, second


def postgresql_url_or_skip(request: pytest.FixtureRequest) -> str:
    """The run's database when it is PostgreSQL; other runs skip: several app hosts share one
    PostgreSQL, while the embedded SQLite serves from one host."""
    if request.config.getoption("--db") != "postgresql":
        pytest.skip("two app hosts share one PostgreSQL: run with --db=postgresql")
    return request.getfixturevalue("database_url")
