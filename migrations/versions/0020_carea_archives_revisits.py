"""Customer care: service archives opened at signing (R-30) and revisits scheduled from
delivery (R-31).

Revision ID: 0020_carea_archives_revisits
Revises: 0019_channel2_training_contacts
"""

import sqlalchemy as sa
from alembic import op

from crm.base import UTCDateTime

revision = "0020_carea_archives_revisits"
down_revision = "0019_channel2_training_contacts"
branch_labels = None
depends_on = None


def _stamps() -> list:
    return [sa.Column("version", sa.Integer(), nullable=False),
            sa.Column("created_at", UTCDateTime(), nullable=False),
            sa.Column("updated_at", UTCDateTime(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "service_archives",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.Integer(), sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("contacts", sa.Text(), nullable=False),
        sa.Column("products", sa.Text(), nullable=False),
        sa.Column("service_needs", sa.Text(), nullable=False),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        *_stamps(),
        sa.UniqueConstraint("contract_id", name="uq_service_archives_contract"),
    )
    op.create_index("ix_service_archives_created", "service_archives", ["created_at", "id"])
    op.create_index("ix_service_archives_agent", "service_archives", ["agent_id", "created_at"])
    op.create_index("ix_service_archives_customer", "service_archives",
                    ["customer_id", "created_at"])
    op.create_table(
        "revisits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("contract_id", sa.Integer(), sa.ForeignKey("contracts.id"), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("agent_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("series", sa.String(12), nullable=False),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("outcome", sa.String(12), nullable=True),
        sa.Column("satisfaction", sa.SmallInteger(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=True),
        *_stamps(),
        sa.UniqueConstraint("contract_id", "series", "number", name="uq_revisits_series"),
    )
    op.create_index("ix_revisits_due", "revisits", ["due_on", "id"])
    op.create_index("ix_revisits_agent_due", "revisits", ["agent_id", "due_on"])
    op.create_index("ix_revisits_customer", "revisits", ["customer_id", "done_at"])
    clause = sa.text("product_id IS NOT NULL")
    op.create_index("ix_revisits_product", "revisits", ["product_id"],
                    postgresql_where=clause, sqlite_where=clause)


def downgrade() -> None:
    op.drop_table("revisits")
    op.drop_table("service_archives")
