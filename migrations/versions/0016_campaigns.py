"""Campaigns (R-50), their cost lines and the approval requests of budgets and purchases
(R-51), each decision an `approvals` row; phases with their minutes and action items (R-52,
R-53).

Revision ID: 0016_campaigns
Revises: 0015_contracts_receivables
"""
from alembic import op
import sqlalchemy as sa

import crm.base


# revision identifiers, used by Alembic.
revision = '0016_campaigns'
down_revision = '0015_contracts_receivables'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('search_key', sa.String(length=400), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('budget', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('goal_leads', sa.Integer(), nullable=False),
    sa.Column('goal_deals', sa.Integer(), nullable=False),
    sa.Column('goal_revenue', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['teams.id'], name=op.f('fk_campaigns_department_id_teams')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_campaigns_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index('ix_campaigns_department_recent', ['department_id', 'created_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index('ix_campaigns_recent', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_campaigns_starts', ['starts_on', 'id'], unique=False)

    op.create_table('campaign_costs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('is_purchase', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_costs_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaign_costs_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_costs'))
    )
    with op.batch_alter_table('campaign_costs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_costs_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('stem', sa.String(length=140), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_contract', sa.Boolean(), nullable=False),
    sa.Column('storage_key', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_documents_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_campaign_documents_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_documents')),
    sa.UniqueConstraint('campaign_id', 'name', name=op.f('uq_campaign_documents_campaign_id'))
    )
    with op.batch_alter_table('campaign_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_documents_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('topics', sa.Text(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('record', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_minutes_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_campaign_minutes_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_minutes'))
    )
    with op.batch_alter_table('campaign_minutes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_minutes_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_at', crm.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('minutes_id', sa.Integer(), nullable=True),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_phases_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['minutes_id'], ['campaign_minutes.id'], name=op.f('fk_campaign_phases_minutes_id_campaign_minutes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_phases'))
    )
    with op.batch_alter_table('campaign_phases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_phases_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('cost_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('chain', sa.String(length=60), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('waiting_role', sa.String(length=20), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('emergency', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_campaign_requests_author_id_users')),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_requests_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['cost_id'], ['campaign_costs.id'], name=op.f('fk_campaign_requests_cost_id_campaign_costs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_requests'))
    )
    with op.batch_alter_table('campaign_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_requests_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_campaign_requests_waiting', ['waiting_role'], unique=False, postgresql_where=sa.text('waiting_role IS NOT NULL'), sqlite_where=sa.text('waiting_role IS NOT NULL'))

    op.create_table('campaign_touches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('touched_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_touches_campaign_id_campaigns')),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_campaign_touches_lead_id_leads')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_touches')),
    sa.UniqueConstraint('lead_id', 'campaign_id', name=op.f('uq_campaign_touches_lead_id'))
    )
    with op.batch_alter_table('campaign_touches', schema=None) as batch_op:
        batch_op.create_index('ix_campaign_touches_campaign', ['campaign_id', 'lead_id'], unique=False)

    op.create_table('minutes_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('followup_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.ForeignKeyConstraint(['followup_id'], ['followups.id'], name=op.f('fk_minutes_actions_followup_id_followups')),
    sa.ForeignKeyConstraint(['minutes_id'], ['campaign_minutes.id'], name=op.f('fk_minutes_actions_minutes_id_campaign_minutes')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_minutes_actions_owner_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_actions'))
    )
    with op.batch_alter_table('minutes_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_actions_minutes_id'), ['minutes_id'], unique=False)



def downgrade():
    with op.batch_alter_table('minutes_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_actions_minutes_id'))

    op.drop_table('minutes_actions')
    with op.batch_alter_table('campaign_touches', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_touches_campaign')

    op.drop_table('campaign_touches')
    with op.batch_alter_table('campaign_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_campaign_requests_waiting', postgresql_where=sa.text('waiting_role IS NOT NULL'), sqlite_where=sa.text('waiting_role IS NOT NULL'))
        batch_op.drop_index(batch_op.f('ix_campaign_requests_campaign_id'))

    op.drop_table('campaign_requests')
    with op.batch_alter_table('campaign_phases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_phases_campaign_id'))

    op.drop_table('campaign_phases')
    with op.batch_alter_table('campaign_minutes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_minutes_campaign_id'))

    op.drop_table('campaign_minutes')
    with op.batch_alter_table('campaign_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_documents_campaign_id'))

    op.drop_table('campaign_documents')
    with op.batch_alter_table('campaign_costs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_costs_campaign_id'))

    op.drop_table('campaign_costs')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index('ix_campaigns_starts')
        batch_op.drop_index('ix_campaigns_recent')
        batch_op.drop_index(batch_op.f('ix_campaigns_owner_id'))
        batch_op.drop_index('ix_campaigns_department_recent')

    op.drop_table('campaigns')
