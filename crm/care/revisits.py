"""Use cases of revisits (R-31): the delivery of a contract schedules the acceptance revisit
(`first_revisit_days` after delivery); logging it schedules the first routine revisit and
the first in-depth interview, and logging one of those the next of its series
(`routine_revisit_days`, `deep_interview_days`). Each lands on the agent's next working day
and is a deadline row due at the end of that day. The unique (contract, series, number) keeps
each revisit once, however often a delivery is recorded or a log submitted. Nothing commits."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.audit.hooks import audit_created
from crm.auth.models import User
from crm.base import utcnow
from crm.care.archives import responsible_agent
from crm.care.models import (
    ACCEPTANCE,
    INTERVIEW,
    OUTCOMES,
    ROUTINE,
    SERIES,
    Revisit,
    ServiceArchive,
)
from crm.contracts.models import Contract
from crm.customers.services import TIMELINE_LIMIT, TimelineEvent, newest_before
from crm.deadlines import services as deadlines
from crm.deadlines.services import dialect_insert
from crm.errors import DomainError
from crm.extensions import db
from crm.followups.services import due_at
from crm.settings.services import get_setting

SUBJECT = "revisit"
CLOCK = "revisit"
CLOCK_LABEL = _l("Revisit")
ZONE = "Asia/Shanghai"  # the company's days (the due date is a local date)
INTERVALS = {ACCEPTANCE: "first_revisit_days", ROUTINE: "routine_revisit_days",
             INTERVIEW: "deep_interview_days"}
# What logging a revisit of a series schedules next.
NEXT = {ACCEPTANCE: (ROUTINE, INTERVIEW), ROUTINE: (ROUTINE,), INTERVIEW: (INTERVIEW,)}


def working_day(day: date, agent_id: int) -> date:
    """`day`, or the agent's next working day when it is not one (holidays, weekends)."""
    moment = deadlines.on_working_day(due_at(day, time(0, 0), ZONE), agent_id)
    return moment.astimezone(ZoneInfo(ZONE)).date()


def schedule(contract: Contract, series: str, number: int, base: date, agent_id: int
             ) -> Revisit | None:
    """The `number`-th revisit of `series`, the series' interval after `base`, on a working
    day, with its clock, audited; None when it exists already."""
    due_on = working_day(base + timedelta(days=get_setting(INTERVALS[series])), agent_id)
    now = utcnow()
    values = {"contract_id": contract.id, "customer_id": contract.customer_id,
              "agent_id": agent_id, "series": series, "number": number, "due_on": due_on,
              "feedback": "", "version": 1, "created_at": now, "updated_at": now}
    inserted = db.session.execute(
        dialect_insert(Revisit.__table__).values(values)
        .on_conflict_do_nothing(index_elements=["contract_id", "series", "number"])
        .returning(Revisit.__table__.c.id)).scalar()
    if inserted is None:
        return None
    audit_created(Revisit, inserted, values)
    deadlines.create(CLOCK, SUBJECT, inserted, agent_id, due_at(due_on, None, ZONE))
    return db.session.get(Revisit, inserted)


def agent_of(contract: Contract) -> int:
    """The agent of the contract's service archive, else the one an archive would get."""
    return db.session.scalar(select(ServiceArchive.agent_id).where(
        ServiceArchive.contract_id == contract.id)) or responsible_agent(contract)


def on_contract_delivered(contract: Contract, delivered_on: date, **_extra) -> None:
    """The blinker receiver of contract_delivered: the acceptance revisit (R-31)."""
    schedule(contract, ACCEPTANCE, 1, delivered_on, agent_of(contract))


@dataclass
class RevisitLog:
    outcome: str
    satisfaction: int | None
    feedback: str = ""
    product_id: int | None = None


def log_revisit(revisit: Revisit, values: RevisitLog, by: User,
                at: datetime | None = None) -> list[Revisit]:
    """Record how the revisit went, stop its clock and schedule what comes next in its
    series (from its due date, so the rhythm holds when a revisit is late). Returns the
    revisits scheduled."""
    if revisit.done_at is not None:
        raise DomainError(_("This revisit is logged already."))
    if values.outcome not in OUTCOMES:
        raise DomainError(_("Choose how the revisit went."), "outcome")
    if values.outcome != "unreachable" and values.satisfaction is None:
        raise DomainError(_("Enter the customer's satisfaction (1 to 5)."), "satisfaction")
    revisit.outcome, revisit.satisfaction = values.outcome, values.satisfaction
    revisit.feedback, revisit.product_id = values.feedback.strip(), values.product_id
    revisit.done_at, revisit.done_by_id = at or utcnow(), by.id
    deadlines.complete(CLOCK, SUBJECT, revisit.id, revisit.done_at)
    db.session.flush()
    following = []
    for series in NEXT[revisit.series]:
        number = revisit.number + 1 if series == revisit.series else 1
        if (found := schedule(revisit.contract, series, number, revisit.due_on,
                              revisit.agent_id)) is not None:
            following.append(found)
    return following


def title(revisit: Revisit) -> str:
    return str(SERIES[revisit.series])


def timeline_events(customer_id: int, before: datetime | None = None,
                    limit: int = TIMELINE_LIMIT) -> list[TimelineEvent]:
    """The customer's logged revisits, newest first: one query (ix_revisits_customer)."""
    stmt = newest_before(
        select(Revisit).options(joinedload(Revisit.agent))
            .where(Revisit.customer_id == customer_id, Revisit.done_at.is_not(None)),
        Revisit.done_at, Revisit.id, before, limit)
    return [TimelineEvent(r.done_at, "revisit", _event_text(r), r.agent.name,
                          url_for("revisits.show", revisit_id=r.id), r.id)
            for r in db.session.scalars(stmt)]


def _event_text(revisit: Revisit) -> str:
    """验收回访 · 一切正常 · 满意度 5/5: 设备运行稳定"""
    parts = [title(revisit), str(OUTCOMES.get(revisit.outcome, ""))]
    if revisit.satisfaction:
        parts.append(_("satisfaction %(n)s/5", n=revisit.satisfaction))
    text = " · ".join(parts)
    return f"{text}: {revisit.feedback}" if revisit.feedback else text
