"""One schema path: a blank database migrated to head matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db


def test_migrations_build_exactly_the_models(app):
    # The session database was built from a blank one by `flask db upgrade` (conftest).
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_database_is_at_the_single_head(app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
        with db.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
    assert len(heads) == 1
    assert tuple(current) == tuple(heads)
