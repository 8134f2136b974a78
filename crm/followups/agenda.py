"""The personal agenda (R-40): open deadlines of every kind, follow-ups first among them, as
the agenda page, the home panel and the calendar feed show them."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.auth.models import User
from crm.auth.scopes import visible
from crm.base import utcnow
from crm.deadlines.countdown import Countdown, deadline_countdown
from crm.deadlines.kinds import kind_label
from crm.deadlines.models import Deadline
from crm.deadlines.subjects import SubjectRef, load_refs
from crm.extensions import db
from crm.followups import KIND
from crm.followups.models import FollowUp
from crm.followups.services import bucket, end_of_today
from crm.web.pagination import capped_count

VIEWS = ("all", "overdue", "today", "upcoming")


@dataclass
class AgendaItem:
    deadline: Deadline
    followup: FollowUp | None
    title: str
    ref: SubjectRef | None  # the record it is about
    bucket: str  # overdue | today | upcoming
    kind_label: object
    clock: Countdown


def agenda_query(user: User, *, view: str = "all", kind: str = "", whose: str = "mine",
                 owner: int | None = None, zone=None, now: datetime | None = None):
    """Open deadlines: the user's, or (`whose="team"`) every one they may see, or one team
    member's (`owner`)."""
    now = now or utcnow()
    stmt = visible(Deadline, user).where(Deadline.done_at.is_(None))
    if whose == "team":
        stmt = stmt.options(selectinload(Deadline.owner))
        if owner:
            stmt = stmt.where(Deadline.owner_id == owner)
    else:
        stmt = stmt.where(Deadline.owner_id == user.id)
    if kind:
        stmt = stmt.where(Deadline.kind == kind)
    day_end = end_of_today(zone, now)
    if view == "overdue":
        stmt = stmt.where(Deadline.due_at < now)
    elif view == "today":
        stmt = stmt.where(Deadline.due_at >= now, Deadline.due_at < day_end)
    elif view == "upcoming":
        stmt = stmt.where(Deadline.due_at >= day_end)
    return stmt


def items(deadlines: list[Deadline], user: User | None = None, zone=None,
          now: datetime | None = None) -> list[AgendaItem]:
    """Deadlines with their follow-up, title and record: a fixed number of queries."""
    now = now or utcnow()
    day_end = end_of_today(zone, now)
    followup_ids = [d.subject_id for d in deadlines if d.kind == KIND]
    followups = {f.id: f for f in db.session.scalars(
        select(FollowUp).where(FollowUp.id.in_(followup_ids)))} if followup_ids else {}
    about = [(f.subject_type, f.subject_id) for f in followups.values()]
    about += [(d.subject_type, d.subject_id) for d in deadlines if d.kind != KIND]
    refs = load_refs(about, user)
    out = []
    for d in deadlines:
        followup = followups.get(d.subject_id) if d.kind == KIND else None
        ref = refs.get((followup.subject_type, followup.subject_id) if followup
                       else (d.subject_type, d.subject_id))
        title = followup.what if followup else (ref.title if ref else "")
        out.append(AgendaItem(d, followup, title, ref, bucket(d.due_at, now, day_end),
                              kind_label(d.kind), deadline_countdown(d, now)))
    return out


def preview(user: User, zone, limit: int = 8) -> dict:
    """For the home page: how many are overdue and the next few open deadlines."""
    overdue = agenda_query(user, view="overdue", zone=zone)
    count, capped = capped_count(overdue, cap=99)
    oldest = db.session.scalars(overdue.order_by(Deadline.due_at, Deadline.id).limit(3)).all()
    upcoming = db.session.scalars(
        agenda_query(user, zone=zone).where(Deadline.due_at >= utcnow())
        .order_by(Deadline.due_at, Deadline.id).limit(limit)
    ).all()
    return {"overdue_count": count, "overdue_capped": capped,
            "items": items([*oldest, *upcoming], user, zone)}
