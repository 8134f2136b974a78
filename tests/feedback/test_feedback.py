"""R-18: a product's feedback from calls, complaints and surveys, its complaints and sales in
a period; the product manager marks an item acted on (once, with a note, audited)."""

import re
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.base import utcnow
from crm.contracts.models import Contract
from crm.extensions import db
from crm.feedback import sources
from crm.feedback.models import FeedbackAction
from crm.sales import products
from crm.sales.models import DealLine
from crm.satisfaction import services as satisfaction
from crm.satisfaction.models import Survey
from crm.service import complaints
from crm.service.models import Call
from tests.conftest import count_queries
from tests.contracts.helpers import make_contract
from tests.satisfaction.helpers import active_customer, open_round
from tests.service.helpers import make_customer, user_id


def _product(app, name: str = "智能网关") -> int:
    with app.app_context():
        product = products.save_product(None, {"name": name, "kind": "product", "price": 100},
                                        [])
        db.session.commit()
        return product.id


def _calls(app, customer_id: int, product_id: int | None, n: int, days_ago: int = 1) -> None:
    with app.app_context():
        at = utcnow() - timedelta(days=days_ago)
        db.session.execute(insert(Call), [
            {"customer_id": customer_id, "agent_id": user_id("zhoujie"), "direction": "in",
             "channel": "hotline", "notes": f"网关掉线第{i}次", "product_id": product_id,
             "at": at - timedelta(minutes=i)} for i in range(n)])
        db.session.commit()


def _feedback(app, product_id: int) -> int:
    """A complaint and a survey answer about the product; returns the survey's id."""
    customer = active_customer(app, "宁德时代新能源科技股份有限公司")
    survey_id = open_round(app)[customer]
    with app.test_request_context():
        agent = db.session.scalar(select(User).where(User.username == "zhoujie"))
        complaints.open_complaint(customer, agent.id, "网关频繁重启", "direct",
                                  product_id=product_id, feedback="固件需要升级", by=agent)
        satisfaction.answer(db.session.get(Survey, survey_id), agent, 8, 85, "希望支持远程升级",
                            product_id=product_id)
        db.session.commit()
    return survey_id


def test_the_page_lists_the_products_feedback_complaints_and_sales(app, login):
    product = _product(app)
    other = _product(app, "温控模块")
    survey_id = _feedback(app, product)
    customer = make_customer(app, "华为技术有限公司")
    _calls(app, customer, product, 1)
    _calls(app, customer, other, 1)  # another product's
    _calls(app, customer, product, 1, days_ago=200)  # before the period
    contract_id = make_contract(app, company="比亚迪股份有限公司")
    with app.app_context():
        deal_id = db.session.get(Contract, contract_id).deal_id
        contract = db.session.get(Contract, contract_id)
        contract.signed_at = utcnow().date()
        db.session.add(DealLine(deal_id=deal_id, product_id=product, quantity=Decimal("3"),
                                unit_price=Decimal("1000"), discount_percent=Decimal("10")))
        db.session.commit()
    page = login("hefang").get(f"/products/{product}/feedback").get_data(as_text=True)
    assert "网关频繁重启：固件需要升级" in page and "希望支持远程升级" in page
    assert page.count("网关掉线第0次") == 1  # this product's, in the period
    assert "¥2,700.00" in page
    assert f'id="survey-{survey_id}"' in page
    year = login("hefang").get(f"/products/{product}/feedback?days=365").get_data(as_text=True)
    assert year.count("网关掉线第0次") == 2
    only = login("hefang").get(f"/products/{product}/feedback?source=survey")
    assert "网关频繁重启" not in only.get_data(as_text=True)


def test_marking_an_item_acted_on_takes_a_note_once_and_is_audited(app, login):
    product = _product(app)
    survey_id = _feedback(app, product)
    manager = login("hefang")
    url = f"/products/{product}/feedback/survey/{survey_id}"
    refused = manager.post(url, {"note": ""})
    assert refused.status_code == 422
    assert f'id="acted-survey-{survey_id}-note-error"' in refused.get_data(as_text=True)
    assert manager.post(url, {"note": "已排入 3.2 版本"}).status_code == 303
    again = manager.post(url, {"note": "再次"})
    assert again.status_code == 422
    page = manager.get(f"/products/{product}/feedback").get_data(as_text=True)
    assert "已排入 3.2 版本" in page
    with app.app_context():
        action = db.session.scalar(select(FeedbackAction))
        assert (action.source, action.item_id, action.user.username) == (
            "survey", survey_id, "hefang")
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.model == "feedback_actions")) >= 1
    other = _product(app, "温控模块")  # the survey is not about that product
    assert manager.post(f"/products/{other}/feedback/survey/{survey_id}",
                        {"note": "x"}).status_code == 422
    assert manager.post(f"/products/{product}/feedback/memo/1",
                        {"note": "x"}).status_code == 404


def test_who_reads_and_who_marks(app, login):
    product = _product(app)
    survey_id = _feedback(app, product)
    assert login("zhangwei").get(f"/products/{product}/feedback").status_code == 403
    director = login("zhaomin")
    assert director.get(f"/products/{product}/feedback").status_code == 200
    assert director.post(f"/products/{product}/feedback/survey/{survey_id}",
                         {"note": "x"}).status_code == 403
    page = login("hefang").get(f"/products/{product}/feedback").get_data(as_text=True)
    assert f"/surveys/{survey_id}" not in page  # the product manager cannot open the survey
    assert "/products/" in login("hefang").get("/products").get_data(as_text=True)


def test_a_source_is_added_with_one_line(app):
    keys = [s.key for s in sources.FEEDBACK_SOURCES]
    assert keys[:3] == ["call", "complaint", "survey"] and len(set(keys)) == len(keys)


def test_the_page_query_count_does_not_grow_with_rows(app, login):
    product = _product(app)
    _feedback(app, product)
    customer = make_customer(app, "华为技术有限公司")
    manager = login("hefang")
    url = f"/products/{product}/feedback"

    def queries() -> int:
        with count_queries(app) as counter:
            assert manager.get(url).status_code == 200
        return counter.n

    _calls(app, customer, product, 10)
    small = queries()
    _calls(app, customer, product, 990)
    assert queries() == small


def test_each_items_form_names_its_own_field_and_one_time_key(app, login):
    product = _product(app)
    _feedback(app, product)
    _calls(app, make_customer(app, "华为技术有限公司"), product, 2)
    manager = login("hefang")
    page = manager.get(f"/products/{product}/feedback").get_data(as_text=True)
    forms = re.findall(r'feedback/(\w+)/(\d+)" novalidate>\s*<input type="hidden" '
                       r'name="csrf_token" value="[^"]*"><input name="form_key" type="hidden" '
                       r'value="([^"]+)">', page)
    assert len(forms) >= 3 and len({key for _s, _i, key in forms}) == len(forms)
    for source, item_id, _key in forms:
        note = f"acted-{source}-{item_id}-note"
        assert f'id="{note}"' in page and f'for="{note}"' in page
    for source, item_id, key in forms:  # one posted after the other: each is recorded
        assert manager.post(f"/products/{product}/feedback/{source}/{item_id}",
                            {"note": "已处理", "form_key": key}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FeedbackAction)) == len(forms)
