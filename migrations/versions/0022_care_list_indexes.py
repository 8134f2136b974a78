"""Service lists walk an index in their order and stop at the page (issue 15): open revisits
by due date (everyone's and an agent's), an agent's incomplete archives and open complaints
newest first, the open clock of a record for the "overdue" filters, surveys by CSAT within a
round (low scores), and each product's feedback newest first per source.

Revision ID: 0022_care_list_indexes
Revises: 0021_careb_surveys
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_care_list_indexes"
down_revision = "0021_careb_surveys"
branch_labels = None
depends_on = None

# (name, table, columns, partial condition or None)
NEW = [
    ("ix_revisits_open_due", "revisits", ["due_on", "id"], "done_at IS NULL"),
    ("ix_revisits_agent_open_due", "revisits", ["agent_id", "due_on", "id"], "done_at IS NULL"),
    ("ix_service_archives_agent_open", "service_archives", ["agent_id", "created_at", "id"],
     "completed_at IS NULL"),
    ("ix_complaints_owner_open", "complaints", ["owner_id", "created_at", "id"],
     "state <> 'closed'"),
    ("ix_deadlines_subject_open", "deadlines", ["subject_type", "subject_id", "due_at"],
     "done_at IS NULL"),
    ("ix_surveys_round_csat", "surveys", ["round_id", "csat"], None),
]
# product indexes that gain the source's date: (name, table, date column)
PRODUCT = [
    ("ix_service_calls_product", "service_calls", "at"),
    ("ix_complaints_product", "complaints", "created_at"),
    ("ix_surveys_product", "surveys", "answered_at"),
    ("ix_revisits_product", "revisits", "done_at"),
]
WHEN_SET = "product_id IS NOT NULL"


def _create(name, table, columns, where):
    options = {} if where is None else {"postgresql_where": sa.text(where),
                                        "sqlite_where": sa.text(where)}
    op.create_index(name, table, columns, **options)


def upgrade():
    for name, table, columns, where in NEW:
        _create(name, table, columns, where)
    for name, table, at in PRODUCT:
        op.drop_index(name, table_name=table)
        _create(name, table, ["product_id", at], WHEN_SET)


def downgrade():
    for name, table, _at in PRODUCT:
        op.drop_index(name, table_name=table)
        _create(name, table, ["product_id"], WHEN_SET)
    for name, table, _columns, _where in reversed(NEW):
        op.drop_index(name, table_name=table)
