"""Which campaign earned what (R-11, R-53): leads, signed deals and their revenue attributed to
the campaigns that touched each lead, against each campaign's actual costs.

A lead's credit (1 lead, 1 per signed deal, the signed price) goes, by model, all to the first
campaign that touched it, all to the last one, or in equal shares to each (linear). Shares are
cut in whole fen with the remainder going to the earliest touches, so each model's revenue
sums exactly to the signed revenue of the attributed deals. Costs are never shared: each cost
line counts once, for its own campaign."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from crm.base import utcnow
from crm.campaigns.models import Campaign, CampaignCost, CampaignTouch
from crm.contracts.models import Contract
from crm.extensions import db
from crm.sales.models import Deal, Lead

MODELS = {"first": _l("First touch"), "last": _l("Last touch"),
          "linear": _l("Linear (equal shares)")}
ZERO, ONE, CENT, RATIO = Decimal("0"), Decimal("1"), Decimal("0.01"), Decimal("0.0001")


def touch(lead_id: int, campaign_id: int, at: datetime | None = None) -> None:
    """The campaign reached the lead (once per pair: the first time counts)."""
    exists = db.session.scalar(select(CampaignTouch.id).where(
        CampaignTouch.lead_id == lead_id, CampaignTouch.campaign_id == campaign_id))
    if exists is None:
        db.session.add(CampaignTouch(lead_id=lead_id, campaign_id=campaign_id,
                                     touched_at=at or utcnow()))


def campaign_choices(current_id: int | None = None) -> list[tuple[int, str]]:
    """The campaigns a lead may come from: those approved and not yet closed, by name only
    (a seller picks one on the lead form without seeing its budget, R-11)."""
    stmt = (select(Campaign.id, Campaign.name)
            .where(or_(Campaign.status.in_(("approved", "running", "closing")),
                       Campaign.id == current_id))
            .order_by(Campaign.starts_on.desc()).limit(200))
    return [tuple(row) for row in db.session.execute(stmt)]


def split(amount: Decimal, parts: int) -> list[Decimal]:
    """`amount` in `parts` shares of whole fen that sum to it; the first shares take the rest."""
    cents = int((amount * 100).to_integral_value())
    base, rest = divmod(cents, parts)
    return [Decimal(base + (1 if i < rest else 0)) / 100 for i in range(parts)]


def shares(campaigns: list[int], model: str, amount: Decimal) -> list[tuple[int, Decimal]]:
    """`amount` shared among the campaigns that touched a lead (in touch order) by `model`."""
    if model == "first":
        return [(campaigns[0], amount)]
    if model == "last":
        return [(campaigns[-1], amount)]
    return list(zip(campaigns, split(amount, len(campaigns)), strict=True))


@dataclass
class Figures:
    cost: Decimal = ZERO
    leads: Decimal = ZERO
    deals: Decimal = ZERO
    revenue: Decimal = ZERO

    @property
    def roi(self) -> Decimal | None:
        """(revenue - cost) / cost, e.g. 1.5 for 150 %."""
        return ((self.revenue - self.cost) / self.cost).quantize(RATIO, ROUND_HALF_UP) \
            if self.cost else None

    @property
    def cost_per_lead(self) -> Decimal | None:
        return (self.cost / self.leads).quantize(CENT, ROUND_HALF_UP) if self.leads else None

    @property
    def cost_per_deal(self) -> Decimal | None:
        return (self.cost / self.deals).quantize(CENT, ROUND_HALF_UP) if self.deals else None


@dataclass
class Attribution:
    model: str
    by_campaign: dict[int, Figures] = field(default_factory=lambda: defaultdict(Figures))

    def of(self, campaign_id: int) -> Figures:
        return self.by_campaign[campaign_id]


def attribute(touches: dict[int, list[int]], signed: dict[int, list[Decimal]],
              costs: dict[int, Decimal], model: str) -> Attribution:
    """touches: lead -> the campaigns that touched it, in order; signed: lead -> the prices
    of its signed deals; costs: campaign -> its costs."""
    result = Attribution(model)
    for campaign_id, cost in costs.items():
        result.of(campaign_id).cost = cost
    for lead_id, campaigns in touches.items():
        for campaign_id, share in shares(campaigns, model, ONE):
            result.of(campaign_id).leads += share
        for price in signed.get(lead_id, ()):
            for campaign_id, share in shares(campaigns, model, ONE):
                result.of(campaign_id).deals += share
            for campaign_id, share in shares(campaigns, model, price):
                result.of(campaign_id).revenue += share
    return result


def for_campaigns(campaign_ids: Iterable[int], model: str) -> Attribution:
    """The figures of these campaigns, from every touch of the leads they reached (a lead's
    first or last touch may be another campaign's)."""
    campaign_ids = list(campaign_ids)
    reached = select(CampaignTouch.lead_id).where(CampaignTouch.campaign_id.in_(campaign_ids))
    touches: dict[int, list[int]] = defaultdict(list)
    for lead_id, campaign_id in db.session.execute(
            select(CampaignTouch.lead_id, CampaignTouch.campaign_id)
            .where(CampaignTouch.lead_id.in_(reached))
            .order_by(CampaignTouch.lead_id, CampaignTouch.touched_at, CampaignTouch.id)):
        touches[lead_id].append(campaign_id)
    signed: dict[int, list[Decimal]] = defaultdict(list)
    for lead_id, price in db.session.execute(
            select(Deal.lead_id, Contract.price).join(Contract, Contract.deal_id == Deal.id)
            .where(Deal.lead_id.in_(reached))):
        signed[lead_id].append(price)
    costs = dict(db.session.execute(
        select(CampaignCost.campaign_id, func.sum(CampaignCost.amount))
        .where(CampaignCost.campaign_id.in_(campaign_ids))
        .group_by(CampaignCost.campaign_id)).all())
    return attribute(touches, signed, {cid: Decimal(str(costs.get(cid) or 0))
                                       for cid in campaign_ids}, model)


def recent_leads(campaign_id: int, limit: int = 10) -> list[tuple[str, datetime]]:
    """The companies of the latest leads the campaign reached (names only: the leads stay
    visible to their sellers alone)."""
    stmt = (select(Lead.company_name, CampaignTouch.touched_at)
            .join(Lead, Lead.id == CampaignTouch.lead_id)
            .where(CampaignTouch.campaign_id == campaign_id)
            .order_by(CampaignTouch.touched_at.desc(), CampaignTouch.id.desc()).limit(limit))
    return [tuple(row) for row in db.session.execute(stmt)]


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    cost_width: float
    revenue_width: float
    cost: Decimal
    revenue: Decimal


BAR_ROW, BAR_AREA = 34, 560  # px per campaign, px of the longest bar


def chart(figures: list[tuple]) -> dict:
    """Cost and revenue bars per campaign, scaled to the largest figure (a server-drawn SVG)."""
    top = max((max(f.cost, f.revenue) for _c, f in figures), default=ZERO) or ONE
    bars = [Bar(campaign.name, i * BAR_ROW, float(f.cost / top * BAR_AREA),
                float(f.revenue / top * BAR_AREA), f.cost, f.revenue)
            for i, (campaign, f) in enumerate(figures)]
    return {"bars": bars, "height": max(len(bars), 1) * BAR_ROW + 30, "area": BAR_AREA}
