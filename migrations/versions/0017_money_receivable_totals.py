"""Receivables kept by triggers on `instalments` for the company ledger (issue 16): open
outstanding per due day and per customer, and the open instalments by customer.

Revision ID: 0017_money_receivable_totals
Revises: 0016_campaigns
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_money_receivable_totals"
down_revision = "0016_campaigns"
branch_labels = None
depends_on = None

OPEN = "CASE WHEN {row}.outstanding <> 0 THEN 1 ELSE 0 END"
# (table, key column): each summary row holds the open instalments of one key value.
SUMMARIES = (("receivable_days", "due_on"), ("receivable_customers", "customer_id"))


def _subtract_old(table: str, key: str) -> str:
    return f"""UPDATE {table} SET outstanding = outstanding - OLD.outstanding,
       instalments = instalments - {OPEN.format(row="OLD")}
 WHERE {key} = OLD.{key}"""


def _add_new(table: str, key: str) -> str:
    return f"""INSERT INTO {table} ({key}, outstanding, instalments)
VALUES (NEW.{key}, NEW.outstanding, {OPEN.format(row="NEW")})
ON CONFLICT ({key}) DO UPDATE SET outstanding = {table}.outstanding + excluded.outstanding,
       instalments = {table}.instalments + excluded.instalments"""


def _statements(part) -> str:
    return "".join(f"{part(table, key)};\n" for table, key in SUMMARIES)


WATCHED = "due_on, customer_id, outstanding"
POSTGRES = [
    f"""CREATE FUNCTION receivables_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {_statements(_subtract_old)}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {_statements(_add_new)}
  END IF;
  RETURN NULL;
END $$""",
    f"""CREATE TRIGGER receivables_track
AFTER INSERT OR DELETE OR UPDATE OF {WATCHED} ON instalments
FOR EACH ROW EXECUTE FUNCTION receivables_track()""",
]
SQLITE = [
    f"CREATE TRIGGER receivables_insert AFTER INSERT ON instalments BEGIN "
    f"{_statements(_add_new)} END",
    f"CREATE TRIGGER receivables_delete AFTER DELETE ON instalments BEGIN "
    f"{_statements(_subtract_old)} END",
    f"CREATE TRIGGER receivables_update AFTER UPDATE OF {WATCHED} ON instalments BEGIN "
    f"{_statements(_subtract_old)}{_statements(_add_new)} END",
]
OPEN_INSTALMENT = sa.text("outstanding <> 0")
LARGEST = sa.text("instalments > 0")


def _summary_table(name: str, key: sa.Column) -> None:
    op.create_table(
        name, key,
        sa.Column("outstanding", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("instalments", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(key.name, name=op.f(f"pk_{name}")),
    )


def upgrade():
    _summary_table("receivable_days", sa.Column("due_on", sa.Date(), nullable=False))
    _summary_table("receivable_customers", sa.Column(
        "customer_id", sa.Integer(), autoincrement=False, nullable=False))
    op.create_index("ix_receivable_customers_largest", "receivable_customers",
                    ["outstanding", "customer_id"], unique=False,
                    postgresql_where=LARGEST, sqlite_where=LARGEST)
    op.create_index("ix_instalments_open_customer", "instalments",
                    ["customer_id", "due_on", "outstanding"], unique=False,
                    postgresql_where=OPEN_INSTALMENT, sqlite_where=OPEN_INSTALMENT)
    for statement in POSTGRES if op.get_bind().dialect.name == "postgresql" else SQLITE:
        op.execute(statement)
    for table, key in SUMMARIES:
        op.execute(f"""INSERT INTO {table} ({key}, outstanding, instalments)
                       SELECT {key}, sum(outstanding), sum({OPEN.format(row="instalments")})
                       FROM instalments GROUP BY {key}""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER receivables_track ON instalments")
        op.execute("DROP FUNCTION receivables_track()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER receivables_{name}")
    op.drop_index("ix_instalments_open_customer", table_name="instalments",
                  postgresql_where=OPEN_INSTALMENT, sqlite_where=OPEN_INSTALMENT)
    op.drop_table("receivable_customers")
    op.drop_table("receivable_days")
