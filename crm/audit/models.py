"""The audit trail (R-04): one row per changed field, plus approvals as their own rows."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.base import UTCDateTime, utcnow
from crm.extensions import db

BigId = BigInteger().with_variant(db.Integer, "sqlite")


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_model_record", "model", "record_id", "id"),
        Index("ix_audit_entries_user", "user_id", "id"),
        Index("ix_audit_entries_at", "at"),
        Index("ix_audit_entries_model", "model", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    model: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(10))  # insert | update | delete
    field: Mapped[str | None] = mapped_column(String(50))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User | None] = relationship()


class Approval(db.Model):
    """Every approval decision (所有授权行为需记录在案), whatever it approves."""

    __tablename__ = "approvals"
    __table_args__ = (Index("ix_approvals_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(50))
    decision: Mapped[str] = mapped_column(String(20))  # approved | rejected | recorded_after
    note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship()
