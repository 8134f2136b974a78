"""Deadlines (one row per clock) and the alerts raised when they are missed."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import BigId
from crm.auth.models import User
from crm.base import UTCDateTime, utcnow
from crm.extensions import db

OPEN = text("done_at IS NULL")  # the partial index of open clocks (agenda, home, sweep)


class Deadline(db.Model):
    """A clock: `kind` of work on a subject, owned by someone, due at a time, done or not."""

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_open_due", "done_at", "due_at"),
        Index("ix_deadlines_owner_due", "owner_id", "due_at"),
        Index("ix_deadlines_owner_open", "owner_id", "due_at", postgresql_where=OPEN,
              sqlite_where=OPEN),
        Index("ix_deadlines_subject", "subject_type", "subject_id", "kind"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column(BigId)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship()


class DeadlineAlert(db.Model):
    """A missed deadline, once per level: 1 tells the owner, 2 the owner's manager (R-41)."""

    __tablename__ = "deadline_alerts"
    __table_args__ = (
        UniqueConstraint("deadline_id", "level", name="uq_deadline_alerts_deadline_level"),
        Index("ix_deadline_alerts_raised_at", "raised_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(SmallInteger)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
