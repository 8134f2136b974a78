"""Orders that sorted a whole scope walk an index instead (issue 13): the deal list by value,
everyone's and a rep's own; the team agenda's open deadlines, soonest first. The home page
counts each owner's leads about to return to the pool from an index alone.

Revision ID: 0024_plans_sort_indexes
Revises: 0023_ledger_owner_totals
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_plans_sort_indexes"
down_revision = "0023_ledger_owner_totals"
branch_labels = None
depends_on = None

OPEN = sa.text("done_at IS NULL")
OWNED = sa.text("owner_id IS NOT NULL")
LAST_TOUCH = sa.text("coalesce(last_followup_at, assigned_at, created_at)")


def upgrade():
    op.create_index("ix_deals_value", "deals", ["expected_value", "id"])
    op.create_index("ix_deals_owner_value", "deals", ["owner_id", "expected_value", "id"])
    op.create_index("ix_deadlines_open_due_id", "deadlines", ["due_at", "id"],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index("ix_leads_owner_last_touch", "leads", ["owner_id", LAST_TOUCH],
                    postgresql_include=["stage_id", "last_followup_at", "assigned_at",
                                        "created_at"],
                    postgresql_where=OWNED, sqlite_where=OWNED)


def downgrade():
    op.drop_index("ix_leads_owner_last_touch", table_name="leads")
    op.drop_index("ix_deadlines_open_due_id", table_name="deadlines")
    op.drop_index("ix_deals_owner_value", table_name="deals")
    op.drop_index("ix_deals_value", table_name="deals")
