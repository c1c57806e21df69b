"""board indexes: reports by status and time, and by site and id

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 07:25:00

"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index('ix_reports_status_created_at', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_reports_site_id_id', ['site_id', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_site_id_id')
        batch_op.drop_index('ix_reports_status_created_at')
