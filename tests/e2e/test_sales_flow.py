"""A rep's day in the funnel, in a real browser, as a new user does it: a lead with a new
company → qualified → the deal dialog → moved across the board → the amount edited inline →
the signing dialog → the contract (R-10, R-15), at desktop and phone width; focus stays on
what the user acted on; the lead stays invisible to another rep but not to their manager
(R-02). Any console error or CSP report fails a test."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.sales.test_deals import make_deal

WIDTHS = {"desktop": 1366, "phone": 390}
EXPECTED = re.compile(r"Failed to load resource: .* status of (422|409)")  # refused input
CSP_REPORTS = """document.addEventListener("securitypolicyviolation", (e) =>
  console.error(`CSP ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


def _watch(page) -> list[str]:
    """Console errors, uncaught exceptions and CSP reports of the page, as they come."""
    problems: list[str] = []
    page.add_init_script(CSP_REPORTS)
    page.on("console", lambda m: m.type == "error" and not EXPECTED.match(m.text)
            and problems.append(f"{m.text} {m.location}"))
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _shot(page, name: str) -> None:
    """Screenshots for people to look at, when SCREENSHOT_DIR is set."""
    if folder := os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _sign_in(context, live_server, username, width=1366):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Demo#2026crm")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/")
    return page


PHONE_LAYOUT = 720  # px: app.css puts the navigation behind a menu button up to this width


def _open_nav(page, label: str) -> None:
    # Chosen by the viewport, not by the button's visibility: measured while a new page's
    # stylesheet is still loading, the unstyled button looks visible at any width.
    if page.viewport_size["width"] <= PHONE_LAYOUT:
        page.locator("details.nav-toggle > summary").click()
        page.locator("details.nav-toggle nav").get_by_role("link", name=label, exact=True).click()
    else:
        page.locator("nav.nav-wide").get_by_role("link", name=label, exact=True).click()


def _column(page, stage: str):
    return page.locator(f'.board-cards[data-stage="{stage}"]')


def _move(page, card, stage: str, label: str, *, drag: bool) -> None:
    """A drag on a desktop; on a phone the card's menu (a long drag there is no way to work)."""
    if drag:
        card.drag_to(_column(page, stage))
    else:
        card.locator(".card-menu > summary").click()
        card.get_by_role("button", name=f"移到{label}").click()


def _selected_all(field) -> bool:
    return field.evaluate("el => el.selectionStart === 0 && el.selectionEnd === el.value.length")


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_new_rep_takes_a_lead_with_a_new_company_to_a_contract(browser, live_server, people,
                                                                 width):
    company = f"宁波舜宇光学科技有限公司{width}"
    page = _sign_in(browser.new_context(), live_server, "zhangwei", width)
    problems = _watch(page)
    page.reload()

    _open_nav(page, "线索")
    page.get_by_role("link", name="新建线索").first.click()
    page.get_by_label("公司").fill(company)
    page.get_by_label("联系人", exact=True).fill("孙泱")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text(company)
    lead_url = page.url

    page.get_by_role("link", name="编辑").click()  # qualify: a promising lead is graded A
    page.get_by_label("等级").select_option("A")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".grade")).to_have_text("A")

    page.get_by_role("link", name="创建商机").click()
    dialog = page.locator("#deal-dialog")
    expect(dialog).to_be_visible()
    title = dialog.get_by_label("标题")
    expect(title).to_be_focused()
    suggested = title.input_value()
    assert "宁波舜宇光学科技" in suggested and suggested != company
    dialog.get_by_label("预计金额（元）").fill("-5")
    dialog.get_by_role("button", name="创建商机").click()
    expect(dialog.locator("#expected_value-error")).to_contain_text("不能为负数")
    expect(dialog.get_by_label("预计金额（元）")).to_be_focused()
    _shot(page, f"deal-dialog-{width}")
    dialog.get_by_label("预计金额（元）").fill("120000")
    dialog.get_by_label("预计成交日期").fill("2026-12-31")
    dialog.get_by_role("button", name="创建商机").click()
    expect(page).to_have_url(re.compile(r"/deals/\d+$"))
    deal_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("h1")).to_contain_text(suggested)

    _open_nav(page, "商机")
    card = page.locator(f"#deal-{deal_id}")
    expect(card).to_contain_text("¥120,000.00")
    _move(page, card, "intent", "意向客户", drag=width > 720)
    expect(_column(page, "intent").locator(f"#deal-{deal_id}")).to_be_visible()
    expect(page.locator(".toast").filter(has_text="意向客户")).to_be_visible()
    expect(page.locator(".toast").get_by_role("button", name="撤销")).to_be_visible()
    expect(card).to_be_focused()
    expect(_column(page, "potential").locator(".board-empty")).to_be_visible()

    amount = page.locator(f"#deal-{deal_id}-expected_value")
    amount.get_by_role("button").click()
    field = page.locator(f"#inline-{deal_id}-expected_value")
    expect(field).to_be_focused()
    assert _selected_all(field)  # typing replaces the old amount, never appends to it
    expect(page.locator(f"#inline-{deal_id}-expected_value-keys")).to_contain_text("Esc")
    page.keyboard.type("150000")
    page.keyboard.press("Enter")
    expect(amount.get_by_role("button")).to_have_text("¥150,000.00")
    expect(amount.get_by_role("button")).to_be_focused()
    expect(page.locator(".board-intent .stage-total")).to_contain_text("¥150,000.00")

    _move(page, card, "signed", "签约客户", drag=width > 720)
    sign = page.locator("#sign-dialog")
    expect(sign).to_be_visible()
    expect(sign.get_by_label("合同价格（元）")).to_be_focused()
    expect(sign.get_by_label("合同价格（元）")).to_have_value("150000.00")
    terms = sign.get_by_label("付款条件")
    expect(terms).to_have_value(re.compile("签约后付合同总价的30%"))  # the settings' template
    expect(sign.get_by_label("违约责任")).to_have_value(re.compile("万分之五"))
    terms.fill("")
    sign.get_by_role("button", name="签约").click()
    expect(sign.locator("#payment_terms-error")).to_be_visible()
    expect(terms).to_be_focused()  # the first field in error keeps the focus
    _shot(page, f"sign-dialog-{width}")
    terms.fill("签约付 30%，验收后付 70%")
    sign.get_by_role("button", name="签约").click()
    expect(sign).to_be_hidden()
    expect(_column(page, "signed").locator(f"#deal-{deal_id}")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/deals/board$"))  # the rep stays on the board
    expect(card).to_be_focused()
    expect(page.locator(".board-signed .stage-total")).to_contain_text("¥150,000.00")
    _shot(page, f"board-rep-{width}")
    page.locator(".toast").get_by_role("link", name="查看合同").click()

    expect(page).to_have_url(f"{live_server}/deals/{deal_id}#contract")
    history = page.locator("#stage-history")
    expect(history).to_contain_text("潜在客户 → 意向客户")
    expect(history).to_contain_text("意向客户 → 签约客户")
    expect(page.locator("#contract")).to_contain_text("签约付 30%，验收后付 70%")
    expect(page.locator("#contract")).to_contain_text("¥150,000.00")
    assert problems == [], "\n".join(problems)

    other = _sign_in(browser.new_context(), live_server, "chenjing")
    assert other.goto(lead_url).status == 404
    manager = _sign_in(browser.new_context(), live_server, "wangqiang")
    assert manager.goto(lead_url).status == 200


def _board(browser, live_server, username, width=1366):
    page = _sign_in(browser.new_context(), live_server, username, width)
    problems = _watch(page)
    page.goto(f"{live_server}/deals/board")
    return page, problems


def test_focus_stays_on_the_moved_card_and_on_the_amount_after_esc(browser, live_server, app,
                                                                  people):
    deal_id = make_deal(app, "舜宇光学")
    page, problems = _board(browser, live_server, "zhangwei")
    page.clock.install()
    card = page.locator(f"#deal-{deal_id}")
    card.focus()
    expect(card).to_have_accessible_name(re.compile("舜宇光学.*¥0.00"))
    page.keyboard.press("ArrowRight")
    expect(_column(page, "intent").locator(f"#deal-{deal_id}")).to_be_visible()
    expect(card).to_be_focused()
    expect(page.locator(".board-intent .stage-total")).to_contain_text("1 个商机")

    undo = page.locator(".toast").get_by_role("button", name="撤销")
    undo.focus()
    page.clock.fast_forward("00:30")
    expect(undo).to_be_visible()  # the toast stays while it holds the focus
    undo.press("Enter")
    expect(_column(page, "potential").locator(f"#deal-{deal_id}")).to_be_visible()
    expect(card).to_be_focused()

    page.keyboard.press(" ")
    menu_item = card.get_by_role("button", name="移到意向客户")
    expect(menu_item).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu_item).to_be_hidden()
    expect(card).to_be_focused()

    amount = page.locator(f"#deal-{deal_id}-expected_value")
    amount.get_by_role("button").click()
    field = page.locator(f"#inline-{deal_id}-expected_value")
    expect(field).to_be_focused()
    page.keyboard.type("99")
    page.keyboard.press("Escape")
    expect(amount.get_by_role("button")).to_have_text("¥0.00")
    expect(amount.get_by_role("button")).to_be_focused()

    for _stop in ("menu", "title", "card"):  # back on the card: Enter opens the deal
        page.keyboard.press("Shift+Tab")
    expect(card).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server}/deals/{deal_id}")
    assert problems == [], "\n".join(problems)


def test_closing_the_signing_dialog_puts_the_card_back_and_focuses_it(browser, live_server,
                                                                      app, people):
    deal_id = make_deal(app, "舜宇光学")
    page, problems = _board(browser, live_server, "zhangwei")
    card = page.locator(f"#deal-{deal_id}")
    card.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".toast").filter(has_text="意向客户")).to_be_visible()
    page.keyboard.press("ArrowRight")
    sign = page.locator("#sign-dialog")
    expect(sign.get_by_label("合同价格（元）")).to_be_focused()
    page.keyboard.press("Escape")
    expect(sign).to_be_hidden()
    expect(_column(page, "intent").locator(f"#deal-{deal_id}")).to_be_visible()
    expect(card).to_be_focused()
    assert problems == [], "\n".join(problems)


def test_inline_edit_of_the_amount_with_enter_and_escape(browser, live_server, app, people):
    deal_id = make_deal(app, "舜宇光学")
    page, problems = _board(browser, live_server, "zhangwei")
    amount = page.locator(f"#deal-{deal_id}-expected_value")
    amount.get_by_role("button").click()
    field = page.locator(f"#inline-{deal_id}-expected_value")
    expect(field).to_be_focused()
    field.fill("99")
    field.press("Escape")
    expect(amount.get_by_role("button")).to_have_text("¥0.00")
    amount.get_by_role("button").click()
    expect(field).to_be_focused()  # the editor is live (htmx has processed it)
    field.fill("1.234")
    field.press("Enter")
    expect(page.locator(f"#inline-{deal_id}-expected_value-error")).to_contain_text("两位小数")
    expect(field).to_be_focused()
    field.fill("360,000")
    field.press("Enter")
    expect(amount.get_by_role("button")).to_have_text("¥360,000.00")
    expect(page.locator(".board-potential .stage-total")).to_contain_text("¥360,000.00")
    assert problems == [], "\n".join(problems)


SLOW_SETTLE = """document.addEventListener("DOMContentLoaded", () => {
  htmx.config.defaultSettleDelay = 1500; });"""


def test_enter_pressed_the_moment_the_editor_shows_saves_on_the_board(browser, live_server,
                                                                      app, people):
    """Issue 19: htmx binds a swapped-in form when it settles (20 ms later, longer on a busy
    machine); an Enter before that posted the form natively onto a bare fragment. The editor
    now settles at once; a busy machine is played by a long default settle."""
    deal_id = make_deal(app, "舜宇光学")
    page, problems = _board(browser, live_server, "zhangwei")
    page.add_init_script(SLOW_SETTLE)
    page.reload()
    page.locator(f"#deal-{deal_id}-expected_value").get_by_role("button").click()
    page.locator(f"#inline-{deal_id}-expected_value").fill("360000")
    page.locator(f"#inline-{deal_id}-expected_value").press("Enter")
    expect(page.locator(".board-potential .stage-total")).to_contain_text("¥360,000.00")
    expect(page).to_have_url(f"{live_server}/deals/board")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_director_sees_owners_and_filters_the_board_by_owner(browser, live_server, app,
                                                               people, width):
    mine = make_deal(app, "舜宇光学", owner="zhangwei")
    theirs = make_deal(app, "海康威视", owner="chenjing")
    page, problems = _board(browser, live_server, "zhaomin", width)
    expect(page.locator(f"#deal-{mine} .owner-chip")).to_contain_text("张伟")
    expect(page.locator(f"#deal-{theirs}")).to_have_accessible_name(re.compile("陈静"))
    _shot(page, f"board-director-{width}")
    page.get_by_role("combobox", name="负责人").focus()
    page.keyboard.type("zw")  # 张伟's initials in the owner picker
    expect(page.get_by_role("option", name="张伟")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(page.locator(f"#deal-{theirs}")).to_have_count(0)
    expect(page.locator(f"#deal-{mine}")).to_be_visible()
    expect(page.locator(".board-potential .stage-total")).to_contain_text("1 个商机")
    expect(page).to_have_url(re.compile(r"owner=\d+"))
    assert problems == [], "\n".join(problems)
