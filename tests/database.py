"""The test database: built with the migrations, emptied between tests, and the environment
of a test's app."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from portal.models import DEFAULT_CATEGORIES

TEST_SECRET = "test-secret-key-that-is-long-enough-for-the-portal"


def postgres_database(base_url: str) -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards."""
    url = make_url(base_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = f"closecall_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {base_url}: {exc.__class__.__name__}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def test_environment(instance: Path, database_url: str) -> dict[str, str]:
    return {
        "PORTAL_ENV": "testing",
        "PORTAL_SECRET_KEY": TEST_SECRET,
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_INSTANCE_PATH": str(instance),
        "PORTAL_BASE_URL": "http://closecall.test",
        "PORTAL_RATELIMIT_STORAGE_URL": "memory://",
    }


def migrate_to_head(url: str, instance: Path) -> None:
    """Build the schema the one way production does: the Alembic migrations."""
    from flask_migrate import upgrade

    with pytest.MonkeyPatch.context() as patch:
        for key, value in test_environment(instance, url).items():
            patch.setenv(key, value)
        app = create_app()
        with app.app_context():
            upgrade()
            db.engine.dispose()


def empty_tables(app: Flask) -> None:
    """Every table emptied, ids restarted, and the reference data the migrations seed put back."""
    with app.app_context():
        db.session.remove()
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as conn:
            for table in tables:
                conn.execute(table.delete())
            if conn.dialect.name == "postgresql":
                # ids start at 1 again, as on SQLite (DELETE and setval: five times quicker
                # than TRUNCATE ... RESTART IDENTITY on a test's few rows)
                restarts = ", ".join(
                    f"setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"
                    for table in tables
                    if "id" in table.c
                )
                conn.execute(text(f"SELECT {restarts}"))
            # reference data the migrations seed
            categories = db.metadata.tables["categories"]
            conn.execute(
                categories.insert(),
                [
                    {"name": name, "position": index, "active": True}
                    for index, name in enumerate(DEFAULT_CATEGORIES)
                ],
            )
        # the pool's connections stay open for the next test (the engine is shared):
        # reconnecting to PostgreSQL for every test was a sixth of its pass
