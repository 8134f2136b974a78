"""Channel partners (issue 18, R-60..R-63, R-19): dealers, agreements with protected
territories and rebate tiers; customers and deals name the dealer that sold them.
Columns are added without a batch copy: the deals table carries triggers (0006).

Revision ID: 0014_channel_partners
Revises: 0013_calls_service_desk
Create Date: 2026-11-28 06:33:33.693823

"""
from alembic import op
import sqlalchemy as sa

import crm.base

revision = '0014_channel_partners'
down_revision = '0013_calls_service_desk'
branch_labels = None
depends_on = None

WHEN_SET = sa.text("dealer_id IS NOT NULL")


def upgrade():
    op.create_table('dealers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=800), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('region', sa.String(length=12), nullable=False),
    sa.Column('province', sa.String(length=20), nullable=False),
    sa.Column('city', sa.String(length=30), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('grade', sa.String(length=1), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=True),
    sa.Column('contact_title', sa.String(length=50), nullable=True),
    sa.Column('contact_phone', sa.String(length=30), nullable=True),
    sa.Column('experience_years', sa.Integer(), nullable=False),
    sa.Column('warehouse_m2', sa.Integer(), nullable=False),
    sa.Column('capital', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['manager_id'], ['users.id'], name=op.f('fk_dealers_manager_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealers'))
    )
    with op.batch_alter_table('dealers', schema=None) as batch_op:
        batch_op.create_index('ix_dealers_name', ['search_key', 'id'], unique=False)
        batch_op.create_index('ix_dealers_region_status', ['region', 'status'], unique=False)

    op.create_table('dealer_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('quarterly_target', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('protection', sa.Text(), nullable=True),
    sa.Column('ended_reason', sa.String(length=200), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_dealer_agreements_dealer_id_dealers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_agreements')),
    sa.UniqueConstraint('number', name=op.f('uq_dealer_agreements_number'))
    )
    with op.batch_alter_table('dealer_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dealer_agreements_dealer_id'), ['dealer_id'], unique=False)

    op.create_table('dealer_rebate_tiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('attainment_percent', sa.Integer(), nullable=False),
    sa.Column('rebate_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['dealer_agreements.id'], name=op.f('fk_dealer_rebate_tiers_agreement_id_dealer_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_rebate_tiers'))
    )
    with op.batch_alter_table('dealer_rebate_tiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dealer_rebate_tiers_agreement_id'), ['agreement_id'], unique=False)

    op.create_table('dealer_territories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('province', sa.String(length=20), nullable=False),
    sa.Column('city', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['dealer_agreements.id'], name=op.f('fk_dealer_territories_agreement_id_dealer_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_territories'))
    )
    with op.batch_alter_table('dealer_territories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dealer_territories_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index('ix_dealer_territories_place', ['province', 'city'], unique=False)

    op.create_table('dealer_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('planned_volume', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('failed_checks', sa.String(length=100), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', crm.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_dealer_applications_dealer_id_dealers')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_dealer_applications_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_applications'))
    )
    with op.batch_alter_table('dealer_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dealer_applications_dealer_id'), ['dealer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dealer_applications_decision'), ['decision'], unique=False)

    op.create_table('dealer_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('target', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('revenue', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('attainment', sa.Numeric(precision=7, scale=1), nullable=False),
    sa.Column('new_customers', sa.Integer(), nullable=False),
    sa.Column('complaints', sa.Integer(), nullable=False),
    sa.Column('complaint_rate', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('adjusted_score', sa.Numeric(precision=5, scale=1), nullable=True),
    sa.Column('adjustment_reason', sa.Text(), nullable=True),
    sa.Column('adjusted_by_id', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('failing_streak', sa.Integer(), nullable=False),
    sa.Column('rebate_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('computed_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('trend', sa.String(length=60), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['adjusted_by_id'], ['users.id'], name=op.f('fk_dealer_scores_adjusted_by_id_users')),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_dealer_scores_dealer_id_dealers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_scores')),
    sa.UniqueConstraint('dealer_id', 'quarter', name=op.f('uq_dealer_scores_dealer_id'))
    )
    with op.batch_alter_table('dealer_scores', schema=None) as batch_op:
        batch_op.create_index('ix_dealer_scores_quarter', ['quarter', 'dealer_id'], unique=False)

    op.create_table('dealer_warnings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dealer_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('failing_streak', sa.Integer(), nullable=False),
    sa.Column('created_at', crm.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dealer_id'], ['dealers.id'], name=op.f('fk_dealer_warnings_dealer_id_dealers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dealer_warnings')),
    sa.UniqueConstraint('dealer_id', 'quarter', 'kind', name=op.f('uq_dealer_warnings_dealer_id'))
    )
    with op.batch_alter_table('dealer_warnings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dealer_warnings_dealer_id'), ['dealer_id'], unique=False)

    for table in ("customers", "deals"):
        _add_dealer_column(table)
        op.create_index(f"ix_{table}_dealer_id", table, ["dealer_id"], postgresql_where=WHEN_SET,
                        sqlite_where=WHEN_SET)



def _add_dealer_column(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a reference only with its column
        op.execute(f"ALTER TABLE {table} ADD COLUMN dealer_id INTEGER "
                   f"CONSTRAINT fk_{table}_dealer_id_dealers REFERENCES dealers (id)")
    else:
        op.add_column(table, sa.Column("dealer_id", sa.Integer(), sa.ForeignKey(
            "dealers.id", name=f"fk_{table}_dealer_id_dealers"), nullable=True))


def downgrade():
    with op.batch_alter_table('dealer_warnings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dealer_warnings_dealer_id'))

    op.drop_table('dealer_warnings')
    with op.batch_alter_table('dealer_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_dealer_scores_quarter')

    op.drop_table('dealer_scores')

    with op.batch_alter_table('dealer_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dealer_applications_decision'))
        batch_op.drop_index(batch_op.f('ix_dealer_applications_dealer_id'))

    op.drop_table('dealer_applications')

    for table in ("deals", "customers"):
        op.drop_index(f"ix_{table}_dealer_id", table_name=table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_dealer_id_dealers", type_="foreignkey")
            batch_op.drop_column("dealer_id")

    with op.batch_alter_table('dealer_territories', schema=None) as batch_op:
        batch_op.drop_index('ix_dealer_territories_place')
        batch_op.drop_index(batch_op.f('ix_dealer_territories_agreement_id'))

    op.drop_table('dealer_territories')
    with op.batch_alter_table('dealer_rebate_tiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dealer_rebate_tiers_agreement_id'))

    op.drop_table('dealer_rebate_tiers')
    with op.batch_alter_table('dealer_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dealer_agreements_dealer_id'))

    op.drop_table('dealer_agreements')
    with op.batch_alter_table('dealers', schema=None) as batch_op:
        batch_op.drop_index('ix_dealers_region_status')
        batch_op.drop_index('ix_dealers_name')

    op.drop_table('dealers')
