"""Clicking around as a user: a valid CSRF token after logging in through the form, no console
error or CSP report anywhere (the autouse watcher in conftest.py fails the test), history that
only navigation writes, and losing a deal with a deliberate reason and Undo (issue 11: 3, 5,
6, 7)."""

import re

from playwright.sync_api import expect

from tests.sales.test_deals import make_deal

PASSWORD = "Demo#2026crm"


def _log_in(page, live_server, username):
    if not page.url.endswith("/login"):
        page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/")


def _nav(page, label):
    nav = page.locator("nav.nav-wide")
    nav.get_by_role("link", name=label, exact=True).click()
    expect(nav.locator("[aria-current=page]")).to_have_text(label)


def _drag(page, deal_id, stage):
    page.locator(f"#deal-{deal_id}").drag_to(page.locator(f'.board-cards[data-stage="{stage}"]'))


def _moved(page, deal_id, stage):
    expect(page.locator(f'.board-cards[data-stage="{stage}"] #deal-{deal_id}')).to_be_visible()
    expect(page.locator(".toast").get_by_role("button", name="撤销")).to_be_visible()


def _drag_is_accepted_without_a_reload(page, deal_id):
    with page.expect_response(re.compile(rf"/deals/{deal_id}/move$")) as moved:
        _drag(page, deal_id, "intent")
    assert moved.value.status == 200
    _moved(page, deal_id, "intent")
    assert page.evaluate("window.stillTheSamePage") is True


def test_the_first_drag_after_logging_in_through_the_form_is_accepted(page, live_server, people,
                                                                    app):
    deal_id = make_deal(app)
    page.goto(f"{live_server}/login")
    page.evaluate("window.stillTheSamePage = true")
    _log_in(page, live_server, "zhangwei")
    assert page.evaluate("window.stillTheSamePage") is None  # logging in loads a whole page
    page.evaluate("window.stillTheSamePage = true")
    _nav(page, "商机")
    expect(page.locator(f"#deal-{deal_id}")).to_be_visible()
    _drag_is_accepted_without_a_reload(page, deal_id)


def test_a_page_kept_open_across_a_new_login_takes_the_new_token_on_its_next_link(
        signed_in, live_server, app):
    deal_id = make_deal(app)
    page = signed_in("zhangwei")
    _nav(page, "商机")
    page.evaluate("window.stillTheSamePage = true")
    other_tab = page.context.new_page()  # same cookies: logging out and in renews the token
    other_tab.goto(f"{live_server}/")
    other_tab.locator("summary.user-chip").click()
    other_tab.get_by_role("button", name="退出登录").click()
    _log_in(other_tab, live_server, "zhangwei")
    other_tab.close()

    old_card = page.locator(f"#deal-{deal_id}").element_handle()
    _nav(page, "商机")  # a boosted link: the page is swapped, not reloaded
    old_card.wait_for_element_state("hidden")  # the same link was current: wait for the swap
    expect(page.locator(f"#deal-{deal_id}")).to_be_visible()
    _drag_is_accepted_without_a_reload(page, deal_id)


def test_clicking_through_the_main_flows_reports_nothing_in_the_console(signed_in, app):
    deal_id = make_deal(app, "宁波舜宇光学科技有限公司")
    page = signed_in("zhangwei")
    assert page.evaluate("htmx.config.allowEval") is False
    assert "style" not in page.evaluate("htmx.config.attributesToSettle")

    for label in ("客户", "线索", "公海", "产品", "商机", "跟进日程", "首页"):
        _nav(page, label)
    _nav(page, "客户")
    page.get_by_role("searchbox").press_sequentially("nbsy", delay=30)
    expect(page.locator("#customer-list")).to_contain_text("宁波舜宇光学")
    _nav(page, "线索")
    page.get_by_label("阶段").select_option(label="潜在客户")
    expect(page).to_have_url(re.compile(r"stage=potential"))
    page.get_by_role("searchbox").press_sequentially("nbsy", delay=30)
    expect(page).to_have_url(re.compile(r"q=nbsy"))
    expect(page.locator("#lead-list tbody tr")).to_have_count(1)

    page.get_by_role("link", name="新建线索").click()
    page.locator("#company_name").fill("杭州海康威视数字技术股份有限公司")
    page.locator("#contact_name").fill("胡扬忠")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("海康威视")

    _nav(page, "商机")
    _drag(page, deal_id, "intent")
    _moved(page, deal_id, "intent")

    _nav(page, "跟进日程")
    page.get_by_label("跟进事项").fill("回访海康威视")
    page.get_by_role("button", name="添加跟进").click()
    expect(page.locator("table.agenda tr", has_text="回访海康威视")).to_be_visible()

    page.locator("#notification-bell a").click()
    expect(page).to_have_url(re.compile(r"/notifications$"))
    page.locator("summary.user-chip").click()
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _nav(page, "Leads")
    expect(page.locator("h1")).to_have_text("Leads")


def test_the_icon_is_served(page, live_server):
    response = page.request.get(f"{live_server}/favicon.ico")
    assert response.ok and response.headers["content-type"] == "image/vnd.microsoft.icon"
    assert response.body()[:4] == b"\x00\x00\x01\x00"


def test_back_after_a_stage_change_leaves_the_page(signed_in, app):
    make_deal(app, "宁波舜宇光学科技有限公司")
    page = signed_in("zhangwei")
    _nav(page, "线索")
    list_url = page.url
    page.get_by_role("link", name="宁波舜宇光学科技有限公司").click()
    expect(page).to_have_url(re.compile(r"/leads/\d+$"))
    page.get_by_label("阶段").select_option(label="意向客户")
    page.get_by_role("button", name="转入", exact=True).click()
    expect(page.locator("#toasts")).to_contain_text("意向客户")
    page.go_back()
    expect(page).to_have_url(list_url)


def test_losing_a_deal_asks_for_a_reason_and_undo_restores_its_stage(signed_in, live_server,
                                                                     app):
    deal_id = make_deal(app, "宁波舜宇光学科技有限公司")
    page = signed_in("zhangwei")
    page.goto(f"{live_server}/deals/{deal_id}")
    stage = page.locator("h1 .stage")
    expect(stage).to_have_text("潜在客户")
    dialog = page.locator("#lose-dialog")
    page.get_by_role("link", name="标记为流失…").click()
    expect(dialog).to_be_visible()
    reason = dialog.get_by_label("流失原因")
    expect(reason).to_be_focused()
    expect(reason).to_have_value("")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    expect(stage).to_have_text("潜在客户")

    page.get_by_role("link", name="标记为流失…").click()
    dialog.get_by_role("button", name="标记为流失").click()  # no reason chosen
    expect(dialog.locator(".error")).to_contain_text("请选择流失原因")
    expect(page).to_have_url(f"{live_server}/deals/{deal_id}")
    dialog.get_by_label("流失原因").select_option(label="价格过高")
    dialog.get_by_role("button", name="标记为流失").click()
    expect(stage).to_have_text("已流失")
    toast = page.locator(".toast-undo")
    expect(toast).to_contain_text("已标记为流失")
    toast.get_by_role("button", name="撤销").click()
    expect(stage).to_have_text("潜在客户")
    expect(page.locator("#toasts")).to_contain_text("已恢复到潜在客户")
    page.go_back()  # neither the loss nor its undo wrote history: Back leaves the deal
    expect(page).not_to_have_url(re.compile(rf"/deals/{deal_id}"))


def test_the_watcher_reports_what_goes_wrong_in_the_browser(page, live_server, people,
                                                            browser_problems):
    page.goto(f"{live_server}/login")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.evaluate("fetch('/static/no-such-file.js')")
    page.wait_for_timeout(200)
    seen = "\n".join(browser_problems.seen)
    assert "style-src" in seen and "/static/no-such-file.js: 404" in seen
    browser_problems.seen.clear()
