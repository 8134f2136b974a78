"""Campaigns: the form, the list (filters, pinyin search, paging), who sees which (R-50)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from crm.campaigns.models import Campaign
from crm.extensions import db
from tests.campaigns.helpers import make_campaign, marketing_team_id, user
from tests.conftest import count_queries
from tests.web.test_access_matrix import ROLE_USERS

FORM = {"name": "夏季沙龙", "kind": "salon", "starts_on": "2026-07-01", "ends_on": "2026-07-02",
        "budget": "¥20,000", "goal_leads": "30", "goal_deals": "3", "goal_revenue": "300000",
        "note": ""}


def _campaign_id(app, name="春季促销", **kw) -> int:
    with app.test_request_context():
        campaign = make_campaign(name=name, **kw)
        db.session.commit()
        return campaign.id


def test_marketing_plans_a_campaign(app, login):
    machao = login("machao")
    with app.app_context():
        department = marketing_team_id()
    page = machao.get("/campaigns/new").get_data(as_text=True)
    assert "50,000.00 以内由主管审批" in page
    done = machao.post("/campaigns/new", FORM | {"department_id": department},
                       follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "活动已创建" in text and "夏季沙龙" in text and "草稿" in text and "沙龙" in text
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        assert (campaign.budget, campaign.owner.username, campaign.department_id) == (
            Decimal("20000"), "machao", department)


def test_the_end_may_not_come_before_the_start(app, login):
    with app.app_context():
        department = marketing_team_id()
    refused = login("machao").post("/campaigns/new", FORM | {
        "department_id": department, "ends_on": "2026-06-30"})
    assert refused.status_code == 422 and "结束日期早于开始日期" in refused.get_data(as_text=True)


def test_a_department_outside_ones_own_is_refused(app, login):
    with app.app_context():
        from crm.auth.models import Team
        other = db.session.scalar(select(Team.id).where(Team.name == "华东销售一组"))
    refused = login("machao").post("/campaigns/new", FORM | {"department_id": other})
    assert refused.status_code == 422


def test_a_submitted_campaign_is_not_edited(app, login):
    campaign_id = _campaign_id(app)
    machao = login("machao")
    machao.post(f"/campaigns/{campaign_id}/submit", {})
    with app.app_context():
        version = db.session.get(Campaign, campaign_id).version
    refused = machao.post(f"/campaigns/{campaign_id}/edit", FORM | {
        "department_id": marketing_team_id_of(app), "version": version})
    assert refused.status_code == 422 and "只有草稿或被驳回的活动可以修改" in refused.get_data(
        as_text=True)


def marketing_team_id_of(app) -> int:
    with app.app_context():
        return marketing_team_id()


# Who sees 市场部's campaign: its specialist and supervisor, directors, finance, the CEO and
# admins; the manager of 华东大区 and every other role get 404 (or 403 for the whole section).
SEES = {"marketing", "director", "finance", "ceo", "admin"}


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_a_campaign_is_seen_by_its_department_and_oversight(app, login, role):
    campaign_id = _campaign_id(app)
    page = login(ROLE_USERS[role]).get(f"/campaigns/{campaign_id}")
    expected = 200 if role in SEES else (404 if role == "manager" else 403)
    assert page.status_code == expected


def test_the_marketing_supervisor_sees_the_department(app, login):
    campaign_id = _campaign_id(app)
    supervisor = login("gaoyan")
    assert supervisor.get(f"/campaigns/{campaign_id}").status_code == 200
    assert "春季促销" in supervisor.get("/campaigns").get_data(as_text=True)
    assert "春季促销" not in login("wangqiang").get("/campaigns").get_data(as_text=True)


def test_the_list_filters_and_finds_by_pinyin(app, login):
    _campaign_id(app)
    _campaign_id(app, name="秋季展会")
    finance = login("zhengshuang")
    for term in ("chunji", "cjcx", "春季"):
        found = finance.get(f"/campaigns?q={term}").get_data(as_text=True)
        assert "春季促销" in found and "秋季展会" not in found, term
    drafts = finance.get("/campaigns?status=draft").get_data(as_text=True)
    assert "春季促销" in drafts and "秋季展会" in drafts
    assert "秋季展会" not in finance.get("/campaigns?status=running").get_data(as_text=True)


def _bulk(app, n: int) -> None:
    with app.app_context():
        owner, department = user("machao").id, marketing_team_id()
        start = date(2026, 1, 1)
        db.session.execute(insert(Campaign), [
            {"name": f"活动{i}", "search_key": f"huodong{i}", "kind": "online",
             "starts_on": start + timedelta(days=i % 300), "ends_on": start + timedelta(
                 days=i % 300 + 10), "owner_id": owner, "department_id": department,
             "budget": Decimal(1000 + i), "goal_leads": 0, "goal_deals": 0,
             "goal_revenue": Decimal(0), "status": "draft", "emergency": False}
            for i in range(n)])
        db.session.commit()


def test_list_and_page_run_a_fixed_number_of_queries(app, login):
    campaign_id = _campaign_id(app)
    users = [login(name) for name in ("machao", "gaoyan", "zhaomin")]
    urls = ("/campaigns", f"/campaigns/{campaign_id}", "/campaigns?sort=budget")

    def counts():
        found = []
        for client in users:
            for url in urls:
                client.get(url)
                with count_queries(app) as counter:
                    assert client.get(url).status_code == 200
                found.append(counter.n)
        return found

    _bulk(app, 10)
    small = counts()
    _bulk(app, 990)
    assert counts() == small
    assert max(small) <= 18, small  # the page: phases, minutes, attribution (4), decisions
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1001
    more = users[2].get("/campaigns").get_data(as_text=True)
    assert "1,001" in more or "1001" in more
