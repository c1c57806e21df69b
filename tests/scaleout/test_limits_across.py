"""Rate limits hold across processes: sign-in failures and receipt guesses count once, whichever
host or worker process answers (counters in Redis), and several workers refuse in-memory ones."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from redis import Redis

from portal.extensions import db
from portal.lib import codes
from tests.durability.server import Gunicorn
from tests.factories import PASSWORD, World, make_user
from tests.scaleout import (
    REDIS_URL,
    Visitor,
    account_marker,
    client_marker,
    forget_client,
    forget_limits,
    limit_keys,
    postgresql_url_or_skip,
    redis_or_skip,
    run_secret,
    two_servers,
)

LIMIT = 5
LIMITS = {
    "PORTAL_LOGIN_RATE_LIMIT": f"{LIMIT} per 15 minutes",
    "PORTAL_FOLLOWUP_RATE_LIMIT": f"{LIMIT} per 15 minutes",
}
THROTTLED = 429
GUESSES = 3 * LIMIT  # enough fresh connections to reach both worker processes many times
# sync workers: an idle gthread worker takes every connection of a one-at-a-time client, sync
# workers race for each one; the access log names the worker's pid (gunicorn's own options, over
# the config file's) — and, with gunicorn's stock logger, logs /followup too, which the
# config's logger leaves out (a worker's page; tests/security/test_no_address.py)
TWO_PROCESSES = {
    "GUNICORN_WORKERS": "2",
    "GUNICORN_CMD_ARGS": (
        "--worker-class sync --access-logformat='%(p)s %(s)s %(m)s %(U)s'"
        " --logger-class gunicorn.glogging.Logger"
    ),
}
BOOT_SECONDS = 20.0


@pytest.fixture
def redis() -> Iterator[Redis]:
    """The test Redis (skipped without one)."""
    client = redis_or_skip()
    yield client
    client.close()


@pytest.fixture
def account(app: Flask, world: World, redis: Redis, secret: str) -> Iterator[str]:
    """A fresh staff account at site A: its per-account counter belongs to this run alone."""
    with app.app_context():
        user = make_user(f"scale-{secrets.token_hex(6)}@test.example", "supervisor", ("alpha",))
        db.session.commit()
    yield user.email
    forget_limits(redis, [account_marker(user.email, secret)])


@pytest.fixture
def secret(redis: Redis) -> Iterator[str]:
    """This run's server secret; its Redis counters are deleted afterwards."""
    value = run_secret()
    yield value
    forget_client(redis, value)


def _guess() -> str:
    """A well-formed receipt code nobody was given."""
    return codes.random_code(codes.RECEIPT_LENGTH)


def _worker_pids(server: Gunicorn, path: str) -> set[str]:
    """The worker processes that answered requests to `path`, from the access log."""
    log = (server.instance / "access.log").read_text()
    return set(re.findall(rf"^<(\d+)> \d+ \w+ {re.escape(path)}$", log, re.MULTILINE))


def _wait_for_both_workers(server: Gunicorn) -> None:
    """gunicorn answers as soon as its first worker is up: wait until the second one answers."""
    deadline = time.monotonic() + BOOT_SECONDS
    while len(_worker_pids(server, "/healthz")) < 2:
        assert time.monotonic() < deadline, "the second worker never answered"
        assert server.get("/healthz")[0] == 200


# --- two hosts, one PostgreSQL, one Redis ---


@pytest.fixture
def hosts(
    request: pytest.FixtureRequest, app: Flask, world: World, tmp_path: Path, secret: str
) -> Iterator[tuple[Gunicorn, Gunicorn]]:
    database_url = postgresql_url_or_skip(request)
    with two_servers(tmp_path, database_url, secret, **LIMITS) as pair:
        yield pair


def test_failed_sign_ins_alternating_between_hosts_trip_after_the_one_host_count(
    hosts: tuple[Gunicorn, Gunicorn], account: str, secret: str, redis: Redis
) -> None:
    one, two = hosts
    browser = Visitor()
    answers = [browser.try_login((one, two)[n % 2], account, "wrong-guess-1") for n in range(LIMIT)]
    assert answers == [401] * LIMIT
    # the next try is refused on either host, even with the right password
    assert browser.try_login(one, account, "wrong-guess-2") == THROTTLED
    assert browser.try_login(two, account, PASSWORD) == THROTTLED
    # both the per-client and the per-account counters live in Redis
    assert limit_keys(redis, [client_marker(redis, secret)])
    assert limit_keys(redis, [account_marker(account, secret)])


def test_receipt_guesses_alternating_between_hosts_trip_after_the_one_host_count(
    hosts: tuple[Gunicorn, Gunicorn],
) -> None:
    one, two = hosts
    reporter = Visitor()
    answers = [
        reporter.post((one, two)[n % 2], "/followup", {"code": _guess()}) for n in range(LIMIT)
    ]
    assert [status for status, _ in answers] == [404] * LIMIT
    for host in (two, one):
        status, page = reporter.post(host, "/followup", {"code": _guess()})
        assert status == THROTTLED
        assert "Too many tries from this device" in page


# --- one host, two worker processes, on either database ---


@pytest.fixture
def two_workers(
    app: Flask, world: World, tmp_path: Path, database_url: str, secret: str
) -> Iterator[Gunicorn]:
    """One gunicorn with two worker processes, rate-limit counters in Redis."""
    env = {**LIMITS, **TWO_PROCESSES, "PORTAL_RATELIMIT_STORAGE_URL": REDIS_URL}
    with Gunicorn(tmp_path / "server", database_url, secret, **env) as server:
        _wait_for_both_workers(server)
        yield server


def test_two_workers_allow_the_sign_in_limit_once_not_once_each(
    two_workers: Gunicorn, account: str
) -> None:
    browser = Visitor()
    answers = [browser.try_login(two_workers, account, "wrong-guess") for _ in range(GUESSES)]
    assert answers == [401] * LIMIT + [THROTTLED] * (GUESSES - LIMIT)
    assert len(_worker_pids(two_workers, "/login")) == 2, "one worker answered every try"


def test_two_workers_allow_the_receipt_guess_limit_once_not_once_each(
    two_workers: Gunicorn,
) -> None:
    reporter = Visitor()
    answers = [
        reporter.post(two_workers, "/followup", {"code": _guess()})[0] for _ in range(GUESSES)
    ]
    assert answers == [404] * LIMIT + [THROTTLED] * (GUESSES - LIMIT)
    assert len(_worker_pids(two_workers, "/followup")) == 2, "one worker answered every guess"


# --- in-memory counters are per process: several workers must not start with them ---


def _refuses_to_start(tmp_path: Path, database_url: str, **env: str) -> str:
    """Start gunicorn with in-memory counters and `env`; the log of its refusal."""
    server = Gunicorn(tmp_path / "memory", database_url, run_secret(), **env)
    try:
        with pytest.raises(RuntimeError, match="exited early"):
            server.start()
    finally:
        server.stop()
    return server.log()


def test_two_workers_with_in_memory_counters_refuse_to_start(
    tmp_path: Path, database_url: str
) -> None:
    log = _refuses_to_start(tmp_path, database_url, GUNICORN_WORKERS="2")
    assert "needs shared rate-limit counters" in log


def test_workers_asked_for_on_the_command_line_with_in_memory_counters_refuse_to_start(
    tmp_path: Path, database_url: str
) -> None:
    log = _refuses_to_start(tmp_path, database_url, GUNICORN_CMD_ARGS="--workers 2")
    assert "needs shared rate-limit counters" in log
