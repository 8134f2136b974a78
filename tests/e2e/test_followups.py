"""In the browser: quick add, done inline and the bell, all without a page reload (R-40, R-42)."""

from contextlib import suppress

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.notifications.services import notify


def test_quick_add_and_done_inline_without_a_reload(signed_in, live_server):
    page = signed_in("zhangwei")
    page.goto(f"{live_server}/followups")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("跟进事项").fill("浏览器里添加的跟进")
    page.get_by_role("button", name="添加跟进").click()
    row = page.locator("table.agenda tr", has_text="浏览器里添加的跟进")
    expect(row).to_be_visible()
    expect(page.get_by_label("跟进事项")).to_have_value("")
    row.get_by_text("完成…").click()
    row.get_by_label("跟进结果").fill("已电话确认")
    row.get_by_role("button", name="标为完成").click()
    expect(page.locator("table.agenda tr.done", has_text="浏览器里添加的跟进")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage") is True


def test_the_bell_counts_what_a_manager_assigns(signed_in, live_server, browser):
    manager = signed_in("wangqiang")
    manager.goto(f"{live_server}/followups")
    manager.get_by_label("跟进事项").fill("请回访老客户")
    owner = manager.get_by_role("combobox", name="负责人")
    owner.fill("")
    owner.focus()
    manager.keyboard.type("zw")  # 张伟's initials in the person picker
    expect(manager.get_by_role("option", name="张伟")).to_have_attribute("aria-selected", "true")
    manager.keyboard.press("Enter")
    expect(owner).to_have_value("张伟")
    manager.get_by_role("button", name="添加跟进").click()
    expect(manager.locator("#toasts")).to_contain_text("请回访老客户")

    rep = browser.new_page()
    rep.goto(f"{live_server}/login")
    rep.get_by_label("用户名").fill("zhangwei")
    rep.get_by_label("密码").fill("Demo#2026crm")
    rep.get_by_role("button", name="登录").click()
    expect(rep.locator("#notification-bell .bell-count")).to_have_text("1")
    rep.locator("#notification-bell a").click()
    expect(rep.get_by_text("王强 给你安排了跟进：请回访老客户")).to_be_visible()
    rep.get_by_role("button", name="标为已读", exact=True).click()
    expect(rep.locator("#notification-bell .bell-count")).to_have_count(0)
    rep.close()


def test_the_bell_shows_the_count_after_a_change_that_lands_during_its_refresh(
        signed_in, live_server, app, browser_problems):
    """Marking read while the bell's own refresh is on the way: the refresh that the change asks
    for is not lost behind the older answer (issue 19: the bell kept showing 1)."""
    for logged in ("htmx:sendAbort", "htmx:afterRequest"):  # htmx logs the replaced request
        browser_problems.expect_console(logged)
    with app.app_context():
        rep_id = db.session.scalar(select(User.id).where(User.username == "zhangwei"))
        notify(rep_id, "请回访老客户")
        db.session.commit()
    page = signed_in("zhangwei")
    page.goto(f"{live_server}/notifications")
    expect(page.locator("#notification-bell .bell-count")).to_have_text("1")

    held = []  # the first refresh: answered by the server now (count 1), delivered later

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append((route, route.fetch()))

    page.route("**/notifications/bell", hold_the_first)
    with page.expect_request("**/notifications/bell"):
        page.evaluate("htmx.trigger(document.body, 'notifications-changed')")
    with page.expect_response("**/notifications/*/read"):
        page.get_by_role("button", name="标为已读", exact=True).click()
    route, stale = held[0]
    with suppress(PlaywrightError):  # already aborted when the newer refresh replaced it
        route.fulfill(response=stale)
    expect(page.locator("#notification-bell .bell-count")).to_have_count(0)
