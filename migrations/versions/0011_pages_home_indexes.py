"""Indexes of the home page: owned leads by their last touch (the ones about to return to the
pool, R-12) and deals by expected close date with what the month's figures sum (closing this
month), so a director's home page reads neither table.

Revision ID: 0011_pages_home_indexes
Revises: 0010_flow_setting_text
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_pages_home_indexes"
down_revision = "0010_flow_setting_text"
branch_labels = None
depends_on = None

OWNED = sa.text("owner_id IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_deals_closing", "deals",
                    ["close_date", "stage_id", "owner_id", "expected_value", "id"])
    op.create_index("ix_leads_owned_last_touch", "leads",
                    [sa.text("coalesce(last_followup_at, assigned_at, created_at)")],
                    postgresql_where=OWNED, sqlite_where=OWNED)


def downgrade() -> None:
    op.drop_index("ix_leads_owned_last_touch", table_name="leads")
    op.drop_index("ix_deals_closing", table_name="deals")
