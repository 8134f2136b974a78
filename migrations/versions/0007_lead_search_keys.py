"""Leads' search keys in a table of their own, kept by triggers and trigram-indexed there.

The pool return rewrites every stale lead (owner, former owner); a trigram index on `leads`
re-indexed each unchanged key, two thirds of the job's time. Searches read the copy.

Revision ID: 0007_lead_search_keys
Revises: 0006_deal_stage_totals
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_lead_search_keys"
down_revision = "0006_deal_stage_totals"
branch_labels = None
depends_on = None

INSERT = "INSERT INTO lead_search_keys (lead_id, search_key) VALUES (NEW.id, NEW.search_key)"
UPDATE = "UPDATE lead_search_keys SET search_key = NEW.search_key WHERE lead_id = NEW.id"
DELETE = "DELETE FROM lead_search_keys WHERE lead_id = OLD.id"

POSTGRES = [
    f"""CREATE FUNCTION lead_search_keys_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN {INSERT};
  ELSIF TG_OP = 'UPDATE' THEN {UPDATE};
  ELSE {DELETE};
  END IF;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER lead_search_keys_track
AFTER INSERT OR DELETE OR UPDATE OF search_key ON leads
FOR EACH ROW EXECUTE FUNCTION lead_search_keys_track()""",
]
SQLITE = [
    f"CREATE TRIGGER lead_search_keys_insert AFTER INSERT ON leads BEGIN {INSERT}; END",
    f"CREATE TRIGGER lead_search_keys_update AFTER UPDATE OF search_key ON leads "
    f"BEGIN {UPDATE}; END",
    f"CREATE TRIGGER lead_search_keys_delete AFTER DELETE ON leads BEGIN {DELETE}; END",
]


def upgrade():
    op.create_table(
        "lead_search_keys",
        sa.Column("lead_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("search_key", sa.String(length=800), nullable=False),
        sa.PrimaryKeyConstraint("lead_id", name=op.f("pk_lead_search_keys")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES if postgres else SQLITE:
        op.execute(statement)
    op.execute("INSERT INTO lead_search_keys (lead_id, search_key) SELECT id, search_key FROM leads")
    if postgres:
        op.execute("DROP INDEX IF EXISTS ix_trgm_leads_search_key")
        op.execute("CREATE INDEX ix_trgm_lead_search_keys_search_key "
                   "ON lead_search_keys USING gin (search_key gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX IF NOT EXISTS ix_trgm_leads_search_key "
                   "ON leads USING gin (search_key gin_trgm_ops)")
        op.execute("DROP TRIGGER lead_search_keys_track ON leads")
        op.execute("DROP FUNCTION lead_search_keys_track()")
    else:
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER lead_search_keys_{name}")
    op.drop_table("lead_search_keys")
