"""What the home page shows: the user's day (agenda, open deals, deals closing this month, leads
about to return to the pool, notifications), and for managers and directors the same for their
team, rep by rep (R-12, R-40). Each figure is one grouped query over the rows the user may see,
whatever their number."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import case, func, select, true
from sqlalchemy.orm import joinedload

from crm.auth.models import User
from crm.auth.scopes import assignable_owners, owners_seen, visible, visible_filter
from crm.base import utcnow
from crm.deadlines.models import Deadline
from crm.extensions import db
from crm.followups.services import end_of_today
from crm.notifications import services as notifications
from crm.notifications.models import Notification
from crm.sales import funnel
from crm.sales.access import SELLER_ROLES
from crm.sales.leads import returning_soon
from crm.sales.models import Deal, DealStageTotal, Lead, lead_last_touch
from crm.settings.services import get_setting
from crm.web.i18n import this_month

LIST_LENGTH = 5  # deals closing, leads returning, notifications
REP_ROWS = 30  # a director's team table shows the reps that need a look first
ZERO = Decimal("0")


@dataclass
class Figures:
    """One person's (or the whole team's) numbers."""

    overdue: int = 0
    today: int = 0
    stages: dict[int, list] = field(default_factory=dict)  # stage id -> [deals, amount]
    closing: list = field(default_factory=lambda: [0, ZERO])  # deals, amount
    returning: int = 0

    def stage(self, stage_id: int) -> list:
        return self.stages.setdefault(stage_id, [0, ZERO])

    @property
    def open_deals(self) -> list:
        return [sum(n for n, _a in self.stages.values()),
                sum((a for _n, a in self.stages.values()), ZERO)]

    def add(self, other: "Figures") -> None:
        self.overdue += other.overdue
        self.today += other.today
        for stage_id, (n, amount) in other.stages.items():
            mine = self.stage(stage_id)
            mine[0] += n
            mine[1] += amount
        self.closing = [self.closing[0] + other.closing[0], self.closing[1] + other.closing[1]]
        self.returning += other.returning

    @property
    def attention(self) -> tuple:
        """Who needs a look first: overdue work, then what is due today, then the pipeline."""
        return (-self.overdue, -self.today, -self.open_deals[1])


@dataclass
class Home:
    sells: bool  # deals and leads are the user's work
    team: bool  # a manager's or director's page
    total: Figures
    reps: list[tuple[User, Figures]]
    reps_hidden: int
    closing: list[Deal]
    returning: list[Lead]
    notes: list
    unread: int


def _seen(column, owners: list[int] | None):
    """Rows of the owners the user sees (see `scopes.owners_seen`)."""
    return true() if owners is None else column.in_(owners)


def _agenda_by_owner(owners, zone, now: datetime) -> dict[int, Figures]:
    """Open deadlines overdue and due later today, per owner."""
    stmt = (select(Deadline.owner_id, func.sum(case((Deadline.due_at < now, 1), else_=0)),
                   func.sum(case((Deadline.due_at >= now, 1), else_=0)))
            .where(_seen(Deadline.owner_id, owners), Deadline.done_at.is_(None),
                   Deadline.due_at < end_of_today(zone, now))
            .group_by(Deadline.owner_id))
    return {owner_id: Figures(overdue=int(overdue), today=int(today))
            for owner_id, overdue, today in db.session.execute(stmt)}


def _sales_by_owner(owners, now: datetime, figures: dict[int, Figures]) -> None:
    """Open deals per stage, deals closing this month, leads returning soon, per owner."""

    def of(owner_id: int) -> Figures:
        return figures.setdefault(owner_id, Figures())

    open_ids = [s.id for s in funnel.board_stages() if s.is_open]
    for owner_id, stage_id, n, amount in db.session.execute(
            select(DealStageTotal.owner_id, DealStageTotal.stage_id, DealStageTotal.deals,
                   DealStageTotal.amount)
            .where(_seen(DealStageTotal.owner_id, owners), DealStageTotal.stage_id.in_(open_ids))):
        of(owner_id).stages[stage_id] = [int(n), Decimal(amount or 0)]
    first, last = this_month()
    for owner_id, n, amount in db.session.execute(
            select(Deal.owner_id, func.count(), func.coalesce(func.sum(Deal.expected_value), 0))
            .where(_seen(Deal.owner_id, owners), Deal.stage_id.in_(open_ids),
                   Deal.close_date.between(first, last))
            .group_by(Deal.owner_id)):
        of(owner_id).closing = [int(n), Decimal(amount)]
    for owner_id, n in db.session.execute(
            select(Lead.owner_id, func.count())
            .where(_seen(Lead.owner_id, owners), *returning_soon(now)).group_by(Lead.owner_id)):
        of(owner_id).returning = int(n)


def _first(model, user: User, clauses, order_by: list, options) -> list:
    """The first LIST_LENGTH visible rows: their ids picked on the table alone (a join under
    the sort makes the database sort joined rows), then the rows loaded with `options`."""
    ids = (select(model.id).where(visible_filter(model, user), *clauses).order_by(*order_by)
           .limit(LIST_LENGTH).subquery())
    return list(db.session.scalars(select(model).join(ids, ids.c.id == model.id)
                                   .options(*options).order_by(*order_by)))


def _closing(user: User) -> list[Deal]:
    first, last = this_month()
    open_ids = [s.id for s in funnel.board_stages() if s.is_open]
    return _first(Deal, user, [Deal.stage_id.in_(open_ids), Deal.close_date.between(first, last)],
                  [Deal.close_date, Deal.id],
                  [joinedload(Deal.customer), joinedload(Deal.owner)])


def _returning(user: User, now: datetime) -> list[Lead]:
    return _first(Lead, user, returning_soon(now), [lead_last_touch(), Lead.id],
                  [joinedload(Lead.owner)])


def build_home(user: User, zone) -> Home:
    now = utcnow()
    sells = user.has_role(*SELLER_ROLES)
    team = user.has_role("manager", "director", "admin")
    owners = owners_seen(user)
    figures = _agenda_by_owner(owners, zone, now)
    if sells:
        _sales_by_owner(owners, now, figures)
    total = Figures()
    for numbers in figures.values():
        total.add(numbers)
    reps = []
    if team and sells:
        reps = sorted(((rep, figures.get(rep.id, Figures())) for rep in assignable_owners(user)),
                      key=lambda pair: pair[1].attention)
    notes = db.session.scalars(visible(Notification, user)
                               .options(joinedload(Notification.about_user))
                               .order_by(Notification.id.desc()).limit(LIST_LENGTH)).all()
    return Home(sells=sells, team=team, total=total, reps=reps[:REP_ROWS],
                reps_hidden=max(len(reps) - REP_ROWS, 0),
                closing=_closing(user) if sells else [],
                returning=_returning(user, now) if sells else [],
                notes=notifications.shown(notes, user),
                unread=notifications.unread_count(user.id))


def days_left(lead: Lead, now: datetime | None = None) -> int:
    """Days until the lead goes back to the pool (0: at the next daily run)."""
    touched = lead.last_followup_at or lead.assigned_at or lead.created_at
    age = ((now or utcnow()) - touched).days
    return max(get_setting("pool_return_days") - age, 0)
