"""In the browser: marketing plans a campaign and submits it, the director approves it, and
the kickoff minutes' action item lands in its owner's agenda (R-51..R-53)."""

from datetime import date, timedelta

from playwright.sync_api import expect


def _sign_in(page, live_server: str, username: str):
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("Demo#2026crm")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/")
    return page


def test_plan_approve_and_kick_off_a_campaign(signed_in, live_server, browser,
                                              browser_problems):
    starts = date.today() + timedelta(days=30)
    marketing = signed_in("machao")
    marketing.goto(f"{live_server}/campaigns/new")
    marketing.get_by_label("名称").fill("工博会参展")
    marketing.get_by_label("类型").select_option(label="展会")
    marketing.get_by_label("开始日期").fill(starts.isoformat())
    marketing.get_by_label("结束日期").fill((starts + timedelta(days=3)).isoformat())
    marketing.get_by_label("预算（元）").fill("180000")
    marketing.get_by_role("button", name="保存").click()
    expect(marketing.locator("h1")).to_contain_text("草稿")
    campaign_url = marketing.url
    marketing.get_by_role("button", name="提交审批").click()
    expect(marketing.locator("h1")).to_contain_text("待审批")
    expect(marketing.locator("#approvals")).to_contain_text("总监")

    director = _sign_in(browser.new_page(), live_server, "zhaomin")
    director.goto(f"{live_server}/campaigns/approvals")
    director.get_by_role("link", name="工博会参展").click()
    director.get_by_label("意见（驳回须说明理由）").fill("同意参展")
    director.get_by_role("button", name="记录审批结果").click()
    expect(director.locator("h1")).to_contain_text("已批准")
    expect(director.locator("#approvals")).to_contain_text("同意参展")
    director.close()

    marketing.goto(campaign_url)
    marketing.locator("#phases tr", has_text="启动会").get_by_role(
        "link", name="记录会议纪要").click()
    expect(marketing.get_by_label("书面记录")).to_have_value("目标：\n\n分工：\n\n")
    marketing.get_by_label("议题").fill("参展目标与分工")
    marketing.get_by_label("决议").fill("马超负责展台，线上同步直播")
    marketing.locator("#actions-0-what").fill("确认展台搭建方案")
    marketing.locator("#actions-0-due_on").fill((date.today() + timedelta(days=5)).isoformat())
    marketing.get_by_role("button", name="保存").click()
    expect(marketing.locator(".toast-success")).to_contain_text("会议纪要已记录")
    marketing.goto(f"{live_server}/followups")
    expect(marketing.get_by_text("确认展台搭建方案")).to_be_visible()
