"""Use cases of deals: save with lines, move on the board, inline edits, signing (R-15, R-19),
and turning a lead into a deal. No commits here."""

from datetime import date
from decimal import Decimal

from flask import has_request_context
from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.auth.scopes import visible_filter
from crm.base import utcnow
from crm.contracts import services as contracts
from crm.contracts.models import Contract
from crm.customers import services as customers
from crm.customers.identity import normalise_name, short_name
from crm.customers.models import Customer
from crm.errors import DomainError
from crm.extensions import db
from crm.sales import funnel
from crm.sales.leads import record_stage_change
from crm.sales.models import Deal, DealLine, DealStageTotal, FunnelStage, Lead, StageChange
from crm.web.forms import MONEY_MAX

DEAL_FIELDS = ("title", "customer_id", "owner_id", "expected_value", "close_date", "channel",
               "dealer_id", "solution_spec", "delivery_cycle", "service_commitment")
INLINE_FIELDS = ("expected_value", "close_date")


def save_deal(deal: Deal | None, values: dict, lines: list[dict] | None = None, *,
              record_start: bool = True) -> Deal:
    """Create (deal None, or a new Deal not yet added) or edit a deal. A new deal's first stage
    is recorded unless it continues its lead's history (`record_start=False`)."""
    deal = deal or Deal(stage_id=funnel.stage("potential").id)
    is_new = deal.id is None
    for key in DEAL_FIELDS:
        if key in values:
            value = values[key]
            setattr(deal, key, (value.strip() or None) if isinstance(value, str) else value)
    if not deal.title:
        raise DomainError(_("Enter a title."), "title")
    if deal.dealer_id:  # sold by a dealer: the dealer channel
        deal.channel = "dealer"
    if lines is not None:
        deal.lines = [DealLine(**line) for line in lines]
        if deal.lines_total > MONEY_MAX:
            raise DomainError(_("The lines add up to more than %(max)s.", max=f"{MONEY_MAX:,}"),
                             "expected_value")
    if deal.expected_value in (None, Decimal("0")) and deal.lines:
        deal.expected_value = deal.lines_total
    customer_name = db.session.scalar(select(Customer.name).where(
        Customer.id == deal.customer_id))
    deal.refresh_keys(customer_name or "")
    db.session.add(deal)
    db.session.flush()
    if is_new and record_start:
        record_stage_change(deal_id=deal.id, from_stage_id=None, to_stage_id=deal.stage_id)
    return deal


def move_deal(deal: Deal, stage: FunnelStage, lost_reason_id: int | None = None) -> int | None:
    """Move a deal (and the lead it came from) to an open or lost stage; returns the stage it
    left, or None when nothing moved. Winning goes through `sign_deal`; a signed deal keeps
    its contract and stays signed."""
    if stage.id == deal.stage_id:
        return None
    if stage.is_won:
        raise DomainError(_("A deal is signed with the signing form."), "stage_id")
    if deal.stage.is_won:
        raise DomainError(_("A signed deal stays signed: its contract is on record."), "stage_id")
    if stage.is_lost and not funnel.is_lost_reason(lost_reason_id):
        raise DomainError(_("Choose why the deal was lost."), "lost_reason_id")
    return _set_stage(deal, stage, lost_reason_id if stage.is_lost else None)


def _set_stage(deal: Deal, stage: FunnelStage, lost_reason_id: int | None) -> int:
    previous = deal.stage_id
    record_stage_change(lead_id=deal.lead_id, deal_id=deal.id, from_stage_id=previous,
                        to_stage_id=stage.id, lost_reason_id=lost_reason_id)
    deal.stage_id, deal.lost_reason_id = stage.id, lost_reason_id
    if deal.lead_id:
        lead = db.session.get(Lead, deal.lead_id)
        lead.stage_id, lead.lost_reason_id = stage.id, lost_reason_id
        lead.last_followup_at = utcnow()  # working the deal keeps the lead out of the pool
    db.session.flush()
    return previous


def sign_deal(deal: Deal, *, price: Decimal, payment_method: str, payment_terms: str,
              breach_liability: str, signed_at: date) -> Contract:
    """R-15: signing records the contract and moves the deal to the won stage."""
    if deal.stage.is_won:
        raise DomainError(_("This deal is already signed."))
    won = next(s for s in funnel.stages() if s.is_won)
    _set_stage(deal, won, None)
    return contracts.record_signed_contract(
        deal, price=price, payment_method=payment_method, payment_terms=payment_terms,
        breach_liability=breach_liability, signed_at=signed_at)


def set_inline(deal: Deal, field: str, value) -> None:
    if field not in INLINE_FIELDS:
        raise DomainError(_("This field cannot be edited here."))
    setattr(deal, field, value)
    db.session.flush()


def suggest_title(company_name: str, today: date) -> str:
    """A deal's title says more than the customer's name (the card shows that already);
    outside a request (seeds, scripts) without words to translate."""
    company, month = short_name(company_name), today.strftime("%Y-%m")
    if not has_request_context():
        return f"{company} · {month}"
    return _("%(company)s deal %(month)s", company=company, month=month)


def convert_lead(lead: Lead, values: dict | None = None, lines: list[dict] | None = None,
                 today: date | None = None) -> Deal:
    """Turn a lead into a deal linked to the lead's customer: the one already linked, else the
    owner's customer of the same normalised name, else a new one. The deal starts at the
    lead's stage while that is open, else at the first stage: it is signed only through the
    signing form (R-15) and moves from then on are recorded for both."""
    if lead.owner_id is None:
        raise DomainError(_("Claim the lead before making a deal of it."))
    lead.customer_id = lead.customer_id or _lead_customer(lead)
    start = lead.stage if lead.stage.is_open else funnel.stage("potential")
    values = {"title": suggest_title(lead.company_name, today or date.today()),
              "customer_id": lead.customer_id, "owner_id": lead.owner_id,
              "channel": "dealer" if lead.source == "dealer" or lead.dealer_id else "direct",
              "dealer_id": lead.dealer_id, **(values or {})}
    deal = Deal(lead_id=lead.id, stage_id=start.id)
    if start.id != lead.stage_id:  # a closed lead reopens with its new deal
        record_stage_change(lead_id=lead.id, from_stage_id=lead.stage_id, to_stage_id=start.id)
        lead.stage_id, lead.lost_reason_id = start.id, None
    return save_deal(deal, values, lines, record_start=False)


def _lead_customer(lead: Lead) -> int:
    customer_id = owners_customer_named(lead.owner_id, lead.company_name)
    if customer_id is None:
        customer_id = customers.save_customer(None, {
            "name": lead.company_name, "source": lead.source, "grade": lead.grade,
            "owner_id": lead.owner_id, "phone": lead.contact_phone,
            "dealer_id": lead.dealer_id}).id
        if lead.contact_name:
            customers.save_contact(None, customer_id, {"name": lead.contact_name,
                                                       "mobile": lead.contact_phone})
    return customer_id


def owners_customer_named(owner_id: int, company_name: str) -> int | None:
    """The owner's customer whose name normalises like `company_name`: the one a lead of
    that company joins when it becomes a deal."""
    return db.session.scalar(
        select(Customer.id).where(Customer.owner_id == owner_id,
                                  Customer.normalised_name == normalise_name(company_name))
        .order_by(Customer.id).limit(1))


def deal_history(deal: Deal) -> list[StageChange]:
    """The deal's moves, with the moves of its lead before the deal existed."""
    clause = StageChange.deal_id == deal.id
    if deal.lead_id:
        clause = clause | ((StageChange.lead_id == deal.lead_id) & StageChange.deal_id.is_(None))
    return list(db.session.scalars(select(StageChange).where(clause).order_by(StageChange.id)))


def stage_totals(*scope) -> dict[int, tuple[int, Decimal]]:
    """Per stage: number and expected value of the deals the user may see (narrowed by
    `scope`, conditions on the owner), summed over the per-owner totals the database keeps
    (one grouped query over owners × stages)."""
    rows = db.session.execute(
        select(DealStageTotal.stage_id, func.sum(DealStageTotal.deals),
               func.coalesce(func.sum(DealStageTotal.amount), 0))
        .where(visible_filter(DealStageTotal), *scope).group_by(DealStageTotal.stage_id))
    return {stage_id: (int(n), Decimal(total)) for stage_id, n, total in rows}
