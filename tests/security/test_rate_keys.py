"""Rate-limit keys of client addresses: a counter can't be traced back to an address with the
secret alone, nor linked to the same client's counters of another day."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from redis import Redis

from portal.extensions import client_key
from portal.lib.daysalt import SALT_BYTES, DaySalts
from tests.scaleout import REDIS_URL, redis_or_skip

MONDAY = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
ADDRESS = "198.51.100.7"


def _key_of(app: Flask, address: str) -> str:
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": address}):
        return client_key()


def test_a_key_is_not_the_address_hashed_with_the_secret_alone(app: Flask) -> None:
    secret = app.config["SECRET_KEY"].encode()
    guesses = {
        hmac.new(secret, prefix + ADDRESS.encode(), hashlib.sha256).hexdigest()[:24]
        for prefix in (b"", b"ratelimit|")
    }
    key = _key_of(app, ADDRESS)
    assert key not in guesses
    assert ADDRESS not in key


def test_one_client_keeps_one_key_through_the_day_and_two_clients_differ(app: Flask) -> None:
    assert _key_of(app, ADDRESS) == _key_of(app, ADDRESS)
    assert _key_of(app, ADDRESS) != _key_of(app, "198.51.100.8")


def test_the_salt_is_random_and_changes_with_the_day_in_memory() -> None:
    one, other = DaySalts(), DaySalts()
    monday = one.today("memory://", "ns", MONDAY)
    assert len(monday) == SALT_BYTES
    assert one.today("memory://", "ns", MONDAY + timedelta(hours=14)) == monday
    assert one.today("memory://", "ns", MONDAY + timedelta(days=1)) != monday
    # nothing derives it: another process with the same secret draws its own
    assert other.today("memory://", "ns", MONDAY) != monday


@pytest.fixture
def redis() -> Iterator[Redis]:
    client = redis_or_skip()
    yield client
    client.close()


def test_processes_sharing_redis_share_the_salt_and_it_expires_after_its_day(redis: Redis) -> None:
    namespace = f"closecall:test-{secrets.token_hex(6)}"
    today = datetime.now(UTC).replace(hour=0, minute=5, second=0, microsecond=0)
    name = f"{namespace}:salt:{today.date().isoformat()}"
    try:
        first = DaySalts().today(REDIS_URL, namespace, today)
        second = DaySalts().today(REDIS_URL, namespace, today + timedelta(hours=3))
        assert first == second == redis.get(name)
        expires = datetime.fromtimestamp(redis.expiretime(name), UTC)
        assert expires == today.replace(minute=0) + timedelta(hours=25)  # day's end and an hour
        assert DaySalts().today(REDIS_URL, namespace, today + timedelta(days=1)) != first
    finally:
        for day in (today, today + timedelta(days=1)):
            redis.delete(f"{namespace}:salt:{day.date().isoformat()}")
