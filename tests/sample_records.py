"""Records owned by the rep zhangwei (and a campaign of the marketing specialist machao), for
tests that open every record page per role."""

from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from crm.auth.models import User
from crm.campaigns import phases
from crm.campaigns import services as campaigns
from crm.campaigns.models import Campaign, CampaignPhase, CampaignRequest
from crm.customers import services as customers
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales import deals, products
from crm.sales import leads as sales
from crm.sales.models import Deal, Lead, Product

SAMPLE_NAME = "样例精密机械有限公司"
SAMPLE_CAMPAIGN = "样例春季促销"
APPROVED_CAMPAIGN = "样例秋季展会"


def sample_records(app) -> dict:
    """Ids of zhangwei's sample records (created on first call): the URL args of record
    routes in the access matrix."""
    with app.app_context():
        owner = db.session.scalar(select(User.id).where(User.username == "zhangwei"))
        first = db.session.scalar(select(Customer).where(Customer.name == SAMPLE_NAME))
        if first is None:
            first = customers.save_customer(None, {"name": SAMPLE_NAME, "owner_id": owner})
            customers.save_contact(None, first.id, {"name": "王芳", "mobile": "13800138000"})
            customers.save_customer(None, {"name": "样例第二客户", "owner_id": owner})
            lead = sales.save_lead(None, {"company_name": SAMPLE_NAME, "source": "referral"},
                                   owner_id=owner)
            deals.convert_lead(lead)
            db.session.commit()
        second = db.session.scalar(select(Customer.id).where(Customer.name == "样例第二客户"))
        lead = db.session.scalar(select(Lead.id).where(Lead.company_name == SAMPLE_NAME))
        return {"customer_id": first.id, "contact_id": first.contacts[0].id,
                "drop_id": second, "lead_id": lead,
                "deal_id": db.session.scalar(select(Deal.id).where(Deal.lead_id == lead)),
                "product_id": _sample_product(), **_sample_campaign()}


def _sample_campaign() -> dict:
    """Two campaigns of machao's (市场部): one whose budget the supervisor rejected (it may be
    edited and submitted again), one approved (costs may be recorded) with a purchase that
    waits for the department head (gaoyan) and the minutes of its kickoff."""
    with current_app.test_request_context():  # the decisions notify in the user's language
        found = dict(db.session.execute(select(Campaign.name, Campaign.id).where(
            Campaign.name.in_((SAMPLE_CAMPAIGN, APPROVED_CAMPAIGN)))).all())
        if not found:
            found = {name: _decided_campaign(name, approve).id
                     for name, approve in ((SAMPLE_CAMPAIGN, False), (APPROVED_CAMPAIGN, True))}
            db.session.commit()
        requests = dict(db.session.execute(select(CampaignRequest.campaign_id,
                                                  CampaignRequest.id)).all())
        phase, minutes = db.session.execute(select(CampaignPhase.id, CampaignPhase.minutes_id)
                                            .where(CampaignPhase.kind == "kickoff")).first()
    return {"campaign_id": found[SAMPLE_CAMPAIGN], "request_id": requests[found[SAMPLE_CAMPAIGN]],
            "approved_campaign_id": found[APPROVED_CAMPAIGN],
            "purchase_id": requests[found[APPROVED_CAMPAIGN]], "phase_id": phase,
            "minutes_id": minutes}


def _decided_campaign(name: str, approve: bool) -> Campaign:
    author, supervisor = (db.session.scalar(select(User).where(User.username == username))
                          for username in ("machao", "gaoyan"))
    campaign = campaigns.save_campaign(None, {
        "name": name, "kind": "seasonal", "starts_on": date(2026, 3, 1),
        "ends_on": date(2026, 3, 31), "department_id": author.team_id,
        "budget": Decimal("1000"), "goal_leads": 10, "goal_deals": 2,
        "goal_revenue": Decimal("100000"), "note": None}, author)
    request = campaigns.submit(campaign, author)
    campaigns.decide(request, supervisor, approve, None if approve else "预算需细化")
    if approve:  # a purchase waiting for the department head, the kickoff's minutes
        campaigns.add_cost(campaign, {"what": "展台搭建", "amount": Decimal("800"),
                                      "spent_on": date(2026, 3, 2), "is_purchase": True}, author)
        kickoff = phases.phases_of(campaign.id)[0]
        phases.record_minutes(campaign, kickoff, {
            "held_on": date(2026, 2, 20), "title": "样例启动会", "topics": "目标",
            "decisions": "分工", "record": None}, [], author)
    return campaign


def _sample_product() -> int:
    found = db.session.scalar(select(Product.id).where(Product.name == "样例产品"))
    if found is None:
        found = products.save_product(None, {"name": "样例产品", "kind": "product",
                                             "price": 100}, []).id
        db.session.commit()
    return found
