"""SQLite backups taken while the portal serves, and the restore of one (server stopped).

`portal backup PATH` copies the configured SQLite database with SQLite's online backup API:
one read transaction, so the copy is one consistent moment even while reports keep arriving
(WAL: readers never block writers). The copy is checked (PRAGMA integrity_check), switched to
a single self-contained file (no -wal beside it) and only then moved to PATH.

`portal restore PATH` puts such a copy in place of the configured database. It must run with
the server, the notification sender and the timers stopped: it refuses while any other
connection holds the database open, checks that PATH is a sound Closecall database at this
code's migration head, and keeps the replaced file as `<database>.before-restore`.

PostgreSQL has its own tools: pg_dump and pg_restore (docs/deploy.md).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

SQLITE_HEADER = b"SQLite format 3\x00"
BEFORE_RESTORE_SUFFIX = ".before-restore"
# a Closecall database has these; anything else is somebody else's SQLite file
REQUIRED_TABLES = ("alembic_version", "reports", "report_events", "sites", "users")


class BackupError(RuntimeError):
    """A backup or restore refused or failed; the message says why and what to do."""


@dataclass(frozen=True)
class Snapshot:
    """What a database file holds: its migration revision and the rows of every table."""

    path: Path
    revision: str | None
    counts: dict[str, int]

    def describe(self) -> str:
        """Lines for the terminal: the file, its revision and one line per table."""
        width = max((len(name) for name in self.counts), default=5)
        lines = [f"{self.path} (migration {self.revision or 'none'}, integrity ok)"]
        lines += [f"  {name:<{width}}  {count:>9,}" for name, count in self.counts.items()]
        return "\n".join(lines)


def database_file(uri: str) -> Path:
    """The SQLite file behind a database URL; a clear refusal for anything else."""
    url = make_url(uri)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"the portal uses {url.get_backend_name()}, not SQLite: back it up with pg_dump "
            "and restore with pg_restore (docs/deploy.md, 'Backups')"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory: there is no file to back up")
    return Path(url.database).resolve()


def head_revision() -> str:
    """The migration head of this code (a restored database must be at it)."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    heads = ScriptDirectory.from_config(config).get_heads()
    if len(heads) != 1:
        raise BackupError(f"the migrations have {len(heads)} heads; expected one")
    return str(heads[0])


def run_backup(destination: Path, force: bool = False) -> Snapshot:
    """Back up the app's configured database to `destination` (see module docstring)."""
    database = database_file(current_app.config["SQLALCHEMY_DATABASE_URI"])
    return backup(database, destination, force=force)


def run_restore(source: Path, force: bool = False) -> tuple[Snapshot, Path | None]:
    """Restore `source` over the app's configured database; (what it holds, the kept file)."""
    from portal.extensions import db

    database = database_file(current_app.config["SQLALCHEMY_DATABASE_URI"])
    db.engine.dispose()  # this process's own pooled connections must not count as "in use"
    return restore(source, database, head=head_revision(), force=force)


def backup(database: Path, destination: Path, force: bool = False) -> Snapshot:
    """Copy `database` to `destination` with the online backup API, check it, then publish it."""
    destination = destination.resolve()
    if not database.is_file():
        raise BackupError(f"no database at {database}")
    if destination == database:
        raise BackupError("PATH is the database itself; give another file")
    if destination.is_dir():
        raise BackupError(f"{destination} is a directory; give a file name")
    if not destination.parent.is_dir():
        raise BackupError(f"the folder {destination.parent} does not exist")
    if destination.exists() and not force:
        raise BackupError(f"{destination} exists; use --force to overwrite it")
    partial = destination.with_name(f".{destination.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        with (
            closing(sqlite3.connect(database, timeout=30)) as source,
            closing(sqlite3.connect(partial, isolation_level=None)) as copy,
        ):
            # one step (pages=-1): a single read transaction, so one consistent moment
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        snapshot = inspect_file(partial)
        _fsync(partial)
        os.replace(partial, destination)
        _fsync(destination.parent)
    except sqlite3.Error as problem:
        raise BackupError(f"the backup failed: {problem}") from problem
    finally:
        partial.unlink(missing_ok=True)
    return Snapshot(destination, snapshot.revision, snapshot.counts)


def restore(
    source: Path, database: Path, head: str, force: bool = False
) -> tuple[Snapshot, Path | None]:
    """Put the backup `source` in place of `database`, keeping the old file beside it."""
    source = source.resolve()
    if not source.is_file():
        raise BackupError(f"no file at {source}")
    if source == database:
        raise BackupError("PATH is the database itself")
    checked = inspect_file(source)
    if checked.revision != head:
        raise BackupError(
            f"{source} is at migration {checked.revision}, this Closecall at {head}: restore it "
            "with the code it was made with, then upgrade (flask --app wsgi db upgrade)"
        )
    kept: Path | None = None
    if database.exists():
        kept = database.with_name(database.name + BEFORE_RESTORE_SUFFIX)
        if kept.exists() and not force:
            raise BackupError(f"{kept} is there from an earlier restore; move it, or use --force")
        _take_offline(database)
        os.replace(database, kept)
    database.parent.mkdir(parents=True, exist_ok=True)
    for leftover in _sidecars(database):
        leftover.unlink(missing_ok=True)
    partial = database.with_name(f".{database.name}.restoring-{os.getpid()}")
    try:
        shutil.copyfile(source, partial)
        _fsync(partial)
        os.replace(partial, database)
        _fsync(database.parent)
    finally:
        partial.unlink(missing_ok=True)
    restored = inspect_file(database)
    return restored, kept


def inspect_file(path: Path) -> Snapshot:
    """Check a SQLite file (integrity, Closecall tables) and count the rows of every table."""
    with open(path, "rb") as handle:
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise BackupError(f"{path} is not a SQLite database")
    try:
        with _read_only(path) as conn:
            verdict = [row[0] for row in conn.execute("PRAGMA integrity_check")]
            if verdict != ["ok"]:
                raise BackupError(f"{path} is damaged: {'; '.join(verdict[:5])}")
            tables = [
                row[0]
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            missing = [name for name in REQUIRED_TABLES if name not in tables]
            if missing:
                raise BackupError(f"{path} is not a Closecall database (no {', '.join(missing)})")
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            # table names come from sqlite_master of the file itself
            counts = {
                name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # noqa: S608
                for name in tables
                if name != "alembic_version"
            }
    except sqlite3.DatabaseError as problem:
        raise BackupError(f"{path} cannot be read as a database: {problem}") from problem
    return Snapshot(path, revision[0] if revision else None, counts)


@contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def _take_offline(database: Path) -> None:
    """Fold the WAL into the file; refused by SQLite while any other connection has it open."""
    try:
        with closing(sqlite3.connect(database, timeout=0, isolation_level=None)) as conn:
            conn.execute("PRAGMA journal_mode=DELETE").fetchone()
            # a rollback-journal database read by another process shows up here instead
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as problem:
        raise BackupError(
            f"{database} is in use ({problem}): stop the server, the notification sender and "
            "the timers first, then restore"
        ) from problem


def _sidecars(database: Path) -> list[Path]:
    return [database.with_name(database.name + suffix) for suffix in ("-wal", "-shm", "-journal")]


def _fsync(path: Path) -> None:
    """Flush a file or a folder entry to disk (a backup is worth nothing half-written)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
