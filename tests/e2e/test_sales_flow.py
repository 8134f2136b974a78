"""A rep's day in the funnel, in a real browser: lead → deal → drag across the board → sign
(R-10, R-15); the lead stays invisible to another rep but not to their manager (R-02)."""

import re

from playwright.sync_api import expect

COMPANY = "宁波舜宇光学科技有限公司"


def _sign_in(context, live_server, username):
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Demo#2026crm")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/")
    return page


def _drag(page, deal_id, stage):
    card = page.locator(f"#deal-{deal_id}")
    card.drag_to(page.locator(f'.board-cards[data-stage="{stage}"]'))


def test_rep_drags_a_lead_to_signed_and_others_cannot_see_it(signed_in, live_server, browser):
    page = signed_in("zhangwei")
    page.goto(f"{live_server}/leads/new")
    page.locator("#company_name").fill(COMPANY)
    page.locator("#contact_name").fill("孙泱")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text(COMPANY)
    lead_url = page.url
    assert re.search(r"/leads/\d+$", lead_url)
    page.get_by_role("button", name="创建商机").click()
    expect(page).to_have_url(re.compile(r"/deals/\d+$"))
    deal_id = page.url.rsplit("/", 1)[1]

    page.goto(f"{live_server}/deals/board")
    _drag(page, deal_id, "intent")
    expect(page.locator(f'.board-cards[data-stage="intent"] #deal-{deal_id}')).to_be_visible()
    expect(page.locator(".toast").filter(has_text="意向客户")).to_be_visible()
    expect(page.locator(".toast").get_by_role("button", name="撤销")).to_be_visible()

    _drag(page, deal_id, "signed")
    dialog = page.locator("#sign-dialog")
    expect(dialog).to_be_visible()
    page.wait_for_load_state("networkidle")
    dialog.get_by_label("付款条件").fill("签约付 30%，验收后付 70%")
    dialog.get_by_label("违约责任").fill("逾期付款按日万分之五支付违约金")
    expect(dialog.get_by_label("付款条件")).to_have_value("签约付 30%，验收后付 70%")
    dialog.get_by_role("button", name="签约").click()
    expect(page).to_have_url(f"{live_server}/deals/{deal_id}")
    history = page.locator("#stage-history")
    expect(history).to_contain_text("潜在客户 → 意向客户")
    expect(history).to_contain_text("意向客户 → 签约客户")
    expect(page.locator("#contract")).to_contain_text("逾期付款按日万分之五支付违约金")

    other = _sign_in(browser.new_context(), live_server, "chenjing")
    assert other.goto(lead_url).status == 404
    other.goto(f"{live_server}/leads?q=sunyu")
    expect(other.locator("#lead-list")).not_to_contain_text(COMPANY)

    manager = _sign_in(browser.new_context(), live_server, "wangqiang")
    assert manager.goto(lead_url).status == 200
    expect(manager.locator("h1")).to_contain_text(COMPANY)
    manager.goto(f"{live_server}/leads?q=nbsy")
    expect(manager.locator("#lead-list")).to_contain_text(COMPANY)


def test_inline_edit_of_the_amount_with_enter_and_escape(signed_in, live_server, app):
    from tests.sales.test_deals import make_deal

    page = signed_in("zhangwei")
    deal_id = make_deal(app, "舜宇光学")
    page.goto(f"{live_server}/deals/board")
    amount = page.locator(f"#deal-{deal_id}-expected_value")
    amount.get_by_role("button").click()
    field = page.locator(f"#inline-{deal_id}-expected_value")
    expect(field).to_be_focused()
    field.fill("99")
    field.press("Escape")
    expect(amount).to_contain_text("¥0.00")
    amount.get_by_role("button").click()
    page.locator(f"#inline-{deal_id}-expected_value").fill("360000")
    page.locator(f"#inline-{deal_id}-expected_value").press("Enter")
    expect(amount).to_contain_text("¥360,000.00")
    expect(page.locator(".board-potential .stage-total")).to_contain_text("¥360,000.00")
