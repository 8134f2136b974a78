"""The director's home counts from indexes alone (issue 13): the company's leads about to
return to the pool and its open deadlines due by tonight, per owner, were each a few thousand
scattered table rows (a bitmap heap scan of 23k leads, 13k deadlines on the medium set). The
indexes that find them now hold what the counts read (PostgreSQL's INCLUDE; SQLite reads the
rows, one writer's company at a time).

Revision ID: 0028_home_covering_indexes
Revises: 0027_contact_owner_lock
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_home_covering_indexes"
down_revision = "0027_contact_owner_lock"
branch_labels = None
depends_on = None

OPEN = sa.text("done_at IS NULL")
OWNED = sa.text("owner_id IS NOT NULL")
LAST_TOUCH = sa.text("coalesce(last_followup_at, assigned_at, created_at)")
TOUCH_COLUMNS = ["last_followup_at", "assigned_at", "created_at"]


def _recreate(include_leads: list[str], include_deadlines: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_leads_owned_last_touch", table_name="leads")
    op.create_index("ix_leads_owned_last_touch", "leads", [LAST_TOUCH],
                    postgresql_include=include_leads, postgresql_where=OWNED)
    op.drop_index("ix_deadlines_open_due_id", table_name="deadlines")
    op.create_index("ix_deadlines_open_due_id", "deadlines", ["due_at", "id"],
                    postgresql_include=include_deadlines, postgresql_where=OPEN)


def upgrade():
    _recreate(["owner_id", "stage_id", *TOUCH_COLUMNS], ["owner_id"])


def downgrade():
    _recreate([], [])
