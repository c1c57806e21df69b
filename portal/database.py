"""Engine set-up: SQLite pragmas and immediate write transactions."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from portal.extensions import db

WRITE_OPTION = "closecall_write"
F = TypeVar("F", bound=Callable[..., Any])


_CONFIGURED: weakref.WeakSet[Engine] = weakref.WeakSet()


def configure_engine(engine: Engine) -> None:
    """Make SQLite durable and safe under concurrent writers; PostgreSQL needs nothing.

    Idempotent: an engine shared by several apps (the test suite does) is hooked once.
    """
    if engine.dialect.name != "sqlite" or engine in _CONFIGURED:
        return
    _CONFIGURED.add(engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so we can issue BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # FULL: a receipt shown is a report kept, even across a power cut.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A deferred read-then-write transaction fails at once with "database is locked"
        # when another writer got in between; writers therefore start with BEGIN IMMEDIATE.
        if connection.get_execution_options().get(WRITE_OPTION):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def begin_write() -> None:
    """Open the session's transaction as a write transaction (call before the first query)."""
    if db.session().in_transaction():
        db.session.commit()
    db.session.connection(execution_options={WRITE_OPTION: True})


_SQLITE_WRITERS = threading.Lock()


@contextmanager
def queued_writes() -> Iterator[None]:
    """Queue this process's SQLite writers on a lock instead of SQLite's busy handler.

    A writer that finds the database locked sleeps in growing steps (up to 100 ms) and may
    lose the race again and again: a long tail. Threads of one process wait here instead and
    are woken as soon as the writer before them is done. Other processes still meet
    `busy_timeout`; PostgreSQL needs no queue.
    """
    if db.engine.dialect.name != "sqlite":
        yield
        return
    with _SQLITE_WRITERS:
        yield


def own_write_transaction(view: F) -> F:
    """Mark a view that opens its write transaction itself, as late as it can.

    The report submission reads, parses and cleans photos first, and only then takes
    SQLite's write lock for the few milliseconds of the insert.
    """
    view._own_write_transaction = True  # type: ignore[attr-defined]
    return view


def init_app(app: Flask) -> None:
    """Hook the engine configuration and the per-request write transactions into the app."""
    with app.app_context():
        configure_engine(db.engine)

    @app.before_request
    def _writes_start_immediate() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        view = app.view_functions.get(request.endpoint or "")
        if not getattr(view, "_own_write_transaction", False):
            begin_write()
