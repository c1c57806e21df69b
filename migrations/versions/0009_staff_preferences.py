"""staff preferences: the staff pages' language and the morning digest, chosen on the profile page

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 08:15:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), nullable=True))
        batch_op.add_column(
            sa.Column('wants_digest', sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('wants_digest')
        batch_op.drop_column('language')
