"""The service desk: the call log (R-32) and complaints with their history (R-33).

Revision ID: 0013_calls_service_desk
Revises: 0012_perf_plans
"""

import sqlalchemy as sa
from alembic import op

from crm.base import UTCDateTime

revision = "0013_calls_service_desk"
down_revision = "0012_perf_plans"
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
        sa.Column("followup_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  sa.ForeignKey("followups.id"), nullable=True),
    )
    op.create_index("ix_service_calls_at", "service_calls", ["at", "id"])
    op.create_index("ix_service_calls_customer_at", "service_calls", ["customer_id", "at"])
    op.create_index("ix_service_calls_agent_at", "service_calls", ["agent_id", "at"])
    for name, column in (("ix_service_calls_product", "product_id"),
                         ("ix_service_calls_contact", "contact_id"),
                         ("ix_service_calls_followup", "followup_id")):
        op.create_index(name, "service_calls", [column], **_when_set(column))


    _complaints()


def _complaints() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customers.id"), nullable=False),
        sa.Column("call_id", sa.Integer(), sa.ForeignKey("service_calls.id"), nullable=True),
        sa.Column("owner_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("summary", sa.String(200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("product_id", sa.Integer(), sa.ForeignKey("products.id"), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("solution", sa.Text(), nullable=False),
        sa.Column("complex", sa.Boolean(), nullable=False),
        sa.Column("plan", sa.Text(), nullable=False),
        sa.Column("plan_state", sa.String(10), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("confirmed_by", sa.String(100), nullable=True),
        sa.Column("confirmed_via", sa.String(10), nullable=True),
        sa.Column("confirmed_at", UTCDateTime(), nullable=True),
        sa.Column("form_key", sa.String(40), nullable=True),
        sa.Column("form_name", sa.String(200), nullable=True),
        sa.Column("form_type", sa.String(100), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_complaints_created", "complaints", ["created_at", "id"])
    op.create_index("ix_complaints_owner_state", "complaints", ["owner_id", "state"])
    op.create_index("ix_complaints_customer", "complaints", ["customer_id", "created_at"])
    op.create_index("ix_complaints_state_created", "complaints", ["state", "created_at"])
    op.create_index("ix_complaints_call", "complaints", ["call_id"], **_when_set("call_id"))
    op.create_index("ix_complaints_product", "complaints", ["product_id"],
                    **_when_set("product_id"))
    op.create_table(
        "complaint_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("complaint_id", sa.Integer(), sa.ForeignKey("complaints.id"), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_complaint_events_complaint", "complaint_events", ["complaint_id", "id"])


def downgrade() -> None:
    op.drop_table("complaint_events")
    op.drop_table("complaints")
    op.drop_table("service_calls")
