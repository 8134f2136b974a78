"""In the browser (issue 15, R-32): C on the home page opens the call dialog with the cursor in
the customer picker; pinyin initials find the customer; the call is filled and saved by
keyboard alone (at most 12 key presses after the customer is chosen); a toast links to the
customer; on the customer's page the call joins the timeline without a reload."""

from playwright.sync_api import expect

from tests.service.helpers import make_customer

KEY_BUDGET = 12


class Keys:
    """Key presses after the customer is chosen: a typed word counts as its characters."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, key: str):
        self.count += 1
        self.page.keyboard.press(key)

    def type(self, text: str):
        self.count += len(text)
        self.page.keyboard.type(text)


def _choose_customer(page, initials: str, name: str):
    picker = page.get_by_role("combobox", name="客户")
    expect(picker).to_be_focused()
    page.keyboard.type(initials)
    expect(page.get_by_role("option", name=name)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(picker).to_have_value(name)


def test_an_agent_logs_a_call_by_keyboard_from_the_home_page(app, signed_in, live_server):
    make_customer(app, "华为技术有限公司", contact={"name": "王芳"})
    page = signed_in("zhoujie")
    page.goto(live_server + "/")
    page.keyboard.press("c")
    dialog = page.locator("#call-dialog")
    expect(dialog).to_be_visible()
    _choose_customer(page, "hwjs", "华为技术有限公司")
    keys = Keys(page)
    expect(page.get_by_label("记录内容")).to_be_focused()
    keys.type("发票")
    keys.press("Tab")  # the direction: incoming, as last time
    keys.press("ArrowRight")  # outgoing
    keys.press("Enter")
    assert keys.count <= KEY_BUDGET
    expect(dialog).to_be_hidden()
    toast = page.locator("#toasts .toast", has_text="已记录与华为技术有限公司的通话")
    expect(toast).to_be_visible()
    toast.get_by_role("link", name="打开客户").click()
    expect(page.locator("#customer-timeline")).to_contain_text("去电 · 400 热线: 发票")


def test_on_the_customers_page_the_call_joins_the_timeline_without_a_reload(
        app, signed_in, live_server):
    customer_id = make_customer(app, "深圳市腾讯计算机系统有限公司")
    page = signed_in("zhoujie")
    page.goto(f"{live_server}/customers/{customer_id}")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("link", name="记录通话").first.click()
    _choose_customer(page, "szstx", "深圳市腾讯计算机系统有限公司")
    page.keyboard.type("咨询续费")
    page.keyboard.press("Enter")
    expect(page.locator("#customer-timeline")).to_contain_text("来电 · 400 热线: 咨询续费")
    assert page.evaluate("window.stillTheSamePage") is True


def test_a_late_answer_for_the_contacts_does_not_reopen_the_saved_call(
        app, signed_in, live_server):
    """Choosing the customer asks for its contacts; when that answer comes after the call is
    saved (a quick agent, a busy server), the closed dialog stays closed."""
    make_customer(app, "华为技术有限公司", contact={"name": "王芳"})
    page = signed_in("zhoujie")
    held = []
    page.route("**/service/calls/contacts*", lambda route: held.append(route))  # held back
    page.keyboard.press("c")
    _choose_customer(page, "hwjs", "华为技术有限公司")
    page.keyboard.type("交付延迟三天")
    page.keyboard.press("Enter")
    dialog, saved = page.locator("#call-dialog"), "已记录与华为技术有限公司的通话"
    expect(page.locator("#toasts .toast", has_text=saved)).to_be_visible()
    expect(dialog).to_be_hidden()
    assert len(held) == 1
    with page.expect_response("**/service/calls/contacts*"):
        held[0].continue_()
    expect(page.locator("#call-dialog select[name=contact_id] option", has_text="王芳")) \
        .to_have_count(1)  # the late answer was swapped in
    expect(dialog).to_be_hidden()
