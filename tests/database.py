"""The test database: built with the migrations, emptied between tests, and the environment
of a test's app."""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from sqlalchemy import Select, Table, create_engine, func, select, text
from sqlalchemy.engine import Connection, make_url

from portal import create_app
from portal.extensions import db
from portal.models import DEFAULT_CATEGORIES

TEST_SECRET = "test-secret-key-that-is-long-enough-for-the-portal"
T = TypeVar("T")


def sqlite_in_memory_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A folder for the SQLite test database in memory (/dev/shm) where there is one, removed
    afterwards; else pytest's temporary folder. The portal's pragmas stay as they are
    (WAL, synchronous=FULL): on a disk each commit waited for an fsync, a fifth of the run."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path_factory.mktemp("db")
        return
    folder = Path(tempfile.mkdtemp(prefix="closecall-test-", dir=shm))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


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
            # Throwaway data: a commit need not wait for its WAL to reach the disk (a server
            # crash could lose the last few). Nothing else changes: the same transactions,
            # locks and visibility; it was half of the PostgreSQL pass.
            conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
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


@dataclass
class _Built:
    """What a builder did to the database the first time it ran in this process."""

    before: dict[str, list[tuple[Any, ...]]]  # the rows of the tables it changed, before ...
    after: dict[str, list[tuple[Any, ...]]]  # ... and after
    result: Any


_BUILT: dict[tuple[str, str, tuple[int, ...]], _Built] = {}


@functools.cache
def _tables() -> dict[str, Table]:
    """The tables by name, in dependency order."""
    return {table.name: table for table in db.metadata.sorted_tables}


@functools.cache
def _counting() -> Select[Any]:
    tables = _tables().values()
    return select(*[select(func.count()).select_from(table).scalar_subquery() for table in tables])


def _counts(conn: Connection) -> tuple[int, ...]:
    return tuple(conn.execute(_counting()).one())


def _rows(conn: Connection, table: Table) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(table.select().order_by(*table.primary_key))]


def built_once(app: Flask, key: str, build: Callable[[], T]) -> T:
    """The data `build()` makes (in an app context, committed), made once per test process.

    The first time, `build` runs and the rows of the tables it changed are kept. Later, when
    the database holds what it held then (the same count of rows in every table, the same
    rows in the tables the build changes) and the app has the same secret key, the same rows
    are added, changed and removed again, ids included, and the first result is returned:
    the same data, for the cost of the inserts. Otherwise `build` runs again. Data that
    depends on the time of day is as it was made by the first build.
    """
    tables = _tables()
    with app.app_context():
        db.session.remove()
        with db.engine.connect() as conn:
            counts = _counts(conn)
            # receipts and tokens are made with the secret key: another key, another build
            known = (key, app.config["SECRET_KEY"], counts)
            built = _BUILT.get(known)
            if built is not None and all(
                _rows(conn, tables[name]) == rows for name, rows in built.before.items()
            ):
                _put_back(conn, [tables[name] for name in built.after], built.before, built.after)
                conn.commit()
                return built.result
            before = {name: _rows(conn, table) for name, table in tables.items()}
        result = build()
        db.session.commit()
        db.session.remove()
        if built is None:
            with db.engine.connect() as conn:
                after = {name: _rows(conn, table) for name, table in tables.items()}
            changed = [name for name in tables if after[name] != before[name]]
            _BUILT[known] = _Built(
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
                result=result,
            )
        return result


def _put_back(
    conn: Connection,
    tables: list[Table],
    before: dict[str, list[tuple[Any, ...]]],
    after: dict[str, list[tuple[Any, ...]]],
) -> None:
    """Turn these tables (in dependency order) from their rows before the build into their
    rows after it, row by row: rows of other tables that point at them stay untouched."""
    changes = {
        table.name: _changes(table, before[table.name], after[table.name]) for table in tables
    }
    for table in reversed(tables):
        gone = changes[table.name][0]
        for key in gone:
            conn.execute(table.delete().where(*_matching(table, key)))
    for table in tables:
        _, changed, added = changes[table.name]
        keys = [column.key for column in table.columns]
        for key, row in changed:
            conn.execute(
                table.update()
                .where(*_matching(table, key))
                .values(dict(zip(keys, row, strict=True)))
            )
        if added:
            rows = [dict(zip(keys, row, strict=True)) for row in _parents_first(table, added)]
            conn.execute(table.insert(), rows)
    if conn.dialect.name == "postgresql":
        # the next id follows the kept ones
        for table in tables:
            if "id" in table.c and after[table.name]:
                last = select(func.max(table.c.id)).scalar_subquery()
                sequence = func.pg_get_serial_sequence(table.name, "id")
                conn.execute(select(func.setval(sequence, last)))


def _parents_first(table: Table, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows in an order their own table's foreign keys accept (a report merged into another
    comes after it): ids are drawn at random, so the order of the keys says nothing."""
    own = [
        list(table.columns).index(fk.parent)
        for fk in table.foreign_keys
        if fk.column.table is table
    ]
    if not own or "id" not in table.c:
        return rows
    at = list(table.columns).index(table.c.id)
    pending, placed, ordered = list(rows), set(), []
    waiting = {row[at] for row in rows}
    while pending:
        ready = [
            row
            for row in pending
            if all(row[i] is None or row[i] in placed or row[i] not in waiting for i in own)
        ]
        if not ready:  # a cycle: leave the rest as they were
            return ordered + pending
        ordered += ready
        placed |= {row[at] for row in ready}
        pending = [row for row in pending if row[at] not in placed]
    return ordered


def _matching(table: Table, key: tuple[Any, ...]) -> list[Any]:
    return [column == value for column, value in zip(table.primary_key, key, strict=True)]


def _changes(
    table: Table, before: list[tuple[Any, ...]], after: list[tuple[Any, ...]]
) -> tuple[
    list[tuple[Any, ...]], list[tuple[tuple[Any, ...], tuple[Any, ...]]], list[tuple[Any, ...]]
]:
    """(keys of the rows gone, (key, row) of the rows changed, the rows added)."""
    columns = list(table.columns)
    positions = [columns.index(column) for column in table.primary_key]

    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(row[position] for position in positions)

    old = {key(row): row for row in before}
    new = {key(row): row for row in after}
    gone = [key for key in old if key not in new]
    changed = [(key, row) for key, row in new.items() if key in old and old[key] != row]
    added = [row for key, row in new.items() if key not in old]
    return gone, changed, added
