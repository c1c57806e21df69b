"""insights: exposure hours, site shifts, reports' local month/hour and quality score, indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:05:00

Existing reports get their local month and hour from their site's time zone and their
quality score from what they hold, by the same rules new reports follow.
"""
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'exposure_hours',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('hours', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_exposure_hours_site_id_sites')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_exposure_hours_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exposure_hours')),
        sa.UniqueConstraint('site_id', 'month', name='uq_exposure_hours_site_month'),
    )
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shifts', sa.JSON(), nullable=True))

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('local_month', sa.String(length=7), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('local_hour', sa.SmallInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('quality', sa.SmallInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('ack_seconds', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('close_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('anonymous', sa.Boolean(), nullable=False, server_default=sa.true()))

    _backfill_reports()
    op.execute(
        "UPDATE reports SET anonymous = (reporter_name IS NULL OR reporter_name = '')"
    )

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.alter_column('local_month', server_default=None)
        batch_op.alter_column('local_hour', server_default=None)
        batch_op.alter_column('quality', server_default=None)
        batch_op.alter_column('anonymous', server_default=None)
        batch_op.create_index(
            'ix_reports_insights',
            ['site_id', 'local_month', 'high_potential', 'status', 'created_at',
             'ack_seconds', 'close_days'],
            unique=False,
        )
        batch_op.create_index(
            'ix_reports_themes',
            ['site_id', 'created_at', 'location_id', 'category_id', 'asset_id', 'status',
             'high_potential', 'severity'],
            unique=False,
        )
        batch_op.create_index(
            'ix_reports_splits',
            ['site_id', 'local_month', 'status', 'category_id', 'location_id', 'local_hour',
             'quality', 'channel', 'reporter_role', 'anonymous'],
            unique=False,
        )
        batch_op.create_index(
            'ix_reports_high_potential', ['high_potential', 'created_at'], unique=False
        )

    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_actions_status_due_on')
        batch_op.create_index(
            'ix_corrective_actions_status_due_on',
            ['status', 'due_on', 'site_id', 'report_id'],
            unique=False,
        )
        batch_op.create_index(
            'ix_corrective_actions_site_id_due_on',
            ['site_id', 'due_on', 'status', 'report_id'],
            unique=False,
        )

def _backfill_reports():
    from portal.domain.quality import quality_score
    from portal.models.report import durations

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT r.id, r.created_at, s.timezone, r.what_happened, r.potential_text, r.where_text,"
        " l.name, (SELECT count(*) FROM photos p WHERE p.report_id = r.id),"
        " r.acknowledged_at, r.closed_at"
        " FROM reports r JOIN sites s ON s.id = r.site_id JOIN locations l ON l.id = r.location_id"
    )).all()
    update = sa.text(
        "UPDATE reports SET local_month = :month, local_hour = :hour, quality = :quality,"
        " ack_seconds = :ack, close_days = :close WHERE id = :id"
    )
    for id_, created_at, zone, what, potential, where, place, photos, acked, closed in rows:
        created_at, acked, closed = (_moment(value) for value in (created_at, acked, closed))
        local = created_at.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
        ack, close = durations(created_at, acked, closed)
        bind.execute(update, {
            "id": id_,
            "month": f"{local.year:04d}-{local.month:02d}",
            "hour": local.hour,
            "quality": quality_score(
                what_happened=what, photo_count=photos, potential_text=potential,
                where_text=where, location_name=place,
            ),
            "ack": ack,
            "close": close,
        })


def _moment(value):
    """SQLite hands back text for a textual statement; PostgreSQL a datetime."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def downgrade():
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_actions_site_id_due_on')
        batch_op.drop_index('ix_corrective_actions_status_due_on')
        batch_op.create_index(
            'ix_corrective_actions_status_due_on', ['status', 'due_on'], unique=False
        )

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_high_potential')
        batch_op.drop_index('ix_reports_splits')
        batch_op.drop_index('ix_reports_themes')
        batch_op.drop_index('ix_reports_insights')
        batch_op.drop_column('anonymous')
        batch_op.drop_column('close_days')
        batch_op.drop_column('ack_seconds')
        batch_op.drop_column('quality')
        batch_op.drop_column('local_hour')
        batch_op.drop_column('local_month')

    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('shifts')

    op.drop_table('exposure_hours')
