"""The service desk's records: the call log (R-32) and complaints (R-33)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import BigId
from crm.auth.models import User
from crm.base import (
    Audited,
    Timestamped,
    UTCDateTime,
    Versioned,
    index_when_set,
    partial_index,
    utcnow,
)
from crm.customers.models import Contact, Customer
from crm.extensions import db
from crm.sales.models import Product

INBOUND, OUTBOUND = "in", "out"
DIRECTIONS = {INBOUND: _l("Incoming"), OUTBOUND: _l("Outgoing")}
CHANNELS = {
    "hotline": _l("400 hotline"),
    "online": _l("Online service"),
    "email": _l("E-mail"),
    "visit": _l("On-site visit"),
}


class Call(db.Model):
    """One conversation with a customer, logged by the agent who had it. A log entry: written
    once, never edited, so it is neither versioned nor audited (the audit trail would double
    the service desk's busiest write)."""

    __tablename__ = "service_calls"
    __table_args__ = (
        Index("ix_service_calls_at", "at", "id"),
        Index("ix_service_calls_customer_at", "customer_id", "at"),
        Index("ix_service_calls_agent_at", "agent_id", "at"),
        index_when_set("ix_service_calls_product", "product_id", "at"),
        index_when_set("ix_service_calls_contact", "contact_id"),
        index_when_set("ix_service_calls_followup", "followup_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(10))
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    followup_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("followups.id"))

    customer: Mapped[Customer] = relationship()
    contact: Mapped[Contact | None] = relationship()
    agent: Mapped[User] = relationship()
    product: Mapped[Product | None] = relationship()


NEW, ACTIVE, WAITING, CLOSED = "new", "active", "waiting", "closed"
STATES = {
    NEW: _l("Awaiting response"),
    ACTIVE: _l("Being handled"),
    WAITING: _l("Waiting for the customer"),
    CLOSED: lazy_pgettext("complaint", "Closed"),
}
SOURCES = {"call": _l("From a call"), "direct": _l("Recorded directly"),
           "survey": _l("From a survey")}
SUBMITTED, APPROVED, REJECTED = "submitted", "approved", "rejected"
PLAN_STATES = {SUBMITTED: _l("Awaiting approval"), APPROVED: _l("Approved"),
               REJECTED: _l("Rejected: to be rewritten")}
CONFIRMATION_WAYS = {"signature": _l("Signature"), "phone": _l("Phone"), "email": _l("E-mail")}


class Complaint(Audited, Versioned, Timestamped, db.Model):
    """A customer's complaint (R-33), owned by the agent who recorded it (首问负责制) until a
    service manager reassigns it. Its clocks are deadline rows about ("complaint", id)."""

    __tablename__ = "complaints"
    __label__ = _l("Complaint")
    __field_labels__ = {
        "summary": _l("Summary"), "details": _l("Details"), "owner_id": _l("Owner"),
        "state": _l("State"), "product_id": _l("Product concerned"),
        "feedback": _l("Product feedback"), "plan": _l("Handling plan"),
        "solution": _l("Initial solution"), "complex": _l("Complex complaint"),
    }
    __field_choices__ = {"state": STATES}
    __table_args__ = (
        Index("ix_complaints_created", "created_at", "id"),
        Index("ix_complaints_owner_state", "owner_id", "state"),
        Index("ix_complaints_customer", "customer_id", "created_at"),
        Index("ix_complaints_state_created", "state", "created_at"),
        index_when_set("ix_complaints_call", "call_id"),
        index_when_set("ix_complaints_product", "product_id", "created_at"),
        partial_index("ix_complaints_owner_open", "state <> 'closed'", "owner_id", "created_at",
                      "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("service_calls.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default=NEW)
    summary: Mapped[str] = mapped_column(String(200))
    details: Mapped[str] = mapped_column(Text, default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    feedback: Mapped[str] = mapped_column(Text, default="")
    solution: Mapped[str] = mapped_column(Text, default="")
    complex: Mapped[bool] = mapped_column(Boolean, default=False)
    plan: Mapped[str] = mapped_column(Text, default="")
    plan_state: Mapped[str | None] = mapped_column(String(10))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_via: Mapped[str | None] = mapped_column(String(10))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    form_key: Mapped[str | None] = mapped_column(String(40))
    form_name: Mapped[str | None] = mapped_column(String(200))
    form_type: Mapped[str | None] = mapped_column(String(100))

    customer: Mapped[Customer] = relationship()
    owner: Mapped[User] = relationship()
    product: Mapped[Product | None] = relationship()


class ComplaintEvent(db.Model):
    """The complaint's history: each step, who took it, when, and what they wrote."""

    __tablename__ = "complaint_events"
    __table_args__ = (Index("ix_complaint_events_complaint", "complaint_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()
