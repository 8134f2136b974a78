"""Deadlines (one row per clock), their pauses, the alerts raised when they are missed, and
the working calendars and kind rules that say when a clock falls due."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.audit.models import BigId
from crm.auth.models import User
from crm.base import Audited, Timestamped, UTCDateTime, Versioned, utcnow
from crm.extensions import db

OPEN = text("done_at IS NULL")  # the partial index of open clocks (agenda, home, sweep)


class Deadline(db.Model):
    """A clock: `kind` of work on a subject, owned by someone, due at a time, done or not."""

    __tablename__ = "deadlines"
    __table_args__ = (
        Index("ix_deadlines_open_due", "done_at", "due_at"),
        # the team agenda's order, soonest first: walked, filtered by owner, to the page size;
        # the home page counts the company's due by tonight per owner from it alone
        Index("ix_deadlines_open_due_id", "due_at", "id", postgresql_include=["owner_id"],
              postgresql_where=OPEN, sqlite_where=OPEN),
        Index("ix_deadlines_owner_due", "owner_id", "due_at"),
        Index("ix_deadlines_owner_open", "owner_id", "due_at", postgresql_where=OPEN,
              sqlite_where=OPEN),
        Index("ix_deadlines_subject", "subject_type", "subject_id", "kind"),
        # Lists' "overdue" filters ask it of each row: an open clock of the record, due when?
        Index("ix_deadlines_subject_open", "subject_type", "subject_id", "due_at",
              postgresql_where=OPEN, sqlite_where=OPEN),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject_type: Mapped[str | None] = mapped_column(String(30))
    subject_id: Mapped[int | None] = mapped_column(BigId)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The working calendar the due time was counted in (None: calendar time), and since when
    # the clock stands still (None: running); the sweep skips paused clocks.
    calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_calendars.id", ondelete="SET NULL"))
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[User] = relationship()


class DeadlineAlert(db.Model):
    """A missed deadline, once per level: 1 tells the owner, 2 the owner's manager (R-41)."""

    __tablename__ = "deadline_alerts"
    __table_args__ = (
        # no index on raised_at: the sweep finds the alerts it raised by id (services.sweep)
        UniqueConstraint("deadline_id", "level", name="uq_deadline_alerts_deadline_level"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # A plain id, no foreign key: the sweep inserts alerts by the hundred thousand and a key
    # checked and share-locked its deadline row for each (a quarter of its time); the deadlines
    # service drops a deadline's alerts itself before the deadline (cancel).
    deadline_id: Mapped[int] = mapped_column(BigId)
    level: Mapped[int] = mapped_column(SmallInteger)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeadlinePause(db.Model):
    """A stretch during which a clock stood still: who stopped it, why, and who restarted it.
    Kept as the clock's history; `counted` is the time it added to the due time."""

    __tablename__ = "deadline_pauses"
    __table_args__ = (Index("ix_deadline_pauses_deadline", "deadline_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    paused_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resumed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    counted_minutes: Mapped[int | None] = mapped_column(Integer)

    paused_by: Mapped[User | None] = relationship(foreign_keys=[paused_by_id])
    resumed_by: Mapped[User | None] = relationship(foreign_keys=[resumed_by_id])


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_LABELS = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
                  _l("Saturday"), _l("Sunday"))


class WorkCalendar(Audited, Versioned, Timestamped, db.Model):
    """When a team works: a zone, hours per weekday ("09:00-12:00, 13:30-18:00"; blank: not
    worked) and dated exceptions (CalendarDay). One calendar is the company default."""

    __tablename__ = "work_calendars"
    __label__ = _l("Working calendar")
    __field_labels__ = {"name": _l("Name"), "timezone": _l("Time zone"),
                        "is_default": _l("Company default"),
                        "national_holidays": _l("Follows China's national holidays"),
                        **{f"hours_{d}": label for d, label in zip(WEEKDAYS, WEEKDAY_LABELS,
                                                                    strict=True)},
                        "team_id": _l("Teams")}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    timezone: Mapped[str] = mapped_column(String(50), default="Asia/Shanghai")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    national_holidays: Mapped[bool] = mapped_column(Boolean, default=True)
    hours_mon: Mapped[str] = mapped_column(String(200), default="")
    hours_tue: Mapped[str] = mapped_column(String(200), default="")
    hours_wed: Mapped[str] = mapped_column(String(200), default="")
    hours_thu: Mapped[str] = mapped_column(String(200), default="")
    hours_fri: Mapped[str] = mapped_column(String(200), default="")
    hours_sat: Mapped[str] = mapped_column(String(200), default="")
    hours_sun: Mapped[str] = mapped_column(String(200), default="")

    teams: Mapped[list["CalendarTeam"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", back_populates="calendar")

    def weekday_hours(self) -> list[str]:
        return [getattr(self, f"hours_{d}") for d in WEEKDAYS]


HOLIDAY, WORKDAY = "holiday", "workday"


class CalendarDay(Audited, Timestamped, db.Model):
    """A date that differs from the weekday: a holiday (blank hours; a half-day keeps the hours
    still worked) or a make-up working day 调休 (blank hours: a Monday's)."""

    __tablename__ = "calendar_days"
    __label__ = _l("Calendar day")
    __table_args__ = (UniqueConstraint("calendar_id", "day", name="uq_calendar_days_day"),)
    __field_labels__ = {"calendar_id": _l("Working calendar"), "day": _l("Date"),
                        "kind": _l("Kind"), "hours": _l("Hours"), "name": _l("Name"),
                        "source": _l("Source")}

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("work_calendars.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # holiday | workday
    hours: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(100), default="")


class CalendarTeam(db.Model):
    """A team that keeps its own calendar (e.g. a 7×24 hotline); audited as the calendar's."""

    __tablename__ = "calendar_teams"
    __audit_parent__ = ("work_calendars", "calendar_id", "team_id")

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("work_calendars.id", ondelete="CASCADE"), index=True)

    calendar: Mapped[WorkCalendar] = relationship(back_populates="teams")


class DeadlineKindRule(Audited, Versioned, Timestamped, db.Model):
    """An admin's rule for a kind of clock: how long it runs, in calendar or working time,
    and its escalation ladder (its LadderStep rows). Without a row the kind's defaults hold."""

    __tablename__ = "deadline_kind_rules"
    __label__ = _l("Deadline kind")
    __field_labels__ = {"kind": _l("Kind"), "basis": _l("Counted in"),
                        "duration_minutes": _l("Duration")}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), unique=True)
    basis: Mapped[str] = mapped_column(String(10))  # calendar | working
    duration_minutes: Mapped[int | None] = mapped_column(Integer)

    steps: Mapped[list["LadderStep"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="LadderStep.level")


class LadderStep(Audited, db.Model):
    """Level 2, 3, ... of a kind's ladder: who is alerted, how long after the due time."""

    __tablename__ = "deadline_ladder_steps"
    __label__ = _l("Escalation step")
    __table_args__ = (UniqueConstraint("rule_id", "level", name="uq_ladder_steps_level"),)
    __field_labels__ = {"level": _l("Level"), "role": _l("Alert"),
                        "delay_minutes": _l("After the due time")}

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("deadline_kind_rules.id", ondelete="CASCADE"))
    level: Mapped[int] = mapped_column(SmallInteger)
    role: Mapped[str] = mapped_column(String(20))
    delay_minutes: Mapped[int] = mapped_column(Integer)


class PoolWarning(db.Model):
    """R-12's early warning: the owner of a lead was told once that it returns to the pool
    soon, for the lead's last touch (a later follow-up starts a new clock)."""

    __tablename__ = "pool_warnings"
    __table_args__ = (UniqueConstraint("lead_id", "touched_at", name="uq_pool_warnings_touch"),
                      Index("ix_pool_warnings_warned_at", "warned_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"))
    touched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    owner_id: Mapped[int] = mapped_column(Integer)
    warned_at: Mapped[datetime] = mapped_column(UTCDateTime)
