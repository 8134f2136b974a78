"""What the sales domain adds to customers: timeline events (deals, their stage moves,
contracts) and the lists on the customer's page (leads, deals, contracts),
one bounded query each."""

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from crm.auth.scopes import visible
from crm.contracts.models import Contract
from crm.customers import services as customers
from crm.customers.services import (
    TIMELINE_LIMIT,
    RelatedList,
    RelatedRow,
    TimelineEvent,
    newest_before,
)
from crm.extensions import db
from crm.sales.access import DEAL_READER_ROLES, SELLER_ROLES
from crm.sales.models import Deal, FunnelStage, Lead, StageChange
from crm.web.formatting import money


def _deal_events(customer_id: int, before: datetime | None = None,
                 limit: int = TIMELINE_LIMIT) -> list[TimelineEvent]:
    stmt = newest_before(
        select(Deal).options(joinedload(Deal.owner)).where(Deal.customer_id == customer_id),
        Deal.created_at, Deal.id, before, limit)
    return [TimelineEvent(d.created_at, "deal", _("Deal %(title)s created", title=d.title),
                          d.owner.name, url_for("deals.show", deal_id=d.id), d.id)
            for d in db.session.scalars(stmt)]


def _stage_events(customer_id: int, before: datetime | None = None,
                  limit: int = TIMELINE_LIMIT) -> list[TimelineEvent]:
    old_stage, new_stage = aliased(FunnelStage), aliased(FunnelStage)
    stmt = newest_before(
        select(StageChange, Deal.title, old_stage, new_stage)
            .join(Deal, Deal.id == StageChange.deal_id)
            .outerjoin(old_stage, old_stage.id == StageChange.from_stage_id)
            .join(new_stage, new_stage.id == StageChange.to_stage_id)
            .options(joinedload(StageChange.user))
            .where(Deal.customer_id == customer_id, StageChange.from_stage_id.is_not(None)),
        StageChange.at, StageChange.id, before, limit)
    return [TimelineEvent(change.at, "stage", f"{title}: {old.label} → {new.label}",
                          change.user.name if change.user else None,
                          url_for("deals.show", deal_id=change.deal_id), change.id)
            for change, title, old, new in db.session.execute(stmt)]


def _contract_events(customer_id: int, before: datetime | None = None,
                     limit: int = TIMELINE_LIMIT) -> list[TimelineEvent]:
    stmt = newest_before(
        visible(Contract).options(joinedload(Contract.owner))
            .where(Contract.customer_id == customer_id),
        Contract.created_at, Contract.id, before, limit)
    return [TimelineEvent(c.created_at, "contract",
                          _("Contract signed: %(price)s", price=money(c.price)), c.owner.name,
                          url_for("contracts.show", contract_id=c.id), c.id)
            for c in db.session.scalars(stmt)]


RELATED_LIMIT = 20


def _latest(model, customer_id: int, endpoint: str) -> tuple[list, str | None]:
    """The customer's latest visible records of `model` (with their owner), and the full
    list's URL when there are more than RELATED_LIMIT."""
    found = list(db.session.scalars(
        visible(model).options(joinedload(model.owner)).where(model.customer_id == customer_id)
        .order_by(model.id.desc()).limit(RELATED_LIMIT + 1)))
    more = url_for(endpoint, customer=customer_id) if len(found) > RELATED_LIMIT else None
    return found[:RELATED_LIMIT], more


def _related_leads(customer_id: int) -> RelatedList | None:
    if not current_user.has_role(*SELLER_ROLES):
        return None
    leads, more = _latest(Lead, customer_id, "leads.index")
    rows = [RelatedRow(lead.company_name, url_for("leads.show", lead_id=lead.id),
                       lead.stage.label, None, lead.created_at,
                       lead.owner.name if lead.owner else _("Shared pool")) for lead in leads]
    return RelatedList(_("Leads"), _("Created"), rows, more)


def _related_deals(customer_id: int) -> RelatedList | None:
    if not current_user.has_role(*DEAL_READER_ROLES):
        return None
    found, more = _latest(Deal, customer_id, "deals.index")
    rows = [RelatedRow(d.title, url_for("deals.show", deal_id=d.id), d.stage.label,
                       d.expected_value, d.close_date, d.owner.name) for d in found]
    return RelatedList(_("Deals"), _("Expected close date"), rows, more)


def _related_contracts(customer_id: int) -> RelatedList | None:
    if not current_user.has_role(*DEAL_READER_ROLES):
        return None
    found = db.session.execute(
        visible(Contract).add_columns(Deal.title).join(Deal, Deal.id == Contract.deal_id)
        .options(joinedload(Contract.owner)).where(Contract.customer_id == customer_id)
        .order_by(Contract.id.desc()).limit(RELATED_LIMIT)).all()
    rows = [RelatedRow(f"{c.number} · {title}", url_for("contracts.show", contract_id=c.id),
                       None, c.price, c.signed_at, c.owner.name) for c, title in found]
    return RelatedList(_("Contracts"), _("Signed on"), rows)


def register() -> None:
    customers.register_timeline_source("deal", _l("Deals"), _deal_events)
    customers.register_timeline_source("stage", _l("Stage changes"), _stage_events)
    customers.register_timeline_source("contract", _l("Signed contracts"), _contract_events)
    for source in (_related_leads, _related_deals, _related_contracts):
        if source not in customers.RELATED_SOURCES:
            customers.RELATED_SOURCES.append(source)
