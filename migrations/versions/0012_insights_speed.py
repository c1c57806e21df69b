"""insights speed: covering indexes that each pass of the insights pages streams through in
order (no sort), and the report's month kept on its actions

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 12:00:00

Every insights pass reads the counted reports of some sites over a range of months through an
index leading with (site_id, local_month); what it groups by now follows at once, so SQLite
streams the groups out in index order instead of sorting the range (docs/benchmarks.md):

- ix_reports_insights takes close_days before created_at: the counts and the histogram of
  days to close (the median) come from one pass;
- ix_reports_splits leads with the local hour (the shifts), quality and source counted along;
- ix_reports_places (new): the splits by place and by category;
- ix_reports_site_id_status gains the month (a strict extension under a new name): the merged
  and dismissed reports of a range of months, read from the index;
- ix_reports_high_potential gains status, site, month and the anonymous flag: the review's
  high-potential reports (of the month, or older and still open) found in the index;
- corrective_actions.report_month (new, filled from the reports) with its index: the actions
  of a range of months' reports by level of control, without joining every report;
- corrective_actions.report_high_potential (new, filled from the reports, kept in step by the
  models): the closeout and overdue counts split high-potential from their own indexes, which
  gain the column, instead of testing each action against every high-potential report;
- ix_corrective_actions_owner_id gains status and due_on: an owner's open actions by date.
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OLD_INSIGHTS = ['site_id', 'local_month', 'high_potential', 'status', 'created_at',
                'ack_seconds', 'close_days', 'anonymous']
OLD_SPLITS = ['site_id', 'local_month', 'status', 'category_id', 'location_id', 'local_hour',
              'quality', 'channel', 'reporter_role', 'anonymous', 'created_at']
INSIGHTS = ['site_id', 'local_month', 'high_potential', 'status', 'close_days', 'created_at',
            'ack_seconds', 'anonymous']
SPLITS = ['site_id', 'local_month', 'local_hour', 'status', 'quality', 'channel',
          'reporter_role', 'anonymous', 'created_at']
PLACES = ['site_id', 'local_month', 'location_id', 'category_id', 'status', 'anonymous',
          'created_at']
ACTION_MONTH = ['site_id', 'report_month', 'control_level', 'status']
OLD_HIGH_POTENTIAL = ['high_potential', 'created_at']
HIGH_POTENTIAL = [*OLD_HIGH_POTENTIAL, 'status', 'site_id', 'local_month', 'anonymous']
OLD_DUE = {
    'ix_corrective_actions_status_due_on': ['status', 'due_on', 'site_id', 'report_id'],
    'ix_corrective_actions_site_id_due_on': ['site_id', 'due_on', 'status', 'report_id'],
}


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_insights')
        batch_op.drop_index('ix_reports_splits')
        batch_op.drop_index('ix_reports_site_id_status')
        batch_op.drop_index('ix_reports_high_potential')
        batch_op.create_index('ix_reports_insights', INSIGHTS, unique=False)
        batch_op.create_index('ix_reports_high_potential', HIGH_POTENTIAL, unique=False)
        batch_op.create_index('ix_reports_splits', SPLITS, unique=False)
        batch_op.create_index('ix_reports_places', PLACES, unique=False)
        batch_op.create_index(
            'ix_reports_site_id_status_month', ['site_id', 'status', 'local_month'], unique=False
        )
    # plain ALTER TABLE ... ADD COLUMN (a batch would copy the table on SQLite, and dropping
    # the old copy fails while the timeline's rows point at its actions)
    op.add_column('corrective_actions', sa.Column('report_month', sa.String(length=7)))
    op.add_column('corrective_actions', sa.Column(
        'report_high_potential', sa.Boolean(), server_default=sa.false(), nullable=False
    ))
    op.execute(
        "UPDATE corrective_actions SET"
        " report_month = (SELECT local_month FROM reports"
        " WHERE reports.id = corrective_actions.report_id),"
        " report_high_potential = (SELECT high_potential FROM reports"
        " WHERE reports.id = corrective_actions.report_id)"
    )
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        for name, columns in OLD_DUE.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, [*columns, 'report_high_potential'], unique=False)
        batch_op.drop_index('ix_corrective_actions_owner_id')
        batch_op.create_index(
            'ix_corrective_actions_owner_id', ['owner_id', 'status', 'due_on'], unique=False
        )
        batch_op.create_index('ix_corrective_actions_report_month', ACTION_MONTH, unique=False)


def downgrade():
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_actions_report_month')
        batch_op.drop_index('ix_corrective_actions_owner_id')
        batch_op.create_index('ix_corrective_actions_owner_id', ['owner_id'], unique=False)
        for name, columns in OLD_DUE.items():
            batch_op.drop_index(name)
            batch_op.create_index(name, columns, unique=False)
    # plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), not a copy of the table: see upgrade
    op.drop_column('corrective_actions', 'report_high_potential')
    op.drop_column('corrective_actions', 'report_month')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_site_id_status_month')
        batch_op.drop_index('ix_reports_places')
        batch_op.drop_index('ix_reports_splits')
        batch_op.drop_index('ix_reports_insights')
        batch_op.drop_index('ix_reports_high_potential')
        batch_op.create_index('ix_reports_high_potential', OLD_HIGH_POTENTIAL, unique=False)
        batch_op.create_index('ix_reports_site_id_status', ['site_id', 'status'], unique=False)
        batch_op.create_index('ix_reports_splits', OLD_SPLITS, unique=False)
        batch_op.create_index('ix_reports_insights', OLD_INSIGHTS, unique=False)
