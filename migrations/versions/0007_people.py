"""people: one-time account links (invitation, password reset) and the staff change trail

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_links_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_links_token_hash')),
        sa.UniqueConstraint('user_id', 'purpose', name='uq_account_links_user_purpose'),
    )
    op.create_table(
        'staff_changes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('what', sa.String(length=30), nullable=False),
        sa.Column('before', sa.Text(), nullable=True),
        sa.Column('after', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_staff_changes_actor_id_users')),
        sa.ForeignKeyConstraint(['subject_id'], ['users.id'], name=op.f('fk_staff_changes_subject_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_changes')),
    )
    op.create_index(op.f('ix_staff_changes_at'), 'staff_changes', ['at'], unique=False)
    op.create_index(op.f('ix_staff_changes_subject_id'), 'staff_changes', ['subject_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_staff_changes_subject_id'), table_name='staff_changes')
    op.drop_index(op.f('ix_staff_changes_at'), table_name='staff_changes')
    op.drop_table('staff_changes')
    op.drop_table('account_links')
