"""Contracts issue (#16): number, status, dates and the important mark on contracts; their
documents, payment schedule (instalments with kept paid/outstanding amounts) and payments; the
collection ladder's records.

Revision ID: 0015_contracts_receivables
Revises: 0014_channel_partners
"""

import warnings

import sqlalchemy as sa
from alembic import op

import crm.base

revision = "0015_contracts_receivables"
down_revision = "0014_channel_partners"
branch_labels = None
depends_on = None

OPEN_INSTALMENT = sa.text("outstanding <> 0")
MONEY = sa.Numeric(precision=14, scale=2)


def _contract_columns() -> None:
    with warnings.catch_warnings():
        # SQLite's batch copy reflects the schema; 0011's expression index cannot be reflected
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        _alter_contracts()


def _alter_contracts() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.add_column(sa.Column("number", sa.String(30), nullable=True))
        batch.add_column(sa.Column("status", sa.String(20), nullable=False,
                                   server_default="signed"))
        batch.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("delivered_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("important", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column("important_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("search_key", sa.String(400), nullable=False,
                                   server_default=""))
    op.execute("UPDATE contracts SET number = 'HT' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table("contracts") as batch:
        batch.alter_column("number", existing_type=sa.String(30), nullable=False)
        batch.create_unique_constraint(op.f("uq_contracts_number"), ["number"])
        batch.create_foreign_key(op.f("fk_contracts_important_by_id_users"), "users",
                                 ["important_by_id"], ["id"])
        batch.create_index("ix_contracts_recent", ["signed_at", "id"])


def upgrade() -> None:
    _contract_columns()
    op.create_table(
        "contract_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(64), nullable=False),
        sa.Column("original_name", sa.String(200), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("important", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", crm.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_contract_documents_contract_id_contracts")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_contract_documents_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_documents")),
    )
    op.create_index("ix_contract_documents_contract", "contract_documents", ["contract_id", "id"])
    op.create_table(
        "instalments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("paid", MONEY, nullable=False),
        sa.Column("outstanding", MONEY, nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_instalments_contract_id_contracts")),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name=op.f("fk_instalments_customer_id_customers")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"],
                                name=op.f("fk_instalments_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instalments")),
    )
    op.create_index("ix_instalments_contract", "instalments", ["contract_id", "due_on"])
    op.create_index("ix_instalments_open_due", "instalments",
                    ["due_on", "outstanding", "owner_id", "customer_id"],
                    postgresql_where=OPEN_INSTALMENT, sqlite_where=OPEN_INSTALMENT)
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instalment_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", crm.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instalment_id"], ["instalments.id"],
                                name=op.f("fk_payments_instalment_id_instalments")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_payments_contract_id_contracts")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_payments_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index("ix_payments_instalment", "payments", ["instalment_id", "id"])
    op.create_index("ix_payments_contract", "payments", ["contract_id", "id"])
    _ladder_tables()


def _ladder_tables() -> None:
    op.create_table(
        "collection_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instalment_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(10), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", crm.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instalment_id"], ["instalments.id"],
                                name=op.f("fk_collection_steps_instalment_id_instalments")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_collection_steps_contract_id_contracts")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_collection_steps_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_steps")),
    )
    op.create_index("ix_collection_steps_contract", "collection_steps", ["contract_id", "id"])
    op.create_table(
        "payment_promises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instalment_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("promised_on", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("promised_by", sa.String(100), nullable=False),
        sa.Column("paid_before", MONEY, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", crm.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["instalment_id"], ["instalments.id"],
                                name=op.f("fk_payment_promises_instalment_id_instalments")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_payment_promises_contract_id_contracts")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_payment_promises_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_promises")),
    )
    op.create_index("ix_payment_promises_open", "payment_promises", ["status", "promised_on"])
    op.create_index("ix_payment_promises_contract", "payment_promises", ["contract_id", "id"])
    op.create_table(
        "delivery_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("remedy", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", crm.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_delivery_records_contract_id_contracts")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_delivery_records_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_records")),
    )
    op.create_index("ix_delivery_records_contract", "delivery_records", ["contract_id", "id"])


def downgrade() -> None:
    op.drop_table("delivery_records")
    op.drop_table("payment_promises")
    op.drop_table("collection_steps")
    op.drop_table("payments")
    op.drop_table("instalments")
    op.drop_table("contract_documents")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        _drop_contract_columns()


def _drop_contract_columns() -> None:
    with op.batch_alter_table("contracts") as batch:
        batch.drop_index("ix_contracts_recent")
        batch.drop_constraint(op.f("fk_contracts_important_by_id_users"), type_="foreignkey")
        batch.drop_constraint(op.f("uq_contracts_number"), type_="unique")
        for column in ("search_key", "important_by_id", "important", "delivered_on", "ends_on",
                       "starts_on", "status", "number"):
            batch.drop_column(column)
