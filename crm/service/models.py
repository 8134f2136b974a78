"""The service desk's records: the call log (R-32)."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.base import UTCDateTime, index_when_set, utcnow
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
        index_when_set("ix_service_calls_product", "product_id"),
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
    followup_id: Mapped[int | None] = mapped_column(ForeignKey("followups.id"))

    customer: Mapped[Customer] = relationship()
    contact: Mapped[Contact | None] = relationship()
    agent: Mapped[User] = relationship()
    product: Mapped[Product | None] = relationship()
