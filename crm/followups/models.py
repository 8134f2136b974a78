"""Follow-ups (what to do, who, by when, about which record) and calendar feed tokens."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import BigId
from crm.auth.models import User
from crm.base import Audited, Timestamped, UTCDateTime, Versioned, utcnow
from crm.extensions import db


class FollowUp(Audited, Versioned, Timestamped, db.Model):
    __tablename__ = "followups"
    __label__ = _l("Follow-up")
    __field_labels__ = {
        "what": _l("What"),
        "owner_id": _l("Owner"),
        "due_at": _l("Due"),
        "subject_type": _l("Record type"),
        "subject_id": _l("Record"),
        "done_at": _l("Done"),
        "outcome": _l("Outcome"),
        "created_by_id": _l("Created by"),
    }
    __table_args__ = (
        Index("ix_followups_subject", "subject_type", "subject_id"),
        Index("ix_followups_owner_due", "owner_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    what: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column(BigId)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(Text)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])


class CalendarToken(db.Model):
    """The secret of a user's agenda feed (/agenda.ics?token=...), stored as a SHA-256 hash."""

    __tablename__ = "calendar_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
