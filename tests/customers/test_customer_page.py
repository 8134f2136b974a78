"""The customer page (issue 11, item 12): the customer's leads, deals and contracts with stage
and amount, and a timeline whose entries name what they are about; provinces in English too
(item 17)."""

import re
from datetime import date
from decimal import Decimal

from crm.customers import services
from crm.extensions import db
from crm.sales import deals, funnel
from crm.sales.models import Deal
from tests.sales.test_deals import make_deal


def _section(page: str, title: str) -> str:
    return re.search(rf"<h2>{title}</h2>.*?</section>", page, re.S).group(0)


def _signed_customer(app) -> int:
    """A customer with a lead, a deal at intent and a signed one with its contract."""
    open_id = make_deal(app, "东莞智能装备制造有限公司")
    with app.test_request_context():
        deal = db.session.get(Deal, open_id)
        deal.expected_value = Decimal("186000")
        deals.move_deal(deal, funnel.stage("intent"))
        signed = deals.save_deal(None, {"title": "MES 二期", "customer_id": deal.customer_id,
                                        "owner_id": deal.owner_id,
                                        "expected_value": Decimal("320000")})
        deals.sign_deal(signed, price=Decimal("318000"), payment_method="installments",
                        payment_terms="签约付 30%", breach_liability="按日万分之五",
                        signed_at=date(2026, 11, 20))
        services.save_contact(None, deal.customer_id, {"name": "王芳", "title": "采购经理"})
        db.session.commit()
        return deal.customer_id


def test_the_customer_page_lists_its_leads_deals_and_contracts(app, login):
    customer_id = _signed_customer(app)
    page = login("zhangwei").get(f"/customers/{customer_id}").get_data(as_text=True)
    leads = _section(page, "线索")
    assert "东莞智能装备制造有限公司" in leads and "意向客户" in leads
    found = _section(page, "商机")
    assert "意向客户" in found and "¥186,000.00" in found
    assert "签约客户" in found and "MES 二期" in found
    contracts = _section(page, "合同")
    assert "¥318,000.00" in contracts and "2026-11-20" in contracts and "MES 二期" in contracts


def test_timeline_entries_name_what_they_are_about(app, login):
    customer_id = _signed_customer(app)
    rep = login("zhangwei")
    page = rep.get(f"/customers/{customer_id}").get_data(as_text=True)
    assert "新建联系人 王芳" in page and "新建客户 东莞智能装备制造有限公司" in page


def test_a_service_agent_sees_the_deals_but_no_leads(app, login):
    customer_id = _signed_customer(app)
    page = login("zhoujie").get(f"/customers/{customer_id}").get_data(as_text=True)
    assert "<h2>商机</h2>" in page and "<h2>线索</h2>" not in page


def test_provinces_read_in_english(app, login):
    from tests.customers.test_customers import make_customer

    customer_id = make_customer(app, "东莞智能装备制造有限公司", province="广东", city="东莞")
    rep = login("zhangwei")
    assert "广东 东莞" in rep.get(f"/customers/{customer_id}").get_data(as_text=True)
    rep.post("/language", {"lang": "en", "next": "/"})
    page = rep.get(f"/customers/{customer_id}").get_data(as_text=True)
    assert "Guangdong 东莞" in page  # the city is data, as entered
    assert '<option value="广东">Guangdong</option>' in rep.get(
        f"/customers/{customer_id}/edit").get_data(as_text=True).replace(' selected', '')
    assert ">Guangdong<" in rep.get("/customers").get_data(as_text=True)
