"""The service desk: the call log (R-32).

Revision ID: 0012_calls_service_desk
Revises: 0011_pages_home_indexes
"""

import sqlalchemy as sa
from alembic import op

from crm.base import UTCDateTime

revision = "0012_calls_service_desk"
down_revision = "0011_pages_home_indexes"
branch_labels = None
depends_on = None


def _when_set(column: str) -> dict:
    clause = sa.text(f"{column} IS NOT NULL")
    return {"postgresql_where": clause, "sqlite_where": clause}


def upgrade() -> None:
    op.create_table(
        "service_calls",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contacts.id"), nullable=True),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=True),
        sa.Column("followup_id", sa.Integer(), sa.ForeignKey("followups.id"), nullable=True),
    )
    op.create_index("ix_service_calls_at", "service_calls", ["at", "id"])
    op.create_index("ix_service_calls_customer_at", "service_calls", ["customer_id", "at"])
    op.create_index("ix_service_calls_agent_at", "service_calls", ["agent_id", "at"])
    for name, column in (("ix_service_calls_product", "product_id"),
                         ("ix_service_calls_contact", "contact_id"),
                         ("ix_service_calls_followup", "followup_id")):
        op.create_index(name, "service_calls", [column], **_when_set(column))


def downgrade() -> None:
    op.drop_table("service_calls")
