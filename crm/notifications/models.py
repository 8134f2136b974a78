"""Notifications: one row per person told about something; read and e-mailed are stamps."""

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import BigId
from crm.auth.models import User
from crm.base import UTCDateTime, utcnow
from crm.extensions import db


class Notification(db.Model):
    """What a user is told. Alert notifications copy the deadline's kind, subject and due time,
    so they read the same after the deadline moves or is cancelled; others carry `text`."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("alert_id", "user_id", name="uq_notifications_alert_user"),
        Index("ix_notifications_user_id", "user_id", "id"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_pending_mail", "emailed_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column()  # users are deactivated, never deleted
    kind: Mapped[str] = mapped_column(String(30))  # overdue | escalated | assigned | ...
    text: Mapped[str | None] = mapped_column(String(500))
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column(BigId)
    deadline_kind: Mapped[str | None] = mapped_column(String(30))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Plain ids (user_id too), no foreign keys: the sweep inserts these by the hundred
    # thousand, a key is checked row by row, and the deadlines service clears alert_id itself
    # when it drops an alert.
    about_user_id: Mapped[int | None] = mapped_column()
    alert_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(primaryjoin="foreign(Notification.user_id) == User.id")
    about_user: Mapped[User | None] = relationship(
        primaryjoin="foreign(Notification.about_user_id) == User.id")
