"""Contacts carry their customer's owner, kept by triggers, so a rep's contacts (and a team's)
are read in name order from (owner_id, search_key, id) and a team's contact search filters its
trigram matches by owner without joining every customer of the team (issues 13, 20).

Revision ID: 0025_plans_contact_owner
Revises: 0024_plans_sort_indexes
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_plans_contact_owner"
down_revision = "0024_plans_sort_indexes"
branch_labels = None
depends_on = None

OWNER_OF_CUSTOMER = "(SELECT owner_id FROM customers WHERE customers.id = {})"
FOLLOW_CUSTOMER = "UPDATE contacts SET owner_id = NEW.owner_id WHERE customer_id = NEW.id"

POSTGRES = [
    f"""CREATE FUNCTION contacts_take_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.owner_id := {OWNER_OF_CUSTOMER.format("NEW.customer_id")};
  RETURN NEW;
END $$""",
    """CREATE TRIGGER contacts_take_owner BEFORE INSERT OR UPDATE OF customer_id ON contacts
FOR EACH ROW EXECUTE FUNCTION contacts_take_owner()""",
    f"""CREATE FUNCTION customers_pass_owner() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {FOLLOW_CUSTOMER};
  RETURN NULL;
END $$""",
    """CREATE TRIGGER customers_pass_owner AFTER UPDATE OF owner_id ON customers
FOR EACH ROW WHEN (OLD.owner_id IS DISTINCT FROM NEW.owner_id)
EXECUTE FUNCTION customers_pass_owner()""",
]
TAKE = (f"UPDATE contacts SET owner_id = {OWNER_OF_CUSTOMER.format('NEW.customer_id')} "
        "WHERE id = NEW.id")
SQLITE = [
    f"CREATE TRIGGER contacts_take_owner_insert AFTER INSERT ON contacts BEGIN {TAKE}; END",
    f"CREATE TRIGGER contacts_take_owner_update AFTER UPDATE OF customer_id ON contacts "
    f"BEGIN {TAKE}; END",
    "CREATE TRIGGER customers_pass_owner AFTER UPDATE OF owner_id ON customers "
    f"WHEN OLD.owner_id IS NOT NEW.owner_id BEGIN {FOLLOW_CUSTOMER}; END",
]


def upgrade():
    op.add_column("contacts", sa.Column("owner_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE contacts SET owner_id = {OWNER_OF_CUSTOMER.format('contacts.customer_id')}")
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES if postgres else SQLITE:
        op.execute(statement)
    op.create_index("ix_contacts_owner_search", "contacts", ["owner_id", "search_key", "id"])


def downgrade():
    op.drop_index("ix_contacts_owner_search", table_name="contacts")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER customers_pass_owner ON customers")
        op.execute("DROP FUNCTION customers_pass_owner()")
        op.execute("DROP TRIGGER contacts_take_owner ON contacts")
        op.execute("DROP FUNCTION contacts_take_owner()")
        op.drop_column("contacts", "owner_id")
    else:
        for name in ("contacts_take_owner_insert", "contacts_take_owner_update",
                     "customers_pass_owner"):
            op.execute(f"DROP TRIGGER {name}")
        # SQLite's own DROP COLUMN (3.35+), not a batch copy of the table: the copy drops the
        # triggers that keep the contacts' trigram search (0012)
        op.execute("ALTER TABLE contacts DROP COLUMN owner_id")
