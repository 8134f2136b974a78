"""Per-owner, per-stage deal totals kept by triggers on `deals` (the board's column totals).

Revision ID: 0006_deal_stage_totals
Revises: 0005_list_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_deal_stage_totals"
down_revision = "0005_list_indexes"
branch_labels = None
depends_on = None

# A removed or moved deal only lowers an existing row (never inserts a negative one); an added
# or moved deal adds to its row, creating it when it is the first.
SUBTRACT_OLD = """UPDATE deal_stage_totals SET deals = deals - 1,
       amount = amount - OLD.expected_value
 WHERE owner_id = OLD.owner_id AND stage_id = OLD.stage_id"""
ADD_NEW = """INSERT INTO deal_stage_totals (owner_id, stage_id, deals, amount)
VALUES (NEW.owner_id, NEW.stage_id, 1, NEW.expected_value)
ON CONFLICT (owner_id, stage_id) DO UPDATE SET deals = deal_stage_totals.deals + 1,
       amount = deal_stage_totals.amount + excluded.amount"""

POSTGRES = [
    f"""CREATE FUNCTION deal_stage_totals_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- rows are touched in (owner, stage) order, so two moves in opposite directions
  -- cannot deadlock on each other's totals
  IF TG_OP = 'UPDATE' AND (OLD.owner_id, OLD.stage_id) > (NEW.owner_id, NEW.stage_id) THEN
    {ADD_NEW};
    {SUBTRACT_OLD};
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {SUBTRACT_OLD};
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {ADD_NEW};
  END IF;
  RETURN NULL;
END $$""",
    """CREATE TRIGGER deal_stage_totals_track
AFTER INSERT OR DELETE OR UPDATE OF owner_id, stage_id, expected_value ON deals
FOR EACH ROW EXECUTE FUNCTION deal_stage_totals_track()""",
]
SQLITE = [  # SQLite writes one transaction at a time: no lock order to keep
    f"CREATE TRIGGER deal_stage_totals_insert AFTER INSERT ON deals BEGIN {ADD_NEW}; END",
    f"CREATE TRIGGER deal_stage_totals_delete AFTER DELETE ON deals BEGIN {SUBTRACT_OLD}; END",
    f"""CREATE TRIGGER deal_stage_totals_update
AFTER UPDATE OF owner_id, stage_id, expected_value ON deals
BEGIN {SUBTRACT_OLD}; {ADD_NEW}; END""",
]


def upgrade():
    op.create_table(
        "deal_stage_totals",
        sa.Column("owner_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("stage_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("deals", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", "stage_id", name=op.f("pk_deal_stage_totals")),
    )
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)
    op.execute("""INSERT INTO deal_stage_totals (owner_id, stage_id, deals, amount)
                  SELECT owner_id, stage_id, count(*), coalesce(sum(expected_value), 0)
                  FROM deals GROUP BY owner_id, stage_id""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER deal_stage_totals_track ON deals")
        op.execute("DROP FUNCTION deal_stage_totals_track()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER deal_stage_totals_{name}")
    op.drop_table("deal_stage_totals")
