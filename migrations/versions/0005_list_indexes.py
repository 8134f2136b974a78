"""Indexes for the benchmarked lists: board columns, newest leads, open deadlines, audit by
record type, and trigram indexes for the other columns the customer search reads (PostgreSQL).
Leads lose two indexes no query used, and their optional links are indexed only where set:
the daily pool return rewrites a hundred thousand leads and pays for every index.

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
LEAD_LINKS = ("customer_id", "campaign_id", "dealer_id", "team_id")
UNUSED_LEAD_INDEXES = {"ix_leads_owner_followup": ["owner_id", "last_followup_at"],
                       "ix_leads_owner_search": ["owner_id", "search_key"]}


def upgrade():
    with op.batch_alter_table("deals") as batch:
        batch.drop_index("ix_deals_owner_stage")
        batch.drop_index("ix_deals_stage_id")
        batch.create_index("ix_deals_owner_stage_recent",
                           ["owner_id", "stage_id", "updated_at", "id"])
        batch.create_index("ix_deals_stage_recent", ["stage_id", "updated_at", "id"])
    with op.batch_alter_table("leads") as batch:
        for name in UNUSED_LEAD_INDEXES:
            batch.drop_index(name)
        for column in LEAD_LINKS:
            when_set = sa.text(f"{column} IS NOT NULL")
            batch.drop_index(f"ix_leads_{column}")
            batch.create_index(f"ix_leads_{column}", [column], postgresql_where=when_set,
                               sqlite_where=when_set)
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
        for column in LEAD_LINKS:
            batch.drop_index(f"ix_leads_{column}")
            batch.create_index(f"ix_leads_{column}", [column])
        for name, columns in UNUSED_LEAD_INDEXES.items():
            batch.create_index(name, columns)
    with op.batch_alter_table("deals") as batch:
        batch.drop_index("ix_deals_stage_recent")
        batch.drop_index("ix_deals_owner_stage_recent")
        batch.create_index("ix_deals_stage_id", ["stage_id"])
        batch.create_index("ix_deals_owner_stage", ["owner_id", "stage_id"])
