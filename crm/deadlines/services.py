"""The one place that writes deadlines and raises their alerts (R-41).

Domains create, move, complete and cancel their clocks here by (kind, subject); nobody else
writes alert logic. A clock of a kind with a duration is started with `start_clock`: its due
time is counted once, then, in calendar or working time (the owner's working calendar), and
again only when a pause ends, never in the sweep.

`sweep(now)` raises every missed alert with a few set-based statements per ladder step
(INSERT ... SELECT ... ON CONFLICT DO NOTHING against UNIQUE(deadline_id, level)), so running it
twice, or in two workers at once, raises each alert once; its notifications are written in the
same transaction, for newly raised alerts only. Paused clocks do not alert.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    and_,
    case,
    delete,
    func,
    literal,
    select,
    text,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlalchemy.schema import CreateTable

from crm.auth.models import Team, User, UserRole
from crm.base import UTCDateTime, utcnow
from crm.deadlines.calendars import calendar_id_for_user, calendar_value
from crm.deadlines.kinds import kind_spec
from crm.deadlines.models import Deadline, DeadlineAlert, DeadlinePause
from crm.deadlines.rules import MANAGER_ROLE, all_rules, rule_for, standard_ladder
from crm.deadlines.worktime import add_working, next_working_start, working_between
from crm.errors import DomainError
from crm.extensions import db
from crm.notifications.models import Notification

OWNER = 1  # the first alert level; escalation steps are 2, 3, ...


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


def due_after(kind: str, owner_id: int, start: datetime) -> tuple[datetime, int | None]:
    """When a clock of `kind` started at `start` falls due, and the working calendar it was
    counted in (None: calendar time)."""
    rule = rule_for(kind)
    if rule.minutes is None:
        raise ValueError(f"deadline kind {kind!r} has no duration")
    duration = timedelta(minutes=rule.minutes)
    calendar_id = calendar_id_for_user(owner_id) if rule.working else None
    if calendar_id is None:
        return start + duration, None
    return add_working(start, duration, calendar_value(calendar_id)), calendar_id


def start_clock(kind: str, subject_type: str | None, subject_id: int | None, owner_id: int,
                start: datetime | None = None) -> Deadline:
    """A clock of a kind with a duration (e.g. a complaint's 30 working minutes to respond)."""
    due_at, calendar_id = due_after(kind, owner_id, start or utcnow())
    deadline = create(kind, subject_type, subject_id, owner_id, due_at)
    deadline.calendar_id = calendar_id
    return deadline


def on_working_day(moment: datetime, owner_id: int) -> datetime:
    """A date-like clock (a revisit) moved to the owner's next working time, if it is not."""
    calendar_id = calendar_id_for_user(owner_id)
    return moment if calendar_id is None else next_working_start(moment,
                                                                 calendar_value(calendar_id))


def late(subject_type: str, record_id, now: datetime, *, paused_too: bool = True):
    """A list's filter "its clock has run out": the record's earliest open clock (a running
    one unless `paused_too`) is due before `now`. A scalar subquery, checked for each row on
    the open clocks' index: the list walks its own index in its order and stops at the page,
    where an EXISTS became a join over all the records, sorted before the page was cut."""
    stmt = select(func.min(Deadline.due_at)).where(
        Deadline.subject_type == subject_type, Deadline.subject_id == record_id,
        Deadline.done_at.is_(None))
    if not paused_too:
        stmt = stmt.where(Deadline.paused_at.is_(None))
    return stmt.scalar_subquery() < now


def pause(deadline: Deadline, user_id: int | None, reason: str,
          at: datetime | None = None) -> DeadlinePause:
    """Stop the clock (e.g. waiting for the customer): it neither counts nor alerts."""
    spec = kind_spec(deadline.kind)
    if spec is None or not spec.pausable:
        raise DomainError(_("This kind of clock cannot be paused."))
    if deadline.done_at is not None:
        raise DomainError(_("This clock has stopped: its work is done."))
    if deadline.paused_at is not None:
        raise DomainError(_("This clock is already paused."))
    at = at or utcnow()
    deadline.paused_at = at
    row = DeadlinePause(deadline_id=deadline.id, paused_at=at, paused_by_id=user_id,
                        reason=reason.strip()[:200])
    db.session.add(row)
    db.session.flush()
    return row


def paused_time(deadline: Deadline, start: datetime, end: datetime) -> timedelta:
    """How much of the clock's time passed from `start` to `end`: working time when it counts
    working time, else all of it."""
    if deadline.calendar_id is None:
        return end - start
    return working_between(start, end, calendar_value(deadline.calendar_id))


def resume(deadline: Deadline, user_id: int | None, at: datetime | None = None) -> DeadlinePause:
    """Restart the clock: its due time moves by the time it stood still (in its basis)."""
    if deadline.paused_at is None:
        raise DomainError(_("This clock is running."))
    at = max(at or utcnow(), deadline.paused_at)
    row = db.session.scalar(select(DeadlinePause).where(
        DeadlinePause.deadline_id == deadline.id, DeadlinePause.resumed_at.is_(None))
        .order_by(DeadlinePause.id.desc()).limit(1))
    stood = paused_time(deadline, deadline.paused_at, at)
    if deadline.calendar_id is None:
        deadline.due_at = deadline.due_at + stood
    else:
        deadline.due_at = add_working(deadline.due_at, stood,
                                      calendar_value(deadline.calendar_id))
    deadline.paused_at = None
    row.resumed_at, row.resumed_by_id = at, user_id
    row.counted_minutes = int(stood.total_seconds() // 60)
    db.session.flush()
    return row


def pauses(deadline_id: int) -> list[DeadlinePause]:
    return list(db.session.scalars(select(DeadlinePause).where(
        DeadlinePause.deadline_id == deadline_id).order_by(DeadlinePause.id)))


def dialect_insert(table):
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[db.session.get_bind().dialect.name]
    return dialect.insert(table)


def rows_inserted(stmt) -> int:
    """Run an INSERT ... SELECT and say how many rows it added."""
    return db.session.execute(stmt.execution_options(preserve_rowcount=True)).rowcount


@dataclass(frozen=True)
class _Group:
    """Ladder steps that can be raised by one statement: same level, recipients and delay."""

    level: int
    role: str | None  # None: the owner
    delay: timedelta
    kinds: tuple[str, ...] = ()  # only these kinds ...
    except_kinds: tuple[str, ...] | None = None  # ... or every kind but these


def _kind_filter(group: _Group):
    if group.except_kinds is not None:
        return Deadline.kind.not_in(group.except_kinds) if group.except_kinds else true()
    return Deadline.kind.in_(group.kinds)


def _groups() -> list[_Group]:
    """The owner's level for every kind, then each escalation step: the standard ladder for
    kinds without their own in one group, the kinds' own steps grouped by (level, role,
    delay). Few statements however many deadlines, a handful more per configured step."""
    rules = all_rules()
    own = sorted(k for k, r in rules.items() if not r.standard_ladder)
    groups = [_Group(OWNER, None, timedelta(0), except_kinds=())]
    for step in standard_ladder():
        groups.append(_Group(step.level, step.role, timedelta(minutes=step.delay_minutes),
                             except_kinds=tuple(own)))
    steps: dict[tuple, list[str]] = {}
    for kind in own:
        for step in rules[kind].ladder:
            steps.setdefault((step.level, step.role, step.delay_minutes), []).append(kind)
    for (level, role, delay), kinds in sorted(steps.items()):
        groups.append(_Group(level, role, timedelta(minutes=delay), kinds=tuple(kinds)))
    return groups


def _raise_alerts(group: _Group, now: datetime) -> int:
    already = select(DeadlineAlert.id).where(
        DeadlineAlert.deadline_id == Deadline.id, DeadlineAlert.level == group.level
    ).exists()
    missed = (
        select(Deadline.id, literal(group.level), literal(now, UTCDateTime))
        .where(Deadline.done_at.is_(None), Deadline.paused_at.is_(None),
               Deadline.due_at <= now - group.delay, _kind_filter(group), ~already)
        .order_by(Deadline.id)  # same lock order in concurrent sweeps: no deadlock
    )
    stmt = dialect_insert(DeadlineAlert).from_select(["deadline_id", "level", "raised_at"], missed)
    return rows_inserted(stmt.on_conflict_do_nothing())


OWNER_ROLE = ""  # in the recipients table: the owner is told of level 1


def _nearest_holders(role: str):
    """(role, owner_id, user_id): the active holders of `role` in the owner's team or, if it
    has none, in the nearest parent team that has one; an owner is never their own recipient.
    For roles other than manager (director, legal, ...), owners with no holder above them
    reach every active holder of the role."""
    up = select(Team.id.label("team_id"), Team.id.label("ancestor_id"),
                literal(0).label("depth")).cte("team_up", recursive=True, nesting=True)
    parent = aliased(Team)
    up = up.union_all(
        select(up.c.team_id, parent.parent_id, up.c.depth + 1)
        .join(parent, parent.id == up.c.ancestor_id)
        .where(parent.parent_id.is_not(None))
    )
    owner, holder = aliased(User), aliased(User)
    holds_role = and_(UserRole.user_id == holder.id, UserRole.role == role)
    candidates = (
        select(owner.id.label("owner_id"), holder.id.label("user_id"), up.c.depth)
        .join(up, up.c.team_id == owner.team_id)
        .join(holder, holder.team_id == up.c.ancestor_id)
        .join(UserRole, holds_role)
        .where(holder.active, holder.id != owner.id)
        .cte("holder_candidates", nesting=True)
    )
    nearest = (
        select(candidates.c.owner_id, func.min(candidates.c.depth).label("depth"))
        .group_by(candidates.c.owner_id).cte("nearest_depth", nesting=True)
    )
    found = (
        select(literal(role).label("role"), candidates.c.owner_id, candidates.c.user_id)
        .join(nearest, and_(nearest.c.owner_id == candidates.c.owner_id,
                            nearest.c.depth == candidates.c.depth))
    )
    if role != MANAGER_ROLE:
        found = found.union_all(
            select(literal(role), owner.id, holder.id).select_from(owner).join(holder, true())
            .join(UserRole, holds_role)
            .where(holder.active, holder.id != owner.id,
                   owner.id.not_in(select(candidates.c.owner_id))))
    return found


# Who hears of an alert: (role, owner, recipient) for the owner's level and every role of the
# ladders, a few hundred rows worked out once per sweep in the session's temporary table,
# keyed by role and owner, and analyzed: joined from nested CTEs, a VALUES list or a table the
# planner knew nothing of, it expected one alert and rescanned every pair for each one (25 s
# for 50k alerts on PostgreSQL).
_RECIPIENTS = Table("sweep_recipients", MetaData(),
                    Column("role", String(20), primary_key=True),
                    Column("owner_id", Integer, primary_key=True),
                    Column("user_id", Integer, primary_key=True),
                    prefixes=["TEMPORARY"], postgresql_on_commit="DROP")


def _fill_recipients(roles: set[str]) -> None:
    """Four statements, whatever the number of roles."""
    owners = select(literal(OWNER_ROLE), User.id, User.id).where(User.active)
    holders = [select(_nearest_holders(role).subquery(f"holders_{i}"))
               for i, role in enumerate(sorted(roles))]
    db.session.execute(CreateTable(_RECIPIENTS, if_not_exists=True))
    db.session.execute(_RECIPIENTS.delete())
    db.session.execute(_RECIPIENTS.insert().from_select(["role", "owner_id", "user_id"],
                                                        union_all(owners, *holders)))
    db.session.execute(text(f"ANALYZE {_RECIPIENTS.name}"))


def _recipient_role(groups: list[_Group]):
    """SQL: the role told of an alert (of DeadlineAlert, on Deadline), by level and kind."""
    return case(*((and_(DeadlineAlert.level == g.level, _kind_filter(g)),
                   g.role if g.role is not None else OWNER_ROLE) for g in groups))


def _notify(groups: list[_Group], now: datetime, after_alert_id: int) -> int:
    """One notification per alert raised at `now` and recipient (UNIQUE(alert_id, user_id)),
    for every level in one statement. The alerts raised by this sweep are those after
    `after_alert_id` (the largest id before it): a walk of the primary key, no index on the
    time they were raised; each finds its deadline by key and its recipients by (role, owner).
    """
    _fill_recipients({g.role for g in groups if g.role is not None})
    recipients = _RECIPIENTS
    note_kind = case((DeadlineAlert.level == OWNER, "overdue"), else_="escalated")
    rows = (
        select(recipients.c.user_id, note_kind, Deadline.subject_type,
               Deadline.subject_id, Deadline.kind, Deadline.due_at, Deadline.owner_id,
               DeadlineAlert.id, literal(now, UTCDateTime))
        .select_from(DeadlineAlert)
        .join(Deadline, Deadline.id == DeadlineAlert.deadline_id)
        .join(recipients, and_(recipients.c.role == _recipient_role(groups),
                               recipients.c.owner_id == Deadline.owner_id))
        .where(DeadlineAlert.id > after_alert_id, DeadlineAlert.raised_at == now)
        .order_by(DeadlineAlert.id, recipients.c.user_id)  # an inbox in the order raised
    )
    columns = ["user_id", "kind", "subject_type", "subject_id", "deadline_kind", "due_at",
               "about_user_id", "alert_id", "created_at"]
    stmt = dialect_insert(Notification).from_select(columns, rows).on_conflict_do_nothing()
    return rows_inserted(stmt)


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Raise every missed alert up to `now` (no commit: the caller's transaction holds it all).

    Level 1 tells the owner as soon as a running, open deadline is past due; each further
    level of the kind's ladder tells its recipients once the deadline is still open that long
    after it was due (standard ladder: the nearest manager after `escalation_delay_hours`).
    The alerts are raised group by group, then all their notifications written at once (on
    SQLite a transaction must write before it reads the recipients, or a concurrent sweep's
    commit leaves it "database is locked")."""
    now = now or utcnow()
    counts = {"overdue": 0, "escalated": 0, "notified": 0}
    last_alert_id = db.session.scalar(select(func.coalesce(func.max(DeadlineAlert.id), 0)))
    groups = _groups()
    for group in groups:
        counts["overdue" if group.level == OWNER else "escalated"] += _raise_alerts(group, now)
    if counts["overdue"] or counts["escalated"]:
        counts["notified"] = _notify(groups, now, last_alert_id)
    return counts
