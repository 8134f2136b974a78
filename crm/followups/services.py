"""Use cases for follow-ups. Each one keeps its deadline (kind 'followup') in step through the
deadlines service; nothing here commits."""

from datetime import UTC, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from crm.auth.models import User
from crm.auth.picker import allowed_name
from crm.auth.scopes import visible
from crm.base import utcnow
from crm.deadlines import services as deadlines
from crm.deadlines import subjects
from crm.errors import DomainError
from crm.extensions import db
from crm.followups import KIND
from crm.followups.models import FollowUp
from crm.notifications.services import notify
from crm.web.i18n import zoneinfo

END_OF_DAY = time(23, 59)


def due_at(day, at: time | None, zone) -> datetime:
    """A local date (and time; end of the day when none) as a UTC instant."""
    return datetime.combine(day, at or END_OF_DAY, tzinfo=zoneinfo(zone)).astimezone(UTC)


def _check_owner(owner_id: int, by: User) -> None:
    """Who `by` may give a follow-up to: themselves, and the active people they can see."""
    if owner_id != by.id and allowed_name("colleague", owner_id, user=by) is None:
        raise DomainError(_("Choose someone from your team."), "owner_id")


def add(*, what: str, owner_id: int, due: datetime, subject_type: str | None,
        subject_id: int | None, by: User) -> FollowUp:
    what = what.strip()
    if not what:
        raise DomainError(_("Say what is to be done."), "what")
    _check_owner(owner_id, by)
    followup = FollowUp(what=what, owner_id=owner_id, due_at=due, subject_type=subject_type,
                        subject_id=subject_id, created_by_id=by.id)
    db.session.add(followup)
    db.session.flush()
    deadlines.create(KIND, KIND, followup.id, owner_id, due)
    subjects.touch(subject_type, subject_id, utcnow())
    if owner_id != by.id:
        notify(owner_id, _("%(name)s gave you a follow-up: %(what)s", name=by.name, what=what),
               KIND, followup.id, kind="assigned")
    return followup


def complete(followup: FollowUp, outcome: str | None) -> None:
    if followup.done_at is not None:
        raise DomainError(_("This follow-up is already done."))
    followup.done_at = utcnow()
    followup.outcome = (outcome or "").strip() or None
    deadlines.complete(KIND, KIND, followup.id, followup.done_at)
    subjects.touch(followup.subject_type, followup.subject_id, followup.done_at)


def reschedule(followup: FollowUp, due: datetime) -> None:
    if followup.done_at is not None:
        raise DomainError(_("A done follow-up cannot be rescheduled."), "due_date")
    followup.due_at = due
    deadlines.move(KIND, KIND, followup.id, due)


def open_on_subject(subject_type: str | None, subject_id: int | None, limit: int = 20):
    """Open follow-ups on a record that the current user may see, soonest first."""
    stmt = visible(FollowUp).where(FollowUp.done_at.is_(None))
    if subject_type is None:
        stmt = stmt.where(FollowUp.subject_type.is_(None))
    else:
        stmt = stmt.where(FollowUp.subject_type == subject_type,
                          FollowUp.subject_id == subject_id)
    return list(db.session.scalars(stmt.options(joinedload(FollowUp.owner))
                                   .order_by(FollowUp.due_at).limit(limit)))


def bucket(due: datetime, now: datetime, day_end: datetime) -> str:
    if due < now:
        return "overdue"
    return "today" if due < day_end else "upcoming"


def end_of_today(zone, now: datetime | None = None) -> datetime:
    zone = zoneinfo(zone)
    local = (now or utcnow()).astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=zone)
