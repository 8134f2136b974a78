"""sessions that a logout ends, and one-time form keys (issue 10)

Revision ID: 0009_sec_sessions_submissions
Revises: 0008_clock
"""
from alembic import op
import sqlalchemy as sa

import crm.base


revision = "0009_sec_sessions_submissions"
down_revision = "0008_clock"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ended_at', crm.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions'))
    )
    op.create_index(op.f('ix_user_sessions_user_id'), 'user_sessions', ['user_id'], unique=False)
    op.create_table('form_submissions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('result_url', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_form_submissions_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'key', name=op.f('pk_form_submissions'))
    )
    op.create_index(op.f('ix_form_submissions_created_at'), 'form_submissions', ['created_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_form_submissions_created_at'), table_name='form_submissions')
    op.drop_table('form_submissions')
    op.drop_index(op.f('ix_user_sessions_user_id'), table_name='user_sessions')
    op.drop_table('user_sessions')
