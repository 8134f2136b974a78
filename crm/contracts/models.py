"""A signed contract: what was agreed when a deal was won (价格、付款方式、违约责任, R-15)."""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.base import Audited, Timestamped, Versioned
from crm.customers.models import Customer
from crm.extensions import db

PAYMENT_METHODS = {
    "bank_transfer": _l("Bank transfer"),
    "acceptance_bill": _l("Bank acceptance bill"),
    "letter_of_credit": _l("Letter of credit"),
    "installments": _l("Installments"),
}


class Contract(Audited, Versioned, Timestamped, db.Model):
    __tablename__ = "contracts"
    __label__ = _l("Contract")
    __field_labels__ = {
        "deal_id": _l("Deal"), "customer_id": _l("Customer"), "owner_id": _l("Owner"),
        "price": _l("Contract price"), "payment_method": _l("Payment method"),
        "payment_terms": _l("Payment terms"), "breach_liability": _l("Liability for breach"),
        "signed_at": _l("Signed on"),
    }
    __field_choices__ = {"payment_method": PAYMENT_METHODS}

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    payment_method: Mapped[str] = mapped_column(String(20))
    payment_terms: Mapped[str] = mapped_column(Text)
    breach_liability: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[date] = mapped_column(Date)

    customer: Mapped[Customer] = relationship()
    owner: Mapped[User] = relationship()
