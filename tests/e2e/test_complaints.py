"""In the browser (issue 15, R-33): after the call, the agent records a complaint from it, sees
the 30-minute countdown, responds, marks it complex and writes the plan; the service manager
approves it; the agent closes it with the customer's confirmation; the closed case offers no
edit, and a direct POST to edit it is refused and changes nothing."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from crm.auth.models import Team
from crm.deadlines.calendars import save_calendar
from crm.extensions import db
from crm.service.models import Complaint
from tests.e2e.test_calls import _choose_customer
from tests.e2e.test_sales_flow import _sign_in
from tests.service.helpers import make_customer


def _step(page, button: str, fields: dict | None = None):
    for selector, value in (fields or {}).items():
        page.locator(selector).fill(value)
    page.get_by_role("button", name=button).click()


def _round_the_clock_hotline(app):
    """The service centre works 7×24 (a 400 hotline): 30 working minutes are 30 minutes,
    whatever day the test runs."""
    with app.app_context():
        hotline = db.session.scalar(select(Team.id).where(Team.name == "客户服务中心"))
        save_calendar(None, name="7×24 热线", timezone="Asia/Shanghai", is_default=False,
                      national_holidays=False, hours=["00:00-24:00"] * 7, team_ids=[hotline])
        db.session.commit()


def test_a_complaint_from_a_call_to_its_closed_archive(app, signed_in, live_server, browser):
    make_customer(app, "华为技术有限公司")
    _round_the_clock_hotline(app)
    page = signed_in("zhoujie")
    page.keyboard.press("c")
    _choose_customer(page, "hwjs", "华为技术有限公司")
    page.keyboard.type("交付延迟三天")
    page.keyboard.press("Enter")
    page.locator("#toasts").get_by_role("link", name="登记投诉").click()
    expect(page.get_by_label("投诉摘要")).to_have_value("交付延迟三天")
    page.get_by_role("button", name="保存").click()

    clock = page.locator(".clocks li", has_text="首次响应")
    expect(clock.locator(".countdown")).to_have_text(re.compile(r"剩余 (30|29) 分钟"))
    _step(page, "记录响应", {"#respond-note": "已致电客户，致歉并说明原因"})
    expect(clock.locator(".countdown")).to_have_class(re.compile("countdown-done"))
    _step(page, "标记为复杂投诉")
    _step(page, "提交方案审批", {"#plan-plan": "更换物流商，每日同步进度"})
    expect(page.locator("#plan")).to_contain_text("待审批")
    complaint_url = page.url

    manager = _sign_in(browser.new_context(), live_server, "tangning")
    manager.goto(complaint_url)
    manager.get_by_label("批准").check()
    _step(manager, "记录审批结果", {"#decide-comment": "同意"})
    expect(manager.locator("#plan")).to_contain_text("已批准")
    manager.close()

    page.reload()
    page.locator("#close-confirmed_by").fill("王芳")
    page.locator("#close-confirmed_via").select_option(label="电话")
    expect(page.locator("h1 + p")).to_contain_text("处理中")
    page.get_by_role("button", name="结案").click()
    expect(page.locator("h1 + p")).to_contain_text("已结案")
    expect(page.get_by_role("link", name="修改")).to_have_count(0)
    expect(page.get_by_role("button", name="记录响应")).to_have_count(0)

    complaint_id = int(complaint_url.rsplit("/", 1)[1])
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    answer = page.request.post(f"{complaint_url}/edit", form={
        "csrf_token": token, "summary": "改掉", "details": "", "product_id": "",
        "feedback": "", "version": "1"})
    assert answer.status in (403, 409)
    with app.app_context():
        assert db.session.scalar(select(Complaint.summary).where(
            Complaint.id == complaint_id)) == "交付延迟三天"
