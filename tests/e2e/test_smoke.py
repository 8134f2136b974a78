"""Every demo role logs in, sees its navigation, switches language and logs out (R-01)."""

import re

import pytest
from playwright.sync_api import expect

from tests.web.test_access_matrix import ACCESS, ROLE_USERS

NAV_LABELS = {  # endpoint -> label in the main navigation (Chinese)
    "dashboard.home": "首页",
    "audit.index": "审计日志",
    "admin.users": "用户",
    "admin.teams": "组织架构",
    "settings.index": "系统设置",
    "customers.index": "客户",
    "leads.pool": "公海",
    "leads.index": "线索",
    "deals.board": "商机",
    "products.index": "产品",
}


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_each_role_sees_its_navigation(signed_in, role):
    page = signed_in(ROLE_USERS[role])
    nav = page.locator("nav.nav-wide")
    for endpoint, label in NAV_LABELS.items():
        link = nav.get_by_role("link", name=label, exact=True)
        if role in ACCESS[endpoint]:
            expect(link).to_be_visible()
        else:
            expect(link).to_have_count(0)


def test_switch_language_and_log_out(signed_in, live_server):
    page = signed_in("zhaomin")
    page.locator("summary.user-chip").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("nav.nav-wide").get_by_role("link", name="Audit trail")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("summary.user-chip").click()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    page.goto(f"{live_server}/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_wrong_password_shows_the_error_in_the_form(page, live_server, people):
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("zhangwei")
    page.get_by_label("密码").fill("not-my-password")
    page.get_by_role("button", name="登录").click()
    error = page.locator("#password-error")
    expect(error).to_have_text(re.compile("用户名或密码错误"))
    expect(page.get_by_label("用户名")).to_have_value("zhangwei")


def test_deactivation_asks_for_confirmation_in_a_dialog(signed_in, live_server):
    page = signed_in("admin")
    page.goto(f"{live_server}/admin/users?q=liuyang")
    page.get_by_role("link", name="刘洋").click()
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.get_by_role("button", name="停用").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="停用").click()
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator("h1")).to_contain_text("已停用")
    assert len(posts) == 1, posts  # the cancelled one sent nothing
