"""The care half of customer service: the service archive opened at signing (专属服务档案,
R-30) and the revisits scheduled from delivery (回访, R-31)."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.base import (
    Audited,
    Timestamped,
    UTCDateTime,
    Versioned,
    index_when_set,
    partial_index,
)
from crm.contracts.models import Contract
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales.models import Product

# The revisit series: acceptance once after delivery, then routine and in-depth ones.
ACCEPTANCE, ROUTINE, INTERVIEW = "acceptance", "routine", "interview"
SERIES = {
    ACCEPTANCE: _l("Acceptance revisit"),
    ROUTINE: _l("Routine revisit (usage feedback)"),
    INTERVIEW: _l("In-depth interview"),
}
OUTCOMES = {
    "satisfied": _l("All well"),
    "issue": _l("Issue raised"),
    "unreachable": _l("Customer not reached"),
}


class ServiceArchive(Audited, Versioned, Timestamped, db.Model):
    """The customer's service archive for one signed contract: who to talk to, what they
    bought, what service they need, and the agent responsible. One per contract."""

    __tablename__ = "service_archives"
    __label__ = _l("Service archive")
    __audit_mask__ = frozenset({"contacts"})  # their phone numbers, masked as contacts' are (R-05)
    __field_labels__ = {
        "contacts": _l("Contacts"), "products": _l("Product list"),
        "service_needs": _l("Service needs"), "agent_id": _l("Responsible agent"),
        "completed_at": _l("Completed on"),
    }
    __table_args__ = (
        UniqueConstraint("contract_id", name="uq_service_archives_contract"),
        Index("ix_service_archives_created", "created_at", "id"),
        Index("ix_service_archives_agent", "agent_id", "created_at"),
        Index("ix_service_archives_customer", "customer_id", "created_at"),
        partial_index("ix_service_archives_agent_open", "completed_at IS NULL", "agent_id",
                      "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    contacts: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[str] = mapped_column(Text, default="")
    service_needs: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    contract: Mapped[Contract] = relationship()
    # selectin: the agenda's and notifications' subject titles name the customer (one query)
    customer: Mapped[Customer] = relationship(lazy="selectin")
    agent: Mapped[User] = relationship(foreign_keys=[agent_id])


class Revisit(Audited, Versioned, Timestamped, db.Model):
    """One planned revisit of a delivered contract: the `number`-th of its series, due on a
    working day; logged with its outcome, the customer's satisfaction and feedback."""

    __tablename__ = "revisits"
    __label__ = _l("Revisit")
    __field_labels__ = {
        "due_on": _l("Due on"), "agent_id": _l("Agent"), "outcome": _l("Outcome"),
        "satisfaction": _l("Satisfaction"), "feedback": _l("Feedback"),
        "product_id": _l("Product concerned"), "done_at": _l("Done"),
    }
    __field_choices__ = {"outcome": OUTCOMES}
    __table_args__ = (
        UniqueConstraint("contract_id", "series", "number", name="uq_revisits_series"),
        Index("ix_revisits_due", "due_on", "id"),
        Index("ix_revisits_agent_due", "agent_id", "due_on"),
        Index("ix_revisits_customer", "customer_id", "done_at"),
        partial_index("ix_revisits_open_due", "done_at IS NULL", "due_on", "id"),
        partial_index("ix_revisits_agent_open_due", "done_at IS NULL", "agent_id", "due_on",
                      "id"),
        index_when_set("ix_revisits_product", "product_id", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    series: Mapped[str] = mapped_column(String(12))
    number: Mapped[int] = mapped_column(SmallInteger)
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str | None] = mapped_column(String(12))
    satisfaction: Mapped[int | None] = mapped_column(SmallInteger)
    feedback: Mapped[str] = mapped_column(Text, default="")
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))

    contract: Mapped[Contract] = relationship()
    customer: Mapped[Customer] = relationship()
    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    product: Mapped[Product | None] = relationship()
