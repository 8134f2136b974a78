"""Receivables kept per owner (issue 16): the open instalments' outstanding per owner and due
day, and per owner and due month, kept by the same triggers as the company's totals (0017), so
the ledger by rep, team and region, and every scoped ledger, sums a few thousand kept rows
instead of every open instalment. The trigger now also follows a change of owner, and an
update that keeps the keys writes each totals row once (a delta), not twice. A rep's contract
list walks an index of their own contracts.

Revision ID: 0023_ledger_owner_totals
Revises: 0022_care_list_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_ledger_owner_totals"
down_revision = "0022_care_list_indexes"
branch_labels = None
depends_on = None

OPEN = "CASE WHEN {row}.outstanding <> 0 THEN 1 ELSE 0 END"
MONTH = {"postgresql": "CAST(date_trunc('month', {row}.due_on) AS date)",
         "sqlite": "date({row}.due_on, 'start of month')"}
KEYS = "due_on, customer_id, owner_id"
OPEN_INSTALMENT = sa.text("outstanding <> 0")
IMPORTANT = sa.text("important")
OPEN_TOTALS = sa.text("instalments > 0")


def _summaries(dialect: str) -> list[tuple[str, dict[str, str]]]:
    """(table, {key column: its value in a row of instalments}): each summary row holds the
    open instalments of one key value."""
    return [
        ("receivable_days", {"due_on": "{row}.due_on"}),
        ("receivable_customers", {"customer_id": "{row}.customer_id"}),
        ("receivable_owner_days", {"owner_id": "{row}.owner_id", "due_on": "{row}.due_on"}),
        ("receivable_owner_months", {"owner_id": "{row}.owner_id",
                                     "due_month": MONTH[dialect]}),
        ("receivable_owner_customers", {"owner_id": "{row}.owner_id",
                                        "customer_id": "{row}.customer_id"}),
    ]


def _where(keys: dict[str, str], row: str) -> str:
    return " AND ".join(f"{column} = {value.format(row=row)}" for column, value in keys.items())


def _subtract_old(table: str, keys: dict[str, str]) -> str:
    return f"""UPDATE {table} SET outstanding = outstanding - OLD.outstanding,
       instalments = instalments - {OPEN.format(row="OLD")}
 WHERE {_where(keys, "OLD")}"""


def _add_new(table: str, keys: dict[str, str]) -> str:
    columns = ", ".join(keys)
    values = ", ".join(value.format(row="NEW") for value in keys.values())
    return f"""INSERT INTO {table} ({columns}, outstanding, instalments)
VALUES ({values}, NEW.outstanding, {OPEN.format(row="NEW")})
ON CONFLICT ({columns}) DO UPDATE SET outstanding = {table}.outstanding + excluded.outstanding,
       instalments = {table}.instalments + excluded.instalments"""


def _add_change(table: str, keys: dict[str, str]) -> str:
    """The same keys: one write of the difference (a payment or a refund)."""
    return f"""UPDATE {table} SET outstanding = outstanding + (NEW.outstanding - OLD.outstanding),
       instalments = instalments + ({OPEN.format(row="NEW")}) - ({OPEN.format(row="OLD")})
 WHERE {_where(keys, "NEW")}"""


def _statements(part, summaries) -> str:
    return "".join(f"{part(table, keys)};\n" for table, keys in summaries)


def _postgres(summaries, keys: str = KEYS) -> list[str]:
    """The trigger function and trigger keeping `summaries` (0017 kept the first two)."""
    same_keys = " AND ".join(f"NEW.{key} = OLD.{key}" for key in keys.split(", "))
    return [
        f"""CREATE OR REPLACE FUNCTION receivables_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND {same_keys} THEN
    {_statements(_add_change, summaries)}
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {_statements(_subtract_old, summaries)}
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    {_statements(_add_new, summaries)}
  END IF;
  RETURN NULL;
END $$""",
        "DROP TRIGGER receivables_track ON instalments",
        f"""CREATE TRIGGER receivables_track
AFTER INSERT OR DELETE OR UPDATE OF {keys}, outstanding ON instalments
FOR EACH ROW EXECUTE FUNCTION receivables_track()""",
    ]


def _sqlite(summaries, keys: str = KEYS) -> list[str]:
    return [
        *(f"DROP TRIGGER receivables_{name}" for name in ("insert", "delete", "update")),
        f"CREATE TRIGGER receivables_insert AFTER INSERT ON instalments BEGIN "
        f"{_statements(_add_new, summaries)} END",
        f"CREATE TRIGGER receivables_delete AFTER DELETE ON instalments BEGIN "
        f"{_statements(_subtract_old, summaries)} END",
        f"CREATE TRIGGER receivables_update AFTER UPDATE OF {keys}, outstanding ON instalments "
        f"BEGIN {_statements(_subtract_old, summaries)}{_statements(_add_new, summaries)} END",
    ]


def _triggers(summaries, dialect: str, keys: str = KEYS) -> list[str]:
    return (_postgres if dialect == "postgresql" else _sqlite)(summaries, keys)


def _owner_table(name: str, key: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("owner_id", sa.Integer(), autoincrement=False, nullable=False),
        key,
        sa.Column("outstanding", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("instalments", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", key.name, name=op.f(f"pk_{name}")),
    )


def upgrade():
    dialect = op.get_bind().dialect.name
    _owner_table("receivable_owner_days", sa.Column("due_on", sa.Date(), nullable=False))
    _owner_table("receivable_owner_months", sa.Column("due_month", sa.Date(), nullable=False))
    _owner_table("receivable_owner_customers", sa.Column(
        "customer_id", sa.Integer(), autoincrement=False, nullable=False))
    # the open rows only, covering what the ledger reads (most rows are paid: zero)
    op.create_index("ix_receivable_owner_days_open", "receivable_owner_days",
                    ["due_on", "owner_id", "outstanding", "instalments"], unique=False,
                    postgresql_where=OPEN_TOTALS, sqlite_where=OPEN_TOTALS)
    op.create_index("ix_receivable_owner_customers_largest", "receivable_owner_customers",
                    ["outstanding", "owner_id", "customer_id"], unique=False,
                    postgresql_where=OPEN_TOTALS, sqlite_where=OPEN_TOTALS)
    op.create_index("ix_receivable_owner_customers_open", "receivable_owner_customers",
                    ["owner_id", "customer_id"], unique=False,
                    postgresql_where=OPEN_TOTALS, sqlite_where=OPEN_TOTALS)
    # the few important contracts, whose open instalments a scoped ledger leaves out
    op.create_index("ix_contracts_important", "contracts", ["id", "important_by_id"],
                    unique=False, postgresql_where=IMPORTANT, sqlite_where=IMPORTANT)
    # a rep's contract list and its count walk their own contracts, the important mark read
    # from the index
    op.create_index("ix_contracts_owner_recent", "contracts",
                    ["owner_id", "signed_at", "id", "important", "important_by_id"], unique=False)
    summaries = _summaries(dialect)
    for statement in _triggers(summaries, dialect):
        op.execute(statement)
    for table, keys in summaries[2:]:
        columns = ", ".join(keys)
        values = ", ".join(value.format(row="instalments") for value in keys.values())
        op.execute(f"""INSERT INTO {table} ({columns}, outstanding, instalments)
                       SELECT {values}, sum(outstanding), sum({OPEN.format(row="instalments")})
                       FROM instalments GROUP BY {values}""")


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in _triggers(_summaries(dialect)[:2], dialect, "due_on, customer_id"):
        op.execute(statement)
    op.drop_index("ix_contracts_owner_recent", table_name="contracts")
    op.drop_index("ix_contracts_important", table_name="contracts",
                  postgresql_where=IMPORTANT, sqlite_where=IMPORTANT)
    op.drop_table("receivable_owner_customers")
    op.drop_table("receivable_owner_months")
    op.drop_table("receivable_owner_days")
