"""The one place that writes deadlines and raises their alerts (R-41).

Domains create, move, complete and cancel their clocks here by (kind, subject); nobody else
writes alert logic. `sweep(now)` raises every missed alert with a few set-based statements
(INSERT ... SELECT ... ON CONFLICT DO NOTHING against UNIQUE(deadline_id, level)), so running it
twice, or in two workers at once, raises each alert once; its notifications are written in the
same transaction, for newly raised alerts only.
"""

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from crm.auth.models import Team, User, UserRole
from crm.base import UTCDateTime, utcnow
from crm.deadlines.models import Deadline, DeadlineAlert
from crm.extensions import db
from crm.notifications.models import Notification
from crm.settings.services import get_setting

OWNER, MANAGER = 1, 2  # alert levels
NOTIFICATION_KIND = {OWNER: "overdue", MANAGER: "escalated"}


def create(kind: str, subject_type: str | None, subject_id: int | None, owner_id: int,
           due_at: datetime) -> Deadline:
    deadline = Deadline(kind=kind, subject_type=subject_type, subject_id=subject_id,
                        owner_id=owner_id, due_at=due_at)
    db.session.add(deadline)
    db.session.flush()
    return deadline


def _open_ids(kind: str, subject_type: str | None, subject_id: int | None):
    return select(Deadline.id).where(
        Deadline.kind == kind,
        Deadline.subject_type.is_(None) if subject_type is None
        else Deadline.subject_type == subject_type,
        Deadline.subject_id == subject_id,
        Deadline.done_at.is_(None),
    )


def _forget_alerts(deadline_ids) -> None:
    """Drop the alerts of these deadlines so a new breach alerts again; notifications stay."""
    alert_ids = select(DeadlineAlert.id).where(DeadlineAlert.deadline_id.in_(deadline_ids))
    db.session.execute(update(Notification).where(Notification.alert_id.in_(alert_ids))
                       .values(alert_id=None))
    db.session.execute(delete(DeadlineAlert).where(DeadlineAlert.deadline_id.in_(deadline_ids)))


def move(kind: str, subject_type: str | None, subject_id: int | None, due_at: datetime,
         owner_id: int | None = None) -> int:
    """New due time (and owner) for the open deadline of this kind on the subject."""
    ids = list(db.session.scalars(_open_ids(kind, subject_type, subject_id)))
    if not ids:
        return 0
    _forget_alerts(ids)
    values = {"due_at": due_at} | ({"owner_id": owner_id} if owner_id else {})
    db.session.execute(update(Deadline).where(Deadline.id.in_(ids)).values(**values))
    return len(ids)


def complete(kind: str, subject_type: str | None, subject_id: int | None,
             at: datetime | None = None) -> int:
    ids = _open_ids(kind, subject_type, subject_id)
    result = db.session.execute(
        update(Deadline).where(Deadline.id.in_(ids)).values(done_at=at or utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def cancel(kind: str, subject_type: str | None, subject_id: int | None) -> int:
    """The clock no longer applies (its record was withdrawn): the deadline goes away."""
    ids = list(db.session.scalars(_open_ids(kind, subject_type, subject_id)))
    if ids:
        _forget_alerts(ids)
        db.session.execute(delete(Deadline).where(Deadline.id.in_(ids)))
    return len(ids)


def _insert(table):
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.session.get_bind().dialect.name]
    return dialect.insert(table)


def _inserted(stmt) -> int:
    """Run an INSERT ... SELECT and say how many rows it added."""
    return db.session.execute(stmt.execution_options(preserve_rowcount=True)).rowcount


def _raise_alerts(level: int, due_before: datetime, now: datetime) -> int:
    already = select(DeadlineAlert.id).where(
        DeadlineAlert.deadline_id == Deadline.id, DeadlineAlert.level == level
    ).exists()
    missed = (
        select(Deadline.id, literal(level), literal(now, UTCDateTime))
        .where(Deadline.done_at.is_(None), Deadline.due_at <= due_before, ~already)
        .order_by(Deadline.id)  # same lock order in concurrent sweeps: no deadlock
    )
    stmt = _insert(DeadlineAlert).from_select(["deadline_id", "level", "raised_at"], missed)
    return _inserted(stmt.on_conflict_do_nothing())


def _nearest_managers():
    """(owner_id, manager_id): the active managers of the owner's team or, if it has none,
    of the nearest parent team that has one; an owner is never their own manager."""
    up = select(Team.id.label("team_id"), Team.id.label("ancestor_id"),
                literal(0).label("depth")).cte("team_up", recursive=True, nesting=True)
    parent = aliased(Team)
    up = up.union_all(
        select(up.c.team_id, parent.parent_id, up.c.depth + 1)
        .join(parent, parent.id == up.c.ancestor_id)
        .where(parent.parent_id.is_not(None))
    )
    owner, manager = aliased(User), aliased(User)
    candidates = (
        select(owner.id.label("owner_id"), manager.id.label("manager_id"), up.c.depth)
        .join(up, up.c.team_id == owner.team_id)
        .join(manager, manager.team_id == up.c.ancestor_id)
        .join(UserRole, and_(UserRole.user_id == manager.id, UserRole.role == "manager"))
        .where(manager.active, manager.id != owner.id)
        .cte("manager_candidates", nesting=True)
    )
    nearest = (
        select(candidates.c.owner_id, func.min(candidates.c.depth).label("depth"))
        .group_by(candidates.c.owner_id).cte("nearest_depth", nesting=True)
    )
    return (
        select(candidates.c.owner_id, candidates.c.manager_id)
        .join(nearest, and_(nearest.c.owner_id == candidates.c.owner_id,
                            nearest.c.depth == candidates.c.depth))
        .subquery("escalation")
    )


def _notify(level: int, now: datetime) -> int:
    """One notification per alert raised at `now` and recipient (UNIQUE(alert_id, user_id))."""
    if level == OWNER:
        recipients = select(User.id.label("owner_id"), User.id.label("user_id")).where(
            User.active).subquery("recipients")
    else:
        esc = _nearest_managers()
        recipients = select(esc.c.owner_id, esc.c.manager_id.label("user_id")).subquery(
            "recipients")
    rows = (
        select(recipients.c.user_id, literal(NOTIFICATION_KIND[level]), Deadline.subject_type,
               Deadline.subject_id, Deadline.kind, Deadline.due_at, Deadline.owner_id,
               DeadlineAlert.id, literal(now, UTCDateTime))
        .select_from(DeadlineAlert)
        .join(Deadline, Deadline.id == DeadlineAlert.deadline_id)
        .join(recipients, recipients.c.owner_id == Deadline.owner_id)
        .where(DeadlineAlert.raised_at == now, DeadlineAlert.level == level)
        .order_by(DeadlineAlert.id, recipients.c.user_id)
    )
    columns = ["user_id", "kind", "subject_type", "subject_id", "deadline_kind", "due_at",
               "about_user_id", "alert_id", "created_at"]
    stmt = _insert(Notification).from_select(columns, rows).on_conflict_do_nothing()
    return _inserted(stmt)


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Raise every missed alert up to `now` (no commit: the caller's transaction holds it all).

    Level 1 tells the owner as soon as an open deadline is past due; level 2 tells the owner's
    nearest manager once it is still open `escalation_delay_hours` after it was due."""
    now = now or utcnow()
    delay = timedelta(hours=get_setting("escalation_delay_hours"))
    overdue = _raise_alerts(OWNER, now, now)
    notified = _notify(OWNER, now) if overdue else 0
    escalated = _raise_alerts(MANAGER, now - delay, now)
    notified += _notify(MANAGER, now) if escalated else 0
    return {"overdue": overdue, "escalated": escalated, "notified": notified}
