"""anonymous in time: existing anonymous reports keep only their hour; the insights indexes
cover the release rule (anonymous, created_at)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 07:30:00

An anonymous report is stored at the start of its hour (portal/lib/hours.py). Reports stored
before that rule get the same treatment: their moment, their *submitted* event and their photo
rows are set to the hour, and the figures kept from the moment (local hour, seconds to
acknowledge, days to close) are computed again. This cannot be undone: downgrade keeps the
hours. The two covering indexes of insights gain the column each lacked, so the release rule
(`moments.released`) is answered from the index, never the table.
"""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

INSIGHTS = ['site_id', 'local_month', 'high_potential', 'status', 'created_at',
            'ack_seconds', 'close_days']
SPLITS = ['site_id', 'local_month', 'status', 'category_id', 'location_id', 'local_hour',
          'quality', 'channel', 'reporter_role', 'anonymous']


def upgrade():
    _anonymous_to_the_hour()
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_insights')
        batch_op.drop_index('ix_reports_splits')
        batch_op.create_index('ix_reports_insights', [*INSIGHTS, 'anonymous'], unique=False)
        batch_op.create_index('ix_reports_splits', [*SPLITS, 'created_at'], unique=False)


def _anonymous_to_the_hour():
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT r.id, r.created_at, r.updated_at, s.timezone, r.acknowledged_at, r.closed_at"
        " FROM reports r JOIN sites s ON s.id = r.site_id WHERE r.anonymous = :yes"
    ), {"yes": True}).all()
    report = sa.text(
        "UPDATE reports SET created_at = :hour, updated_at = :updated, local_month = :month,"
        " local_hour = :local_hour, ack_seconds = :ack, close_days = :close WHERE id = :id"
    )
    # the submitted event and the photos were written with the report, at its moment
    event = sa.text(
        "UPDATE report_events SET created_at = :hour WHERE report_id = :id AND kind = 'submitted'"
    )
    photo = sa.text("UPDATE photos SET created_at = :hour WHERE report_id = :id")
    for id_, created_at, updated_at, zone, acked, closed in rows:
        created_at, updated_at, acked, closed = (
            _moment(value) for value in (created_at, updated_at, acked, closed)
        )
        hour = created_at.replace(minute=0, second=0, microsecond=0)
        if hour == created_at:
            continue
        local = hour.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
        bind.execute(report, {
            "id": id_,
            "hour": hour,
            "updated": hour if updated_at == created_at else updated_at,
            "month": f"{local.year:04d}-{local.month:02d}",
            "local_hour": local.hour,
            "ack": round((acked - hour).total_seconds()) if acked else None,
            "close": int((closed - hour).total_seconds() // 86400) if closed else None,
        })
        bind.execute(event, {"id": id_, "hour": hour})
        bind.execute(photo, {"id": id_, "hour": hour})


def _moment(value):
    """SQLite hands back text for a textual statement; PostgreSQL a datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_splits')
        batch_op.drop_index('ix_reports_insights')
        batch_op.create_index('ix_reports_splits', SPLITS, unique=False)
        batch_op.create_index('ix_reports_insights', INSIGHTS, unique=False)
