"""In the browser (issue 15, R-34): an agent enters a survey's answers below the threshold and
finds the improvement plan it opened, owned by the service director."""

from playwright.sync_api import expect

from tests.satisfaction.helpers import active_customer, open_round


def test_an_answer_below_the_threshold_opens_the_improvement_plan(app, signed_in, live_server):
    customer = active_customer(app, "宁德时代新能源科技股份有限公司")
    survey_id = open_round(app)[customer]
    page = signed_in("zhoujie")
    page.goto(f"{live_server}/surveys")
    expect(page.locator("#survey-progress")).to_contain_text("已调研 0/1")
    page.get_by_role("link", name="宁德时代新能源科技股份有限公司").click()
    expect(page).to_have_url(f"{live_server}/surveys/{survey_id}")
    expect(page.get_by_label("NPS 净推荐值：客户是否愿意推荐我们？（0-10）")).to_be_focused()
    page.keyboard.type("7")
    page.keyboard.press("Tab")
    page.keyboard.type("65")
    page.get_by_label("建议与问题").fill("安装调试拖了两周")
    page.get_by_role("button", name="保存调研结果").click()
    expect(page.locator("#toasts")).to_contain_text("已建立改进计划")
    page.get_by_role("link", name="改进计划").first.click()
    expect(page.locator("h1")).to_contain_text("改进计划：宁德时代新能源科技股份有限公司")
    expect(page.locator(".page-head")).to_contain_text("负责人：林静")
    expect(page.locator("main")).to_contain_text("安装调试拖了两周")
    page.goto(f"{live_server}/surveys")
    expect(page.locator("#survey-progress")).to_contain_text("已调研 1/1")
