"""In the browser (issue 15, R-31): an agent logs a revisit from their revisit list and finds
it on the customer's timeline; the timeline's chips filter it by kind."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from crm.auth.models import User
from crm.care import revisits
from crm.contracts.models import Contract
from crm.extensions import db
from tests.care.helpers import sign
from tests.service.helpers import make_customer


def _revisit_due_yesterday(app) -> None:
    customer_id = make_customer(app, "华为技术有限公司", contact={"name": "王芳"})
    with app.test_request_context():
        contract = sign(customer_id, signed_at=date.today() - timedelta(days=30))
        agent = db.session.scalar(select(User.id).where(User.username == "zhoujie"))
        contract = db.session.get(Contract, contract.id)
        revisits.schedule(contract, "acceptance", 1, date.today() - timedelta(days=30), agent)
        db.session.commit()


def test_an_agent_logs_a_revisit_and_sees_it_on_the_timeline(app, signed_in, live_server):
    _revisit_due_yesterday(app)
    page = signed_in("zhoujie")
    page.goto(live_server + "/service/revisits")
    page.get_by_role("link", name="逾期").click()
    expect(page).to_have_url(re.compile(r"when=overdue"))
    row = page.locator("tr", has_text="华为技术有限公司")
    row.get_by_role("link", name="登记回访").click()
    expect(page).to_have_url(re.compile(r"/log$"))  # the form posts to its own URL
    page.get_by_label("一切正常").check()
    page.get_by_label("5", exact=True).check()
    page.get_by_label("客户反馈").fill("设备运行稳定")
    page.get_by_role("button", name="登记回访").click()
    expect(page.locator(".flash, [role=status], .toast").first).to_contain_text("回访已登记")
    page.get_by_role("link", name="即将到期").click()
    expect(page).to_have_url(re.compile(r"when=upcoming"))
    expect(page.locator("#revisit-rows")).to_contain_text("例行回访")
    page.locator("#revisit-rows").get_by_role("link", name="华为技术有限公司").first.click()
    timeline = page.locator("#customer-timeline")
    expect(timeline).to_contain_text("验收回访 · 一切正常 · 满意度 5/5: 设备运行稳定")
    timeline.get_by_role("link", name="回访", exact=True).click()
    expect(timeline.get_by_role("link", name="回访", exact=True)).to_have_attribute(
        "aria-current", "page")
    expect(page.locator("#timeline-rows > li")).to_have_count(1)  # the revisit alone
    expect(timeline).to_contain_text("设备运行稳定")
