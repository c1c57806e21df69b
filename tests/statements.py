"""Counting the SQL statements a piece of work runs (query-count tests: no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from portal.extensions import db


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """The statements run on the app's engine inside the block, in order."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
