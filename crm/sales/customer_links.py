"""What the sales domain adds to a customer's timeline: deals, their stage moves and contracts,
one bounded query each."""

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from crm.contracts.models import Contract
from crm.customers import services as customers
from crm.customers.services import TIMELINE_LIMIT, TimelineEvent
from crm.extensions import db
from crm.sales.models import Deal, FunnelStage, StageChange
from crm.web.formatting import money


def _deal_events(customer_id: int) -> list[TimelineEvent]:
    deals = db.session.scalars(
        select(Deal).options(joinedload(Deal.owner)).where(Deal.customer_id == customer_id)
        .order_by(Deal.id.desc()).limit(TIMELINE_LIMIT))
    return [TimelineEvent(d.created_at, "deal", _("Deal %(title)s created", title=d.title),
                          d.owner.name, url_for("deals.show", deal_id=d.id)) for d in deals]


def _stage_events(customer_id: int) -> list[TimelineEvent]:
    before, after = aliased(FunnelStage), aliased(FunnelStage)
    rows = db.session.execute(
        select(StageChange, Deal.title, before, after)
        .join(Deal, Deal.id == StageChange.deal_id)
        .outerjoin(before, before.id == StageChange.from_stage_id)
        .join(after, after.id == StageChange.to_stage_id)
        .options(joinedload(StageChange.user))
        .where(Deal.customer_id == customer_id, StageChange.from_stage_id.is_not(None))
        .order_by(StageChange.id.desc()).limit(TIMELINE_LIMIT))
    return [TimelineEvent(change.at, "stage", f"{title}: {old.label} → {new.label}",
                          change.user.name if change.user else None,
                          url_for("deals.show", deal_id=change.deal_id))
            for change, title, old, new in rows]


def _contract_events(customer_id: int) -> list[TimelineEvent]:
    contracts = db.session.scalars(
        select(Contract).options(joinedload(Contract.owner))
        .where(Contract.customer_id == customer_id)
        .order_by(Contract.id.desc()).limit(TIMELINE_LIMIT))
    return [TimelineEvent(c.created_at, "contract",
                          _("Contract signed: %(price)s", price=money(c.price)), c.owner.name,
                          url_for("deals.show", deal_id=c.deal_id) + "#contract")
            for c in contracts]


def register() -> None:
    for source in (_deal_events, _stage_events, _contract_events):
        if source not in customers.TIMELINE_SOURCES:
            customers.TIMELINE_SOURCES.append(source)
