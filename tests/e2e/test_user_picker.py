"""In the browser (issue 20): the customer list's owner filter is the user picker. A manager
types a rep's pinyin initials, arrows and Enter choose, the list narrows to that rep's
customers and a chip names the rep; the form's owner is the same control."""

import re

from playwright.sync_api import expect

from tests.service.helpers import make_customer, user_id


def test_a_manager_filters_customers_by_owner_with_the_keyboard(app, signed_in, live_server):
    make_customer(app, "华为技术有限公司", owner="zhangwei")
    make_customer(app, "比亚迪股份有限公司", owner="liuyang")
    page = signed_in("wangqiang")
    page.goto(live_server + "/customers")
    picker = page.get_by_role("combobox", name="负责人")
    picker.focus()
    page.keyboard.type("ly")
    expect(page.get_by_role("option", name="刘洋")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(picker).to_have_value("刘洋")
    with app.app_context():
        liuyang = user_id("liuyang")
    expect(page).to_have_url(re.compile(rf"owner={liuyang}"))
    rows = page.locator("#customer-rows")
    expect(rows).to_contain_text("比亚迪股份有限公司")
    expect(rows).not_to_contain_text("华为技术有限公司")
    expect(page.locator(".chip-remove")).to_contain_text("负责人：刘洋")

    picker.fill("")  # cleared: everyone's again
    expect(rows).to_contain_text("华为技术有限公司")
    picker.focus()
    page.keyboard.type("w")  # 王强, then 张伟 (pinyin order)
    expect(page.get_by_role("option", name="王强")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("option", name="张伟")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(picker).to_have_value("张伟")
    expect(rows).not_to_contain_text("比亚迪股份有限公司")


def test_the_new_customer_form_takes_its_owner_from_the_picker(app, signed_in, live_server):
    page = signed_in("wangqiang")
    page.goto(live_server + "/customers/new")
    page.get_by_label("公司名称").fill("宁波舜宇光学科技有限公司")
    owner = page.get_by_role("combobox", name="负责人")
    expect(owner).to_have_value("王强")
    owner.fill("")
    owner.focus()
    page.keyboard.type("zw")
    expect(page.get_by_role("option", name="张伟")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Enter")
    expect(owner).to_have_value("张伟")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("宁波舜宇光学科技有限公司")
    expect(page.locator("main")).to_contain_text("张伟")
