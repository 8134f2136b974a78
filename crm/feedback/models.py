"""What a product manager did about a feedback item (R-18): one row per item acted on."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import BigId
from crm.auth.models import User
from crm.base import Audited, UTCDateTime, utcnow
from crm.extensions import db


class FeedbackAction(Audited, db.Model):
    """An item (a call, complaint, survey... named by its source and id) marked acted on."""

    __tablename__ = "feedback_actions"
    __label__ = _l("Feedback acted on")
    __field_labels__ = {"note": _l("What was done"), "source": _l("Source"),
                        "item_id": _l("Feedback item"), "product_id": _l("Product")}
    __table_args__ = (UniqueConstraint("source", "item_id"),
                      Index("ix_feedback_actions_product", "product_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(20))
    item_id: Mapped[int] = mapped_column(BigId)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    note: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
