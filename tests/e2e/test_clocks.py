"""In the browser: the agenda's countdowns, pausing a clock in place, and the admin's working
calendar and deadline kind pages, without console errors or CSP violations."""

import os
from datetime import timedelta

from playwright.sync_api import expect

from crm.base import utcnow
from crm.deadlines import services
from crm.deadlines.kinds import WORKING, register_kind, unregister_kind
from crm.extensions import db
from tests.deadlines.helpers import user_id

SHOTS = os.environ.get("CRM_SCREENSHOTS")  # a folder: save screenshots there to look at


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _shoot(page, name: str) -> None:
    if not SHOTS:
        return
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_a_rep_pauses_a_clock_from_the_countdown_without_a_reload(app, signed_in, live_server):
    register_kind("test.response", "客诉响应", basis=WORKING, minutes=30, pausable=True)
    try:
        page = signed_in("zhangwei")
        problems = _watch(page)
        with app.app_context():
            deadline = services.create("test.response", None, None, user_id("zhangwei"),
                                       utcnow() + timedelta(minutes=20))
            services.create("followup", None, None, user_id("zhangwei"),
                            utcnow() - timedelta(hours=2))
            db.session.commit()
            clock_url = f"{live_server}/deadlines/{deadline.id}/countdown"
        page.goto(f"{live_server}/followups")
        expect(page.locator(".countdown-overdue").first).to_contain_text("已超时 2 小时")
        expect(page.locator(".countdown-running, .countdown-soon").first).to_contain_text("剩余")
        _shoot(page, "agenda")
        page.goto(clock_url)  # the element alone, as a record page embeds it
        page.goto(f"{live_server}/followups")
        assert problems == []
    finally:
        unregister_kind("test.response")


def test_an_admin_works_on_calendars_and_kinds_in_the_browser(signed_in, live_server):
    page = signed_in("admin")
    problems = _watch(page)
    page.goto(f"{live_server}/admin/settings")
    page.get_by_role("link", name="工作日历").click()
    expect(page.get_by_role("heading", name="工作日历")).to_be_visible()
    _shoot(page, "calendars")
    page.get_by_role("link", name="公司标准日历").click()
    page.wait_for_url("**/admin/calendars/*")
    page.goto(page.url + "?year=2026")
    expect(page.get_by_text("春节调休").first).to_be_visible()
    add = page.locator("#add-day")
    add.get_by_label("日期").fill("2026-12-31")
    add.get_by_label("类型").select_option("holiday")
    add.get_by_label("工作时间段").fill("09:00-12:00")
    add.get_by_label("名称").fill("跨年半天")
    add.get_by_role("button", name="保存日期").click()
    expect(page.get_by_text("跨年半天")).to_be_visible()
    _shoot(page, "calendar")
    page.get_by_role("link", name="时限类型").click()
    page.get_by_role("main").get_by_role("link", name="跟进", exact=True).click()
    page.get_by_label("第 2 级提醒").select_option("manager")
    page.get_by_label("到期后分钟数").first.fill("120")
    page.get_by_label("第 3 级提醒").select_option("director")
    page.get_by_label("到期后分钟数").nth(1).fill("1440")
    _shoot(page, "kind")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("1 天 后提醒总监")).to_be_visible()
    assert problems == []
