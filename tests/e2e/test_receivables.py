"""Finance records a partial payment on the contract page: the contract's outstanding and its
aging buckets change in place, without a reload (R-20)."""

from datetime import timedelta

from playwright.sync_api import expect

from crm.base import utcnow
from tests.contracts.helpers import make_contract


def test_a_partial_payment_updates_the_outstanding_and_the_buckets_in_place(
        app, browser_problems, signed_in, live_server):
    today = (utcnow() + timedelta(hours=8)).date()
    contract_id = make_contract(app, price="100000.00", schedule=[
        (today - timedelta(days=40), "30000"), (today + timedelta(days=30), "70000")])
    page = signed_in("zhengshuang")
    page.goto(f"{live_server}/contracts/{contract_id}")
    page.evaluate("window.notReloaded = true")
    outstanding = page.locator("#contract-outstanding")
    expect(outstanding).to_have_text("¥100,000.00")
    expect(page.locator('[data-bucket="d31_60"]')).to_have_text("¥30,000.00")

    page.get_by_label("金额（元；退款填负数）").fill("12,000")
    page.get_by_label("凭证号").fill("HX20261128")
    page.get_by_role("button", name="登记收款").click()

    expect(outstanding).to_have_text("¥88,000.00")
    expect(page.locator('[data-bucket="d31_60"]')).to_have_text("¥18,000.00")
    expect(page.locator('[data-bucket="not_due"]')).to_have_text("¥70,000.00")
    expect(page.locator("#receivables")).to_contain_text("HX20261128")
    assert page.evaluate("window.notReloaded") is True
