"""Lists on a phone (390 px) show results first: the search and a Filter button share a row,
the dropdowns open from it, the search does not pop the keyboard up, and each record is a
compact card whose values stay beside their labels (issue 11, defect 15)."""

import pytest
from playwright.sync_api import expect

from tests.sales.test_deals import make_deal

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def customers(app):
    for name in ("宁波舜宇光学科技有限公司", "杭州海康威视数字技术股份有限公司"):
        make_deal(app, name)


def _signed_in(browser, live_server, viewport):
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("zhangwei")
    page.get_by_label("密码").fill("Demo#2026crm")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/")
    return page


def test_on_a_phone_the_results_come_first_in_compact_cards(browser, live_server, people,
                                                            customers):
    page = _signed_in(browser, live_server, PHONE)
    page.goto(f"{live_server}/customers")
    search, grade = page.get_by_role("searchbox"), page.get_by_label("等级")
    expect(search).to_be_visible()
    expect(search).not_to_be_focused()
    expect(grade).to_be_hidden()
    first_card = page.locator("#customer-list tbody tr").first
    assert first_card.bounding_box()["y"] + first_card.bounding_box()["height"] < PHONE["height"]

    toggle = page.get_by_role("button", name="筛选")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    grade.select_option("A")
    expect(toggle).to_have_text("筛选 · 1")
    expect(page).to_have_url(f"{live_server}/customers?q=&grade=A&province=&target=&sort=name")


def test_a_phone_card_takes_four_lines_at_most_and_no_value_leaves_its_label(
        browser, live_server, people, customers):
    page = _signed_in(browser, live_server, PHONE)
    for path, list_id in (("/customers", "customer-list"), ("/leads", "lead-list"),
                          ("/deals", "deal-list")):
        page.goto(f"{live_server}{path}")
        card = page.locator(f"#{list_id} tbody tr").first
        line = card.locator("td").nth(1).bounding_box()["height"]
        assert card.bounding_box()["height"] <= 5 * line + 24, path  # 4 lines and padding
        for cell in card.locator("td").all()[1:]:
            assert cell.bounding_box()["height"] <= line + 2, f"{path}: {cell.inner_text()}"


def test_on_a_wide_screen_the_filters_show_and_the_search_takes_the_focus(
        browser, live_server, people, customers):
    page = _signed_in(browser, live_server, DESKTOP)
    page.locator("nav.nav-wide").get_by_role("link", name="客户", exact=True).click()
    expect(page.get_by_role("searchbox")).to_be_focused()
    expect(page.get_by_label("等级")).to_be_visible()
    expect(page.get_by_role("button", name="筛选")).to_be_hidden()
