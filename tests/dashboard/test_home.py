"""The home page per role (issue 11, item 11): the rep's day, the manager's team rep by rep;
every figure links to the list behind it; a fixed number of queries."""

import html
import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qsl, urlencode, urlsplit

from sqlalchemy import insert, select

from crm.base import utcnow
from crm.deadlines.models import Deadline
from crm.extensions import db
from crm.notifications.models import Notification
from crm.sales import funnel
from crm.sales.models import Deal, Lead
from tests.clock import local_today
from tests.conftest import count_queries
from tests.dashboard.helpers import add_followup, user_id
from tests.sales.test_deals import make_deal


def chip(text: str) -> str:
    """A removable filter chip as a list shows it."""
    return f'{text} <span aria-hidden="true">×</span>'

def _url(url: str) -> tuple[str, dict]:
    """A link as (path, query): the order of its arguments does not matter."""
    parts = urlsplit(html.unescape(url))
    return parts.path, dict(parse_qsl(parts.query))


def _links(page: str) -> dict[str, tuple]:
    """{figure label: (link, figure)} of the home page's stat tiles."""
    tiles = re.findall(r'<a class="stat[^"]*" href="([^"]+)">\s*<span class="stat-value">([^<]+)'
                       r'</span>\s*<span class="stat-label">([^<]+)</span>', page)
    return {label: (_url(url), value) for url, value, label in tiles}


def _href(link: tuple) -> str:
    return f"{link[0]}?{urlencode(link[1])}"


def _setup_rep_day(app, owner="zhangwei") -> None:
    """One of each: a potential deal, an intent deal closing today, an overdue and a today
    follow-up, a lead about to go back to the pool, an unread notification."""
    potential = make_deal(app, f"{owner}潜在客户公司", owner)
    closing = make_deal(app, f"{owner}本月成交公司", owner)
    with app.test_request_context():
        deal = db.session.get(Deal, closing)
        deal.stage_id, deal.expected_value = funnel.stage("intent").id, Decimal("80000")
        deal.close_date = local_today()
        db.session.get(Deal, potential).expected_value = Decimal("20000")
        quiet = Lead(company_name=f"{owner}快退回公司", source="online", owner_id=user_id(owner),
                     stage_id=funnel.stage("potential").id,
                     last_followup_at=utcnow() - timedelta(days=28))
        db.session.add(quiet)
        db.session.add(Notification(user_id=user_id(owner), kind="message", text="合同已签署"))
        db.session.commit()
        add_followup(owner, f"{owner}的逾期事项", days=-2)
        add_followup(owner, f"{owner}的今日事项", days=0)
        db.session.commit()


def test_a_reps_home_shows_their_day_and_every_figure_opens_its_list(app, login):
    _setup_rep_day(app)
    make_deal(app, "别人的公司", "liuyang")
    rep = login("zhangwei")
    page = rep.get("/").get_data(as_text=True)
    tiles = _links(page)
    assert tiles["逾期"] == (_url("/followups?view=overdue"), "1")
    assert tiles["今日到期"] == (_url("/followups?view=today"), "1")
    assert tiles["进行中的商机"] == (_url("/deals?stage=open"), "2")
    assert tiles["本月预计成交"] == (_url("/deals?stage=open&closing=month"), "1")
    assert tiles["即将退回公海"] == (_url("/leads?returning=soon"), "1")
    assert tiles["未读通知"] == (_url("/notifications?show=unread"), "1")
    assert "¥100,000.00" in page and "¥80,000.00" in page  # open total, closing this month
    assert "zhangwei快退回公司" in page and "还剩 2 天" in page
    assert "合同已签署" in page and "zhangwei的逾期事项" in page
    assert "我的团队" not in page  # a rep has no team table

    overdue = rep.get(_href(tiles["逾期"][0])).get_data(as_text=True)
    assert "zhangwei的逾期事项" in overdue and "zhangwei的今日事项" not in overdue
    assert "zhangwei的今日事项" in rep.get(_href(tiles["今日到期"][0])).get_data(as_text=True)
    open_deals = rep.get(_href(tiles["进行中的商机"][0])).get_data(as_text=True)
    assert "zhangwei潜在客户公司" in open_deals and "别人的公司" not in open_deals
    closing = rep.get(_href(tiles["本月预计成交"][0])).get_data(as_text=True)
    assert "zhangwei本月成交公司" in closing and "zhangwei潜在客户公司" not in closing
    assert chip("本月预计成交") in closing  # the filter is shown and can be removed
    returning = rep.get(_href(tiles["即将退回公海"][0])).get_data(as_text=True)
    assert "zhangwei快退回公司" in returning and chip("即将退回公海") in returning
    stage_link = html.unescape(re.search(r'href="(/deals\?stage=potential)"', page).group(1))
    assert "zhangwei潜在客户公司" in rep.get(stage_link).get_data(as_text=True)


def test_a_managers_home_has_a_row_per_rep_whose_figures_open_that_reps_list(app, login):
    _setup_rep_day(app, "zhangwei")
    _setup_rep_day(app, "liuyang")
    _setup_rep_day(app, "chenjing")  # another region: not wangqiang's team
    manager = login("wangqiang")
    page = manager.get("/").get_data(as_text=True)
    tiles = _links(page)
    assert tiles["逾期"] == (_url("/followups?view=overdue&whose=team"), "2")
    assert tiles["进行中的商机"][1] == "4" and tiles["即将退回公海"][1] == "2"
    table = re.search(r'<table class="table cards-on-phone team-table">.*?</table>', page,
                      re.S).group(0)
    assert "张伟" in table and "刘洋" in table and "陈静" not in table
    with app.app_context():
        zhangwei = user_id("zhangwei")
    row = re.search(r"<tr>\s*<td[^>]*><strong>张伟</strong>.*?</tr>", table, re.S).group(0)
    links = [_url(u) for u in re.findall(r'href="([^"]+)"', row)]
    assert _url(f"/followups?whose=team&owner={zhangwei}&view=overdue") in links
    assert _url(f"/deals?stage=open&closing=month&owner={zhangwei}") in links
    assert _url(f"/leads?returning=soon&owner={zhangwei}") in links
    overdue = manager.get(f"/followups?whose=team&owner={zhangwei}&view=overdue")
    text = overdue.get_data(as_text=True)
    assert "zhangwei的逾期事项" in text and "liuyang的逾期事项" not in text
    assert chip("张伟") in text
    deals = manager.get(f"/deals?stage=open&owner={zhangwei}").get_data(as_text=True)
    assert "zhangwei潜在客户公司" in deals and "liuyang潜在客户公司" not in deals
    assert chip("负责人：张伟") in deals
    leads = manager.get(f"/leads?returning=soon&owner={zhangwei}").get_data(as_text=True)
    assert "zhangwei快退回公司" in leads and "liuyang快退回公司" not in leads


def test_a_directors_home_shows_every_rep_and_a_service_agents_no_funnel(app, login):
    _setup_rep_day(app, "zhangwei")
    _setup_rep_day(app, "chenjing")
    director = login("zhaomin").get("/").get_data(as_text=True)
    assert "张伟" in director and "陈静" in director and _links(director)["逾期"][1] == "2"
    agent = login("zhoujie").get("/").get_data(as_text=True)
    assert "进行中的商机" not in agent and "即将退回公海" not in agent
    assert set(_links(agent)) == {"逾期", "今日到期", "未读通知"}


def _bulk(app, n: int) -> None:
    """n deals, leads, open deadlines and notifications spread over the two East reps."""
    with app.app_context():
        owners = [user_id("zhangwei"), user_id("liuyang")]
        customer = db.session.scalar(select(Deal.customer_id).limit(1))
        stages = [funnel.stage("potential").id, funnel.stage("intent").id]
        now, today = utcnow(), date.today()
        db.session.execute(insert(Deal), [
            {"title": f"批量商机{i}", "customer_id": customer, "owner_id": owners[i % 2],
             "stage_id": stages[i % 2], "expected_value": Decimal(1000 + i),
             "close_date": today} for i in range(n)])
        db.session.execute(insert(Lead), [
            {"company_name": f"批量线索{i}", "source": "online", "owner_id": owners[i % 2],
             "stage_id": stages[0], "last_followup_at": now - timedelta(days=28)}
            for i in range(n)])
        db.session.execute(insert(Deadline), [
            {"kind": "followup", "owner_id": owners[i % 2],
             "due_at": now - timedelta(hours=i % 48)} for i in range(n)])
        db.session.execute(insert(Notification), [
            {"user_id": owners[i % 2], "kind": "message", "text": f"通知{i}"} for i in range(n)])
        db.session.commit()


def test_the_home_page_runs_a_fixed_number_of_queries(app, login):
    make_deal(app)
    users = [login(name) for name in ("zhangwei", "wangqiang", "zhaomin")]

    def counts() -> list[int]:
        found = []
        for user in users:
            user.get("/")  # warm the per-process caches (settings) like a second visit
            with count_queries(app) as counter:
                assert user.get("/").status_code == 200
            found.append(counter.n)
        return found

    _bulk(app, 10)
    small = counts()
    _bulk(app, 990)
    large = counts()
    assert small == large, (small, large)
    assert max(large) <= 25, large
