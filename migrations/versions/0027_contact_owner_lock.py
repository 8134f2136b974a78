"""A contact takes its customer's owner under a share lock on the customer (PostgreSQL): a
contact added or moved while its customer was handed over read the owner its snapshot still
showed, and the handover's trigger (0025) did not see the contact not yet committed, so it
kept the old owner, seen by the old rep and not by the new one. The lock makes the two wait
for each other; SQLite runs one writer at a time.

Revision ID: 0027_contact_owner_lock
Revises: 0026_sweep_plain_alert_ids
"""

from alembic import op

revision = "0027_contact_owner_lock"
down_revision = "0026_sweep_plain_alert_ids"
branch_labels = None
depends_on = None


def _take_owner(lock: str) -> str:
    return f"""CREATE OR REPLACE FUNCTION contacts_take_owner() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.owner_id := (SELECT owner_id FROM customers WHERE customers.id = NEW.customer_id{lock});
  RETURN NEW;
END $$"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_take_owner(" FOR SHARE"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_take_owner(""))
