"""Records owned by the rep zhangwei (and a campaign of the marketing specialist machao), for
tests that open every record page per role."""

import io
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from crm.auth.models import User
from crm.base import utcnow
from crm.campaigns import phases
from crm.campaigns import services as campaigns
from crm.campaigns.models import Campaign, CampaignPhase, CampaignRequest
from crm.care import revisits
from crm.care.models import Revisit, ServiceArchive
from crm.channel import agreements, dealers, enablement, onboarding
from crm.channel.agreements import Place
from crm.channel.models import (
    Agreement,
    Dealer,
    DealerApplication,
    DealerContact,
    DealerScore,
    DealerTraining,
    MaterialHandout,
)
from crm.contracts import services as contracts
from crm.contracts.models import Contract, ContractDocument, Instalment
from crm.customers import services as customers
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales import deals, products
from crm.sales import leads as sales
from crm.sales.models import Deal, Lead, Product
from crm.satisfaction import services as satisfaction
from crm.satisfaction.models import Survey, SurveyRound
from crm.service import complaints
from crm.service.models import Complaint

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
                "complaint_id": _sample_complaint(first.id),
                "action": "respond", "dealer_id": _sample_dealer(),
                "agreement_id": _sample_agreement(), "application_id": _sample_application(),
                "score_id": _sample_score(), "product_id": _sample_product(),
                **_sample_enablement(),
                **_sample_contract(owner), **_sample_campaign(), **_sample_care(),
                **_sample_survey(first.id)}


SAMPLE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _sample_contract(owner: int) -> dict:
    """zhangwei's contract in delivery, with an overdue instalment and a document (its deal
    is not the sample deal, which stays open for the deal routes)."""
    found = db.session.scalar(select(Contract).join(Customer).where(
        Customer.name == "样例合同客户"))
    if found is None:
        with current_app.test_request_context():
            lead = sales.save_lead(None, {"company_name": "样例合同客户", "source": "referral"},
                                   owner_id=owner)
            deal = deals.convert_lead(lead)
            found = deals.sign_deal(deal, price=Decimal("100000"), payment_method="bank_transfer",
                                    payment_terms="验收后付款", breach_liability="每日万分之五",
                                    signed_at=date(2026, 1, 5))
            contracts.save_schedule(found, [(date(2026, 1, 15), Decimal("100000"))])
            contracts.change_status(found, "in_delivery")
            upload = FileStorage(io.BytesIO(SAMPLE_PDF), filename="合同.pdf")
            contracts.attach_document(found, upload, important=False,
                                      user=db.session.get(User, owner))
            db.session.commit()
    document = db.session.scalar(select(ContractDocument.id).where(
        ContractDocument.contract_id == found.id))
    instalment = db.session.scalar(select(Instalment.id).where(
        Instalment.contract_id == found.id))
    return {"contract_id": found.id, "document_id": document, "instalment_id": instalment,
            "bucket": "d61"}


def _sample_care() -> dict:
    """The sample contract's service archive (opened at its signing) and an acceptance
    revisit, both in the service agent zhoujie's hands."""
    contract = db.session.scalar(select(Contract).join(Customer).where(
        Customer.name == "样例合同客户"))
    archive = db.session.scalar(select(ServiceArchive).where(
        ServiceArchive.contract_id == contract.id))
    agent = db.session.scalar(select(User.id).where(User.username == "zhoujie"))
    revisit = db.session.scalar(select(Revisit.id).where(Revisit.contract_id == contract.id))
    if revisit is None:
        archive.agent_id = agent
        revisit = revisits.schedule(contract, "acceptance", 1, date(2026, 1, 20), agent).id
        db.session.commit()
    return {"archive_id": archive.id, "revisit_id": revisit}


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


def _sample_complaint(customer_id: int) -> int:
    """A complaint about zhangwei's customer, owned by the service agent zhoujie."""
    found = db.session.scalar(select(Complaint.id).where(Complaint.customer_id == customer_id))
    if found is None:
        agent = db.session.scalar(select(User).where(User.username == "zhoujie"))
        found = complaints.open_complaint(customer_id, agent.id, "样例投诉", "direct",
                                          by=agent).id
        db.session.commit()
    return found


def _sample_survey(customer_id: int) -> dict:
    """A survey of zhangwei's customer answered by zhoujie below the threshold (so with an
    improvement plan), about the sample product: also a feedback item of the product."""
    found = db.session.scalar(select(Survey).where(Survey.customer_id == customer_id))
    if found is None:
        survey_round = SurveyRound(key="2026-06")
        db.session.add(survey_round)
        db.session.flush()
        found = Survey(round_id=survey_round.id, customer_id=customer_id)
        db.session.add(found)
        db.session.flush()
        agent = db.session.scalar(select(User).where(User.username == "zhoujie"))
        with current_app.test_request_context():  # the plan's owner is told in their language
            satisfaction.answer(found, agent, 8, 60, "希望培训更细", product_id=_sample_product())
        db.session.commit()
    return {"survey_id": found.id, "plan_id": found.plan.id, "source": "survey",
            "item_id": found.id}


def _sample_dealer() -> int:
    found = db.session.scalar(select(Dealer.id).where(Dealer.name == "样例经销商有限公司"))
    if found is None:
        found = dealers.save_dealer(None, {"name": "样例经销商有限公司", "province": "浙江",
                                           "city": "杭州", "experience_years": 5}).id
        db.session.commit()
    return found


def _sample_agreement() -> int:
    found = db.session.scalar(select(Agreement.id).where(Agreement.number == "QD-SAMPLE"))
    if found is None:
        dealer = db.session.get(Dealer, _sample_dealer())
        found = agreements.save_agreement(
            None, dealer, {"number": "QD-SAMPLE", "starts_on": date(2026, 1, 1),
                           "ends_on": date(2026, 12, 31), "quarterly_target": 1_000_000},
            [Place("浙江", "杭州")], [(100, 3)]).id
        db.session.commit()
    return found


def _sample_application() -> int:
    dealer_id = _sample_dealer()
    found = db.session.scalar(select(DealerApplication.id).where(
        DealerApplication.dealer_id == dealer_id))
    if found is None:
        found = onboarding.apply(db.session.get(Dealer, dealer_id), 5_000_000, None).id
        db.session.commit()
    return found


def _sample_enablement() -> dict:
    """A training the sample dealer attended, material handed to it, a further contact."""
    dealer = db.session.get(Dealer, _sample_dealer())
    training = db.session.scalar(select(DealerTraining.id).where(
        DealerTraining.title == "样例产品知识培训"))
    if training is None:
        training = enablement.save_training(None, {
            "held_on": date(2026, 5, 12), "kind": "product", "title": "样例产品知识培训",
            "trainer": "孙丽"}, {dealer.id: 2}, None).id
        enablement.save_material(None, dealer, {"kind": "brochure", "quantity": 50,
                                                "handed_on": date(2026, 5, 12)}, None)
        dealers.save_contact(None, dealer, {"name": "样例联系人", "phone": "13900139000"})
        db.session.commit()
    return {"training_id": training,
            "handout_id": db.session.scalar(select(MaterialHandout.id).where(
                MaterialHandout.dealer_id == dealer.id)),
            "dealer_contact_id": db.session.scalar(select(DealerContact.id).where(
                DealerContact.dealer_id == dealer.id))}


def _sample_score() -> int:
    dealer_id = _sample_dealer()
    found = db.session.scalar(select(DealerScore.id).where(DealerScore.dealer_id == dealer_id))
    if found is None:
        row = DealerScore(dealer_id=dealer_id, quarter=20263, score=55, passed=False,
                          failing_streak=1, final=True, computed_at=utcnow(), trend="55.0")
        db.session.add(row)
        db.session.commit()
        found = row.id
    return found
