"""Contracts (R-15): what was agreed when a deal was won (价格、付款方式、违约责任), its documents,
its payment schedule and the payments received (R-20)."""

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.base import Audited, Timestamped, UTCDateTime, Versioned, utcnow
from crm.customers.models import Customer
from crm.extensions import db
from crm.web.search import search_key_of

PAYMENT_METHODS = {
    "bank_transfer": _l("Bank transfer"),
    "acceptance_bill": _l("Bank acceptance bill"),
    "letter_of_credit": _l("Letter of credit"),
    "installments": _l("Installments"),
}

# draft → signed → in_delivery → delivered → closed; terminated from any open status.
STATUSES = {
    "draft": _l("Draft"),
    "signed": _l("Signed"),
    "in_delivery": _l("In delivery"),
    "delivered": _l("Delivered"),
    "closed": _l("Closed"),
    "terminated": _l("Terminated"),
}
NEXT_STATUSES = {
    "draft": ("signed", "terminated"),
    "signed": ("in_delivery", "terminated"),
    "in_delivery": ("delivered", "terminated"),
    "delivered": ("closed",),
    "closed": (),
    "terminated": (),
}
MONEY = Numeric(14, 2)
OPEN_INSTALMENT = text("outstanding <> 0")


class Contract(Audited, Versioned, Timestamped, db.Model):
    __tablename__ = "contracts"
    __label__ = _l("Contract")
    __table_args__ = (Index("ix_contracts_recent", "signed_at", "id"),
                      # a rep's list and its count, with the important mark read from the
                      # index: never a heap visit per contract of theirs
                      Index("ix_contracts_owner_recent", "owner_id", "signed_at", "id",
                            "important", "important_by_id"),
                      Index("ix_contracts_important", "id", "important_by_id",
                            postgresql_where=text("important"), sqlite_where=text("important")))
    __field_labels__ = {
        "number": _l("Contract number"), "status": _l("Status"),
        "deal_id": _l("Deal"), "customer_id": _l("Customer"), "owner_id": _l("Owner"),
        "price": _l("Contract price"), "payment_method": _l("Payment method"),
        "payment_terms": _l("Payment terms"), "breach_liability": _l("Liability for breach"),
        "signed_at": _l("Signed on"), "starts_on": _l("Starts on"), "ends_on": _l("Ends on"),
        "delivered_on": _l("Delivered on"), "important": _l("Important contract"),
        "important_by_id": _l("Marked important by"),
    }
    __field_choices__ = {"payment_method": PAYMENT_METHODS, "status": STATUSES}

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="signed")
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    price: Mapped[Decimal] = mapped_column(MONEY)
    payment_method: Mapped[str] = mapped_column(String(20))
    payment_terms: Mapped[str] = mapped_column(Text)
    breach_liability: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[date] = mapped_column(Date)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    delivered_on: Mapped[date | None] = mapped_column(Date)
    # 重要合同: readable only by directors, finance and whoever marked it.
    important: Mapped[bool] = mapped_column(Boolean, default=False)
    important_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    search_key: Mapped[str] = mapped_column(String(400), default="")

    customer: Mapped[Customer] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    deal = relationship("Deal")

    def refresh_search_key(self, customer_name: str) -> None:
        self.search_key = search_key_of(self, self.number, customer_name)


class ContractDocument(Audited, db.Model):
    """A PDF or image attached to a contract, stored through crm.storage."""

    __tablename__ = "contract_documents"
    __label__ = _l("Contract document")
    __field_labels__ = {"original_name": _l("File"), "important": _l("Important document")}
    __table_args__ = (Index("ix_contract_documents_contract", "contract_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    storage_key: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    important: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User] = relationship()


class Instalment(Audited, db.Model):
    """A due date and amount of the payment schedule; `paid` and `outstanding` are kept by the
    payment services, and the contract's customer and owner are copied here, so the ledger
    groups the open instalments from one partial index, never summing payments nor joining
    the contracts."""

    __tablename__ = "instalments"
    __label__ = _l("Instalment")
    __field_labels__ = {"due_on": _l("Due on"), "amount": _l("Amount")}
    __table_args__ = (
        Index("ix_instalments_contract", "contract_id", "due_on"),
        Index("ix_instalments_open_due", "due_on", "outstanding", "owner_id", "customer_id",
              postgresql_where=OPEN_INSTALMENT, sqlite_where=OPEN_INSTALMENT),
        Index("ix_instalments_open_customer", "customer_id", "due_on", "outstanding",
              postgresql_where=OPEN_INSTALMENT, sqlite_where=OPEN_INSTALMENT),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    paid: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0"))
    outstanding: Mapped[Decimal] = mapped_column(MONEY)

    contract: Mapped[Contract] = relationship()


class ReceivableDay(db.Model):
    """The open instalments falling due on one day: their outstanding total and how many.
    Database triggers on `instalments` keep it (migration 0017), whatever writes them, so the
    company ledger's buckets sum a few hundred days instead of every open instalment."""

    __tablename__ = "receivable_days"

    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    outstanding: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
    instalments: Mapped[int] = mapped_column(Integer, default=0)


class ReceivableCustomer(db.Model):
    """One customer's open instalments: outstanding total and how many, kept by the same
    triggers; the company ledger reads its largest customers from the index below."""

    __tablename__ = "receivable_customers"
    __table_args__ = (Index("ix_receivable_customers_largest", "outstanding", "customer_id",
                            postgresql_where=text("instalments > 0"),
                            sqlite_where=text("instalments > 0")),)

    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    outstanding: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
    instalments: Mapped[int] = mapped_column(Integer, default=0)


class ReceivableOwnerDay(db.Model):
    """One owner's open instalments falling due on one day (the same triggers, migration 0022):
    the ledger reads it only around the buckets' edges (the months holding today, 30 and 60
    days ago)."""

    __tablename__ = "receivable_owner_days"
    __table_args__ = (Index("ix_receivable_owner_days_open", "due_on", "owner_id", "outstanding",
                            "instalments", postgresql_where=text("instalments > 0"),
                            sqlite_where=text("instalments > 0")),)

    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    due_on: Mapped[date] = mapped_column(Date, primary_key=True)
    outstanding: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
    instalments: Mapped[int] = mapped_column(Integer, default=0)


class ReceivableOwnerMonth(db.Model):
    """One owner's open instalments falling due in one month (`due_month`, its first day): a
    month wholly before or after the buckets' edges lies in one bucket."""

    __tablename__ = "receivable_owner_months"

    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    due_month: Mapped[date] = mapped_column(Date, primary_key=True)
    outstanding: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
    instalments: Mapped[int] = mapped_column(Integer, default=0)


class ReceivableOwnerCustomer(db.Model):
    """One owner's open instalments of one customer (the same triggers): a scoped ledger by
    customer ranks its largest customers from the index below."""

    __tablename__ = "receivable_owner_customers"
    __table_args__ = (
        Index("ix_receivable_owner_customers_largest", "outstanding", "owner_id", "customer_id",
              postgresql_where=text("instalments > 0"), sqlite_where=text("instalments > 0")),
        Index("ix_receivable_owner_customers_open", "owner_id", "customer_id",
              postgresql_where=text("instalments > 0"), sqlite_where=text("instalments > 0")),
    )

    owner_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    customer_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    outstanding: Mapped[Decimal] = mapped_column(Numeric(16, 2), default=Decimal("0"))
    instalments: Mapped[int] = mapped_column(Integer, default=0)


PAYMENT_CHANNELS = {
    "bank_transfer": _l("Bank transfer"),
    "acceptance_bill": _l("Bank acceptance bill"),
    "letter_of_credit": _l("Letter of credit"),
    "cash": _l("Cash"),
    "other": _l("Other"),
}


class Payment(Audited, db.Model):
    """Money received against an instalment; a refund is a negative amount with a reason."""

    __tablename__ = "payments"
    __label__ = _l("Payment")
    __field_labels__ = {"received_on": _l("Received on"), "amount": _l("Amount"),
                        "method": _l("Method"), "reference": _l("Reference"),
                        "reason": _l("Reason")}
    __field_choices__ = {"method": PAYMENT_CHANNELS}
    __table_args__ = (Index("ix_payments_instalment", "instalment_id", "id"),
                      Index("ix_payments_contract", "contract_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    received_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    method: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(100), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The collection ladder: what is due for an overdue instalment, and when (days after
# its due date), following the seed's 7日内书面催款函, 15日内销售总监上门, 30日以上法务部审核.
COLLECTION_STEPS = {
    "letter": _l("Collection letter (书面催款函)"),
    "visit": _l("Visit led by the sales director"),
    "legal": _l("Legal review (法务部审核)"),
}
LETTER_CHANNELS = {
    "courier": _l("Courier"),
    "registered_mail": _l("Registered mail"),
    "email": _l("E-mail"),
    "by_hand": _l("Handed over in person"),
}
LEGAL_DECISIONS = {
    "proceed": _l("Start legal proceedings"),
    "hold": _l("Do not start proceedings yet"),
}
PROMISE_STATUSES = {"open": _l("Open"), "kept": _l("Kept"), "broken": _l("Broken")}


class CollectionStep(Audited, db.Model):
    """A step of the ladder done: the letter sent (when, how), the visit (its outcome), the
    legal review (its decision)."""

    __tablename__ = "collection_steps"
    __label__ = _l("Collection step")
    __field_labels__ = {"step": _l("Step"), "done_on": _l("Date"), "channel": _l("Sent by"),
                        "outcome": _l("Outcome"), "decision": _l("Decision")}
    __field_choices__ = {"step": COLLECTION_STEPS, "channel": LETTER_CHANNELS,
                         "decision": LEGAL_DECISIONS}
    __table_args__ = (Index("ix_collection_steps_contract", "contract_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    step: Mapped[str] = mapped_column(String(10))
    done_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20), default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(10), default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User] = relationship()


class PaymentPromise(Audited, db.Model):
    """A promise to pay (date, amount, who promised): the ladder stands still until then;
    a promise not kept by its date starts it again and alerts."""

    __tablename__ = "payment_promises"
    __label__ = _l("Promise to pay")
    __field_labels__ = {"promised_on": _l("Promised for"), "amount": _l("Amount"),
                        "promised_by": _l("Promised by"), "status": _l("Status")}
    __field_choices__ = {"status": PROMISE_STATUSES}
    __table_args__ = (Index("ix_payment_promises_open", "status", "promised_on"),
                      Index("ix_payment_promises_contract", "contract_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    promised_on: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(MONEY)
    promised_by: Mapped[str] = mapped_column(String(100))
    paid_before: Mapped[Decimal] = mapped_column(MONEY)  # the instalment's paid when promised
    status: Mapped[str] = mapped_column(String(10), default="open")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


DELIVERY_RECORDS = {
    "confirmation": _l("Weekly schedule confirmed with production"),
    "exception": _l("Delivery exception"),
    "report": _l("Exception reported to the customer with a remedy plan"),
}


class DeliveryRecord(Audited, db.Model):
    """Delivery follow-up (R-16): the weekly schedule confirmation, an exception, and its report
    to the customer with the remedy plan (within 24 hours)."""

    __tablename__ = "delivery_records"
    __label__ = _l("Delivery record")
    __field_labels__ = {"kind": _l("Kind"), "note": _l("Note"), "remedy": _l("Remedy plan")}
    __field_choices__ = {"kind": DELIVERY_RECORDS}
    __table_args__ = (Index("ix_delivery_records_contract", "contract_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    remedy: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User] = relationship()
