"""`portal copy-to URL`: move every row of the portal's database into an empty one.

The way from the embedded SQLite to PostgreSQL (docs/deploy.md). The target is built the one
way every Closecall database is built, by the Alembic migrations, then every table is copied
in foreign-key order, in batches, all columns as they are (JSON as its exact text, so a JSON
`null` stays apart from an SQL NULL). PostgreSQL's id sequences then continue after the
largest copied id, and the row count of every table is compared.

The source is read in one transaction: one consistent moment, even while the portal serves
(stop it anyway for the move, or reports made after that moment stay behind). The target is
written in one transaction: a failed copy leaves it migrated and empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import (
    JSON,
    Column,
    MetaData,
    Table,
    Text,
    bindparam,
    cast,
    create_engine,
    func,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.sql.elements import ColumnElement

from portal.models import DEFAULT_CATEGORIES

# rows the migrations themselves put in a new database: the target may hold these only
MIGRATION_SEEDED = {"categories": ("name", frozenset(DEFAULT_CATEGORIES))}


class CopyError(RuntimeError):
    """The copy was refused or did not match; the message says why."""


@dataclass(frozen=True)
class CopyResult:
    """Rows per table in the source and, after the copy, in the target."""

    target: str
    counts: dict[str, tuple[int, int]]

    @property
    def matches(self) -> bool:
        return all(source == copied for source, copied in self.counts.values())

    def describe(self) -> str:
        """A table of counts for the terminal, and the verdict."""
        width = max(len(name) for name in self.counts)
        lines = [f"  {'table':<{width}}  {'source':>9}  {'target':>9}"]
        for name, (source, copied) in self.counts.items():
            mark = "" if source == copied else "  MISMATCH"
            lines.append(f"  {name:<{width}}  {source:>9,}  {copied:>9,}{mark}")
        total = sum(source for source, _ in self.counts.values())
        lines.append(f"Copied {total:,} rows to {self.target}: every table's count matches.")
        return "\n".join(lines)


def target_url(raw: str) -> URL:
    """The target's URL, with psycopg 3 for PostgreSQL as in portal/config.py."""
    try:
        url = make_url(raw)
    except Exception as problem:  # sqlalchemy raises ArgumentError for a malformed URL
        raise CopyError(f"not a database URL: {raw!r}") from problem
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def copy_to(
    raw_url: str, batch_size: int = 1000, echo: Callable[[str], Any] = lambda _line: None
) -> CopyResult:
    """Migrate the empty database at `raw_url` to head and copy every row of the app's into it."""
    from portal.extensions import db

    url = target_url(raw_url)
    shown = url.render_as_string(hide_password=True)
    if url == make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]):
        raise CopyError("the target is the portal's own database")
    tables = list(db.metadata.sorted_tables)
    engine = create_engine(url)
    try:
        _refuse_unless_empty(engine, shown)
        echo(f"Migrating {shown} to the latest schema ...")
        _migrate(url)
        with db.engine.connect() as source, source.begin():
            _check_source(source, tables)
            with engine.begin() as target:
                _clear_migration_seeds(target, tables)
                for table in tables:
                    copied = _copy_table(source, target, table, batch_size)
                    echo(f"  {table.name}: {copied:,} rows")
                if target.dialect.name == "postgresql":
                    _continue_sequences(target, tables)
            before = {table.name: _count(source, table) for table in tables}
        with engine.connect() as target:
            counts = {table.name: (before[table.name], _count(target, table)) for table in tables}
    finally:
        engine.dispose()
    result = CopyResult(shown, counts)
    if not result.matches:
        raise CopyError("row counts differ after the copy:\n" + result.describe())
    return result


def _refuse_unless_empty(engine: Engine, shown: str) -> None:
    """Refuse a target with any row beyond what the migrations seed."""
    try:
        with engine.connect() as conn:
            names = [name for name in inspect(conn).get_table_names() if name != "alembic_version"]
            for name in names:
                table = Table(name, MetaData(), autoload_with=conn)
                if name in MIGRATION_SEEDED:
                    column, allowed = MIGRATION_SEEDED[name]
                    values = set(conn.scalars(select(table.c[column])))
                    if values <= allowed:
                        continue
                elif not conn.scalar(select(func.count()).select_from(table)):
                    continue
                raise CopyError(
                    f"{shown} is not empty (table {name} has rows): copy-to only fills a new, "
                    "empty database"
                )
    except CopyError:
        raise
    except Exception as problem:
        raise CopyError(
            f"cannot open {shown}: {problem.__class__.__name__}: {problem}"
        ) from problem


def _migrate(url: URL) -> None:
    """Run this code's Alembic migrations against the target, the way `db upgrade` does."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    target_app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": url.get_backend_name() != "sqlite"},
        }
    )
    with target_app.app_context():
        try:
            upgrade()
        finally:
            db.engine.dispose()


def _check_source(source: Connection, tables: list[Table]) -> None:
    """The source must be at the same head and hold no column the models do not know."""
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    current = set(source.scalars(text("SELECT version_num FROM alembic_version")))
    if current != heads:
        raise CopyError(
            f"the portal's database is at migration {sorted(current)}, the code at "
            f"{sorted(heads)}: run `flask --app wsgi db upgrade` first"
        )
    inspector = inspect(source)
    known = {table.name for table in tables} | {"alembic_version"}
    unknown = set(inspector.get_table_names()) - known
    if unknown:
        raise CopyError(f"the portal's database has tables the code does not know: {unknown}")
    for table in tables:
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        extra = columns - set(table.c.keys())
        if extra:
            raise CopyError(f"{table.name} has columns the code does not know: {sorted(extra)}")


def _clear_migration_seeds(target: Connection, tables: list[Table]) -> None:
    """The reference rows the migrations put in come from the source instead, ids and all."""
    for table in tables:
        if table.name in MIGRATION_SEEDED:
            target.execute(table.delete())


def _read_column(column: Column[Any]) -> ColumnElement[Any]:
    # JSON read as its stored text: an SQL NULL and a JSON null stay what they are
    if isinstance(column.type, JSON):
        return cast(column, Text).label(column.key)
    return column


def _self_references(table: Table) -> list[Column[Any]]:
    """Columns pointing into their own table (a merged report's target may come later)."""
    return [fk.parent for fk in table.foreign_keys if fk.column.table is table]


def _insert(table: Table, dialect: str) -> Any:
    """An INSERT taking JSON columns as text (parameter `json_<key>`), the rest as they are."""
    values: dict[str, Any] = {}
    for column in table.c:
        if isinstance(column.type, JSON):
            raw = bindparam(f"json_{column.key}", type_=Text)
            values[column.key] = cast(raw, column.type) if dialect == "postgresql" else raw
    return table.insert().values(values) if values else table.insert()


def _copy_table(source: Connection, target: Connection, table: Table, batch_size: int) -> int:
    """Copy one table in primary-key order, `batch_size` rows per insert; return the rows."""
    deferred = _self_references(table)
    key = list(table.primary_key.columns)
    json_keys = [column.key for column in table.c if isinstance(column.type, JSON)]
    insert = _insert(table, target.dialect.name)
    query = select(*(_read_column(column) for column in table.c)).order_by(*key)
    # self-references are set once every row exists; columns that change themselves on
    # UPDATE (updated_at) are written again with their copied value at that moment
    fixed = deferred + [column for column in table.c if column.onupdate is not None]
    later: list[dict[str, Any]] = []
    copied = 0
    rows = source.execute(query.execution_options(yield_per=batch_size))
    for batch in rows.partitions(batch_size):
        values = []
        for row in batch:
            record = dict(row._mapping)
            if any(record[column.key] is not None for column in deferred):
                later.append({f"b_{column.key}": record[column.key] for column in key + fixed})
            for column in deferred:
                record[column.key] = None
            for name in json_keys:
                record[f"json_{name}"] = record.pop(name)
            values.append(record)
        target.execute(insert, values)
        copied += len(values)
    if later:
        fixes = (
            update(table)
            .where(*(column == bindparam(f"b_{column.key}", type_=column.type) for column in key))
            .values({c.key: bindparam(f"b_{c.key}", type_=c.type) for c in fixed})
        )
        target.execute(fixes, later)
    return copied


def _continue_sequences(target: Connection, tables: list[Table]) -> None:
    """Make PostgreSQL's next id the largest copied id + 1, for every table with an id."""
    for table in tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        largest = select(func.max(table.c.id)).scalar_subquery()
        sequence = func.pg_get_serial_sequence(table.name, "id")
        target.execute(select(func.setval(sequence, func.coalesce(largest, 0) + 1, False)))


def _count(conn: Connection, table: Table) -> int:
    return int(conn.scalar(select(func.count()).select_from(table)) or 0)
