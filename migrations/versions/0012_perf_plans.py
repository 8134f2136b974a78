"""Plans that walk an index for every role (issue 13, issue 20): deals in their "recently
updated" order (a director's, a manager's and a rep's list), the overdue sweep's alerts
without an index on when they were raised (issue 14: found by id), and SQLite's trigram search:
FTS5 tables with the `trigram` tokenizer, kept in step with their tables by triggers, as
pg_trgm indexes are on PostgreSQL (crm.web.search.FTS_TABLES reads them).

Revision ID: 0012_perf_plans
Revises: 0011_pages_home_indexes
"""

from alembic import op

revision = "0012_perf_plans"
down_revision = "0011_pages_home_indexes"
branch_labels = None
depends_on = None

# table -> (FTS5 table, its rowid column, the searched columns it indexes)
FTS_TABLES = {
    "customers": ("fts_customers", "id", ("search_key", "credit_code", "phone_key")),
    "contacts": ("fts_contacts", "id", ("search_key", "mobile_key")),
    "lead_search_keys": ("fts_lead_search_keys", "lead_id", ("search_key",)),
    "deals": ("fts_deals", "id", ("search_key",)),
}


def _fts_statements(table: str) -> list[str]:
    """The FTS5 table of `table` (external content: it holds only the index), its three
    triggers, and the index built from the rows already there."""
    name, rowid, columns = FTS_TABLES[table]
    listed = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    add = f"INSERT INTO {name} (rowid, {listed}) VALUES (new.{rowid}, {new})"
    drop = f"INSERT INTO {name} ({name}, rowid, {listed}) VALUES ('delete', old.{rowid}, {old})"
    return [
        f"CREATE VIRTUAL TABLE {name} USING fts5({listed}, content='{table}', "
        f"content_rowid='{rowid}', tokenize='trigram')",
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} BEGIN {add}; END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} BEGIN {drop}; END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF {listed} ON {table} "
        f"BEGIN {drop}; {add}; END",
        f"INSERT INTO {name} ({name}) VALUES ('rebuild')",
    ]


def upgrade():
    # the sweep finds the alerts it raised by id: one index less to write per alert
    op.drop_index("ix_deadline_alerts_raised_at", table_name="deadline_alerts")
    op.create_index("ix_deals_recent", "deals", ["updated_at", "id"])
    op.create_index("ix_deals_owner_recent", "deals", ["owner_id", "updated_at", "id"])
    if op.get_bind().dialect.name == "sqlite":
        for table in FTS_TABLES:
            for statement in _fts_statements(table):
                op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name, _rowid, _columns in FTS_TABLES.values():
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER {name}_{trigger}")
            op.execute(f"DROP TABLE {name}")
    op.drop_index("ix_deals_owner_recent", table_name="deals")
    op.drop_index("ix_deals_recent", table_name="deals")
    op.create_index("ix_deadline_alerts_raised_at", "deadline_alerts", ["raised_at"])
