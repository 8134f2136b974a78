"""Indexes for the benchmarked lists: board columns, newest leads, open deadlines, audit by
record type, and trigram indexes for the other columns the customer search reads (PostgreSQL).

Revision ID: 0005_list_indexes
Revises: 0004_trigram_search
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_list_indexes"
down_revision = "0004_trigram_search"
branch_labels = None
depends_on = None

OPEN = sa.text("done_at IS NULL")
TRIGRAM = (("customers", "credit_code"), ("customers", "phone_key"), ("contacts", "mobile_key"))


def upgrade():
    with op.batch_alter_table("deals") as batch:
        batch.drop_index("ix_deals_owner_stage")
        batch.drop_index("ix_deals_stage_id")
        batch.create_index("ix_deals_owner_stage_recent",
                           ["owner_id", "stage_id", "updated_at", "id"])
        batch.create_index("ix_deals_stage_recent", ["stage_id", "updated_at", "id"])
    with op.batch_alter_table("leads") as batch:
        batch.create_index("ix_leads_recent", ["created_at", "id"])
        batch.create_index("ix_leads_owner_recent", ["owner_id", "created_at", "id"])
    with op.batch_alter_table("deadlines") as batch:
        batch.create_index("ix_deadlines_owner_open", ["owner_id", "due_at"],
                           postgresql_where=OPEN, sqlite_where=OPEN)
    with op.batch_alter_table("audit_entries") as batch:
        batch.create_index("ix_audit_entries_model", ["model", "id"])
    if op.get_bind().dialect.name == "postgresql":
        for table, column in TRIGRAM:
            op.execute(f"CREATE INDEX IF NOT EXISTS ix_trgm_{table}_{column} "
                       f"ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table, column in TRIGRAM:
            op.execute(f"DROP INDEX IF EXISTS ix_trgm_{table}_{column}")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_index("ix_audit_entries_model")
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_index("ix_deadlines_owner_open")
    with op.batch_alter_table("leads") as batch:
        batch.drop_index("ix_leads_owner_recent")
        batch.drop_index("ix_leads_recent")
    with op.batch_alter_table("deals") as batch:
        batch.drop_index("ix_deals_stage_recent")
        batch.drop_index("ix_deals_owner_stage_recent")
        batch.create_index("ix_deals_stage_id", ["stage_id"])
        batch.create_index("ix_deals_owner_stage", ["owner_id", "stage_id"])
