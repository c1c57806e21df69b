"""Fixtures: a migrated database per run (SQLite, or PostgreSQL with --db=postgresql),
an app and client per test, and personas to sign in as."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy.engine import Engine

from portal import create_app
from tests import factories
from tests.database import (
    built_once,
    empty_tables,
    migrate_to_head,
    postgres_database,
    sqlite_in_memory_folder,
    test_environment,
)
from tests.factories import small_world


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """argon2id still, but with test-sized cost: the suite creates many accounts."""
    from argon2 import PasswordHasher

    from portal.lib import passwords

    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(autouse=True, scope="session")
def _one_engine_per_database() -> Iterator[None]:
    """Every test builds its own app; they share one engine per database URL, so SQLAlchemy's
    compiled-statement cache survives from test to test (compiling anew was a tenth of the
    run). Each test still ends with the engine's pool disposed."""
    from flask_sqlalchemy import SQLAlchemy

    original = SQLAlchemy._make_engine
    engines: dict[str, Engine] = {}

    def make_engine(self, bind_key, options, app):  # type: ignore[no-untyped-def]
        key = repr(sorted((name, repr(value)) for name, value in options.items()))
        if key not in engines:
            engines[key] = original(self, bind_key, options, app)
        return engines[key]

    SQLAlchemy._make_engine = make_engine  # type: ignore[method-assign]
    yield
    SQLAlchemy._make_engine = original  # type: ignore[method-assign]
    for engine in engines.values():
        engine.dispose()


@pytest.fixture(autouse=True, scope="session")
def _one_url_builder_per_rule() -> Iterator[None]:
    """Every test builds its own app, and werkzeug compiles a URL builder for each of its
    rules from a generated syntax tree: four fifths of create_app. The builder is a plain
    function of the rule's text, parts and defaults (the rule comes in as an argument when it
    runs), so the same rule of the next app reuses it."""
    from werkzeug.routing.rules import Rule

    original = Rule._compile_builder
    builders: dict[tuple[object, ...], Callable[..., tuple[str, str]]] = {}

    def compile_builder(self: Rule, append_unknown: bool = True):  # type: ignore[no-untyped-def]
        defaults = tuple(sorted((self.defaults or {}).items()))
        key = (self.rule, tuple(self._trace), repr(defaults), append_unknown)
        if key not in builders:
            builders[key] = original(self, append_unknown)
        return builders[key]

    Rule._compile_builder = compile_builder  # type: ignore[method-assign]
    yield
    Rule._compile_builder = original  # type: ignore[method-assign]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default="sqlite",
        help="database to run the suite against (postgresql uses TEST_DATABASE_URL)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"closecall database: {config.getoption('--db')}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass runs the tests that reach a database; the others (catalogues, clocks,
    image cleaning, pure rules) answer the same whatever the database, and ran in the first
    pass, as did the checks of markup and headers (marked `markup`: the HTML validator, markup
    reflected from parameters, security headers). They are deselected here, and counted as
    such in the summary."""
    if config.getoption("--db") != "postgresql":
        return
    kept, left = [], []
    for item in items:
        reaches = "database_url" in getattr(item, "fixturenames", ())
        markup_only = item.get_closest_marker("markup") is not None
        (kept if reaches and not markup_only else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture(scope="session")
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The database every test of this run uses, migrated to head once."""
    if request.config.getoption("--db") == "postgresql":
        base = os.environ.get("TEST_DATABASE_URL")
        if not base:
            pytest.skip("--db=postgresql needs TEST_DATABASE_URL")
        generator = postgres_database(base)
        url = next(generator)
    else:
        generator = sqlite_in_memory_folder(tmp_path_factory)
        url = f"sqlite:///{next(generator) / 'test.db'}"
    migrate_to_head(url, tmp_path_factory.mktemp("migrate-instance"))
    yield url
    next(generator, None)


@pytest.fixture
def app_env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of the test's app; tests may change it before `app` is built."""
    env = test_environment(tmp_path / "instance", database_url)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


class _SharedBytecode(BytecodeCache):
    """Compiled templates kept across the suite's apps: each test builds a new app, and
    compiling every template again per test was a third of the suite's time."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = _SharedBytecode()


@pytest.fixture
def app(app_env: dict[str, str]) -> Iterator[Flask]:
    application = create_app()
    application.jinja_env.bytecode_cache = SHARED_BYTECODE
    yield application
    empty_tables(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def world(app: Flask) -> factories.World:
    """Two sites with a location each, and a persona of every role (see factories.World)."""
    return built_once(app, "world", factories.build_world)


@pytest.fixture
def login(client: FlaskClient) -> factories.LoginActions:
    return factories.LoginActions(client)


@pytest.fixture
def signed_in(login: factories.LoginActions, world: factories.World):
    """Sign the test client in as a persona by name; returns the client."""

    def sign_in(persona: str) -> FlaskClient:
        assert login.as_(getattr(world, persona)).status_code == 303
        return login.client

    return sign_in


@pytest.fixture
def ids(app: Flask, world: factories.World) -> factories.Ids:
    """The database ids behind the world's sites and location codes."""
    with app.app_context():
        return factories.world_ids(world)


@pytest.fixture
def small(app: Flask, world: factories.World) -> small_world.Small:
    """The indicators' hand-counted data set (tests/factories/small_world.py), stored."""
    return built_once(app, "small world", lambda: small_world.build(world))


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """A request context: labels and formatting go through Flask-Babel."""
    with app.test_request_context():
        yield
