"""Sort orders a list offers walk an index for every role (issue 20): customers newest first,
contacts by name, leads by company and deals by title, everyone's and a rep's own. The orders
no index serves say so on the page (crm/web/lists.py, Column.slow_sort).

Revision ID: 0018_picker_sort_indexes
Revises: 0017_money_receivable_totals
"""

from alembic import op

revision = "0018_picker_sort_indexes"
down_revision = "0017_money_receivable_totals"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_customers_created", "customers", ["created_at", "id"]),
    ("ix_customers_owner_created", "customers", ["owner_id", "created_at", "id"]),
    ("ix_contacts_search_key", "contacts", ["search_key", "id"]),
    ("ix_leads_company", "leads", ["search_key", "id"]),
    ("ix_leads_owner_company", "leads", ["owner_id", "search_key", "id"]),
    ("ix_deals_title", "deals", ["search_key", "id"]),
    ("ix_deals_owner_title", "deals", ["owner_id", "search_key", "id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
