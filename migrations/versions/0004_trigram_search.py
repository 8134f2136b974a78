"""Trigram indexes for "contains" search on PostgreSQL (pg_trgm); SQLite keeps its scans.

Revision ID: 0004_trigram_search
Revises: 0003_followups
"""

from alembic import op

revision = "0004_trigram_search"
down_revision = "0003_followups"
branch_labels = None
depends_on = None

# table -> the search_key column searched with ILIKE '%term%' (crm.web.search.matches)
SEARCHED = ("customers", "contacts", "leads", "deals", "products", "users")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in SEARCHED:
        op.execute(f"CREATE INDEX IF NOT EXISTS ix_trgm_{table}_search_key "
                   f"ON {table} USING gin (search_key gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SEARCHED:
        op.execute(f"DROP INDEX IF EXISTS ix_trgm_{table}_search_key")
