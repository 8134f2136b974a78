"""Budget approval by amount and the purchase chain (R-51); every step an Approval row (R-04)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm.audit.models import Approval, AuditEntry
from crm.base import utcnow
from crm.campaigns import EMERGENCY_KIND, services
from crm.campaigns.models import Campaign, CampaignCost, CampaignRequest
from crm.deadlines.models import Deadline
from crm.errors import DomainError
from crm.extensions import db
from crm.settings.services import get_setting
from tests.campaigns.helpers import make_campaign, user

THRESHOLD = Decimal("50000")


def _steps(campaign_id: int) -> list[tuple[str, str, str]]:
    rows = db.session.scalars(select(Approval).where(Approval.subject_id == campaign_id)
                              .order_by(Approval.id))
    return [(row.user.username, row.action, row.decision) for row in rows]


@pytest.fixture
def ctx(app, people):
    with app.test_request_context():
        assert get_setting("campaign_approval_threshold") == THRESHOLD
        yield


def test_a_budget_equal_to_the_threshold_is_the_supervisors(ctx):
    campaign = make_campaign(str(THRESHOLD))
    request = services.submit(campaign, user("machao"))
    assert request.waiting_role == "supervisor"
    with pytest.raises(DomainError):
        services.decide(request, user("zhaomin"), True, None)  # not the director's tier
    services.decide(request, user("gaoyan"), True, "同意")
    assert (campaign.status, request.status) == ("approved", "approved")
    assert _steps(campaign.id) == [("gaoyan", "budget:supervisor", "approved")]


def test_a_budget_above_the_threshold_is_the_directors(ctx):
    campaign = make_campaign(str(THRESHOLD + Decimal("0.01")))
    request = services.submit(campaign, user("machao"))
    assert request.waiting_role == "director"
    with pytest.raises(DomainError, match="应由他人审批"):
        services.decide(request, user("gaoyan"), True, None)
    services.decide(request, user("zhaomin"), True, None)
    assert campaign.status == "approved"
    assert _steps(campaign.id) == [("zhaomin", "budget:director", "approved")]


def test_the_supervisor_is_a_manager_heading_the_campaigns_department(ctx):
    request = services.submit(make_campaign("1000"), user("machao"))
    with pytest.raises(DomainError):
        services.decide(request, user("wangqiang"), True, None)  # manages 华东大区, not 市场部


def test_nobody_approves_their_own_request(ctx):
    campaign = make_campaign("1000", by="gaoyan")  # the supervisor's own campaign
    request = services.submit(campaign, user("gaoyan"))
    with pytest.raises(DomainError, match="不能审批自己的申请"):
        services.decide(request, user("gaoyan"), True, None)
    assert request.status == "pending" and _steps(campaign.id) == []


def test_a_rejection_needs_a_reason_and_returns_to_the_author(ctx):
    campaign = make_campaign("1000")
    request = services.submit(campaign, user("machao"))
    with pytest.raises(DomainError) as refused:
        services.decide(request, user("gaoyan"), False, "  ")
    assert refused.value.field == "comment"
    services.decide(request, user("gaoyan"), False, "预算明细不清")
    assert (campaign.status, request.status, request.waiting_role) == ("rejected", "rejected",
                                                                       None)
    with pytest.raises(DomainError):
        services.decide(request, user("gaoyan"), True, None)  # decided already
    # the author changes it and submits again: a new request, the history kept
    services.save_campaign(campaign, {**_values(campaign), "budget": Decimal("800")},
                           user("machao"))
    again = services.submit(campaign, user("machao"))
    assert again.id != request.id and campaign.status == "awaiting_approval"
    services.decide(again, user("gaoyan"), True, None)
    assert campaign.status == "approved"
    assert _steps(campaign.id) == [("gaoyan", "budget:supervisor", "rejected"),
                                   ("gaoyan", "budget:supervisor", "approved")]


def _values(campaign: Campaign) -> dict:
    return {key: getattr(campaign, key) for key in services.CAMPAIGN_FIELDS}


def _approved_campaign():
    campaign = make_campaign("1000")
    services.decide(services.submit(campaign, user("machao")), user("gaoyan"), True, None)
    return campaign


def _purchase(campaign, amount="20000"):
    cost = services.add_cost(campaign, {"what": "展位搭建", "amount": Decimal(amount),
                                        "spent_on": date(2026, 3, 2), "is_purchase": True},
                             user("machao"))
    return db.session.scalar(select(CampaignRequest).where(CampaignRequest.cost_id == cost.id))


def test_a_purchase_goes_department_head_then_finance_then_ceo(ctx):
    campaign = _approved_campaign()
    request = _purchase(campaign)
    assert request.roles == ["department_head", "finance", "ceo"]
    with pytest.raises(DomainError):
        services.decide(request, user("zhengshuang"), True, None)  # finance before the head
    with pytest.raises(DomainError):
        services.decide(request, user("qianjin"), True, None)  # the CEO before anyone
    services.decide(request, user("gaoyan"), True, None)
    with pytest.raises(DomainError):
        services.decide(request, user("qianjin"), True, None)  # the CEO before finance
    services.decide(request, user("zhengshuang"), True, "发票齐全")
    assert request.waiting_role == "ceo"
    services.decide(request, user("qianjin"), True, None)
    assert request.status == "approved"
    assert _steps(campaign.id)[1:] == [("gaoyan", "purchase:department_head", "approved"),
                                       ("zhengshuang", "purchase:finance", "approved"),
                                       ("qianjin", "purchase:ceo", "approved")]


def test_a_rejected_purchase_is_submitted_again_by_its_author(ctx):
    request = _purchase(_approved_campaign())
    services.decide(request, user("gaoyan"), True, None)
    services.decide(request, user("zhengshuang"), False, "超出预算")
    with pytest.raises(DomainError):
        services.resubmit(request, user("gaoyan"))  # not the author
    again = services.resubmit(request, user("machao"))
    assert (again.waiting_role, again.cost_id) == ("department_head", request.cost_id)


def test_an_emergency_runs_at_once_and_its_approval_is_recorded_later(ctx):
    campaign = make_campaign("90000")
    request = services.submit(campaign, user("machao"), emergency=True)
    assert campaign.status == "approved" and campaign.emergency
    clock = db.session.scalar(select(Deadline).where(Deadline.kind == EMERGENCY_KIND,
                                                     Deadline.subject_id == campaign.id))
    assert clock.done_at is None
    assert timedelta(days=2) < clock.due_at - utcnow() <= timedelta(days=3)
    services.decide(request, user("zhaomin"), True, "事后补批")
    db.session.refresh(clock)
    assert clock.done_at is not None
    assert _steps(campaign.id) == [("zhaomin", "budget:director", "recorded_after")]


def test_each_step_is_in_the_audit_trail(ctx):
    campaign = make_campaign("1000")
    request = services.submit(campaign, user("machao"))
    services.decide(request, user("gaoyan"), True, None)
    db.session.commit()
    changes = db.session.scalars(select(AuditEntry).where(
        AuditEntry.model == "campaign_requests", AuditEntry.record_id == request.id)).all()
    assert {(c.field, c.new) for c in changes if c.action == "update"} >= {
        ("status", "approved"), ("step", "1")}
    assert db.session.scalar(select(Approval).where(Approval.subject_id == campaign.id))


def test_the_approver_sees_what_waits_for_them(app, login):
    with app.test_request_context():
        services.submit(make_campaign("1000"), user("machao"))
        services.submit(make_campaign("80000", name="秋季展会"), user("machao"))
        db.session.commit()
    supervisor = login("gaoyan").get("/campaigns/approvals").get_data(as_text=True)
    assert "春季促销" in supervisor and "秋季展会" not in supervisor
    director = login("zhaomin").get("/campaigns/approvals").get_data(as_text=True)
    assert "秋季展会" in director and "春季促销" not in director
    assert login("machao").get("/campaigns/approvals").status_code == 403


def test_deciding_on_the_page(app, login):
    with app.test_request_context():
        campaign = make_campaign("1000")
        request = services.submit(campaign, user("machao"))
        db.session.commit()
        campaign_id, request_id = campaign.id, request.id
    supervisor = login("gaoyan")
    page = supervisor.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert f'/campaigns/requests/{request_id}/decide' in page
    refused = supervisor.post(f"/campaigns/requests/{request_id}/decide",
                              {"decision": "reject", "comment": ""})
    assert refused.status_code == 422 and "请说明驳回理由" in refused.get_data(as_text=True)
    done = supervisor.post(f"/campaigns/requests/{request_id}/decide",
                           {"decision": "approve", "comment": "同意"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "已批准" in text and "同意" in text and "高燕" in text
    # the author never gets the form for their own request
    assert "/decide" not in login("machao").get(f"/campaigns/{campaign_id}").get_data(
        as_text=True)


COST_FORM = {"what": "展位搭建", "amount": "5000", "spent_on": "2026-03-02", "form_key": "cost-1"}


def _costs(campaign_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(CampaignCost).where(
        CampaignCost.campaign_id == campaign_id))


def test_costs_are_offered_and_taken_only_once_the_campaign_is_approved(app, login, people):
    """The supervisor sees no 登记费用 while the campaign awaits approval; a direct POST gets 409
    and records nothing; once approved the button and the form work."""
    with app.test_request_context():
        campaign = make_campaign("1000")
        request = services.submit(campaign, user("machao"))
        db.session.commit()
        campaign_id, request_id = campaign.id, request.id
    supervisor = login("gaoyan")
    new_cost = f"/campaigns/{campaign_id}/costs/new"
    assert new_cost not in supervisor.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    for method in (supervisor.get, supervisor.post):
        refused = method(new_cost, data=COST_FORM)
        assert refused.status_code == 409
        assert "活动获批执行后才能登记费用" in refused.get_data(as_text=True)
    with app.app_context():
        assert _costs(campaign_id) == 0
    with app.test_request_context():
        services.decide(db.session.get(CampaignRequest, request_id), user("gaoyan"), True, None)
        db.session.commit()
    assert new_cost in supervisor.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert supervisor.post(new_cost, data=COST_FORM).status_code == 303
    with app.app_context():
        assert _costs(campaign_id) == 1
