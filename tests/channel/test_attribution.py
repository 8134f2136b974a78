"""Attribution (R-19): leads, customers and deals name the dealer they came from, so each
dealer's new customers and signed revenue per quarter are known; complaints come from the
service desk's registered counter."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from crm.auth.models import User
from crm.channel import dealers, figures
from crm.channel.figures import Quarter
from crm.contracts.models import Contract
from crm.contracts.services import contract_number
from crm.customers import services as customers
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales import deals
from crm.sales import leads as sales
from crm.sales.models import Deal
from crm.service import complaints
from tests.sample_records import sample_records


def _active_dealer(name: str) -> int:
    dealer = dealers.save_dealer(None, {"name": name, "province": "江苏"})
    dealer.status = "active"
    db.session.commit()
    return dealer.id


def test_a_lead_from_a_dealer_makes_a_dealer_deal_and_customer(app, people):
    with app.test_request_context():
        dealer_id = _active_dealer("无锡锡达商贸有限公司")
        owner = db.session.scalar(select(User.id).where(User.username == "zhangwei"))
        lead = sales.save_lead(None, {"company_name": "锡山机床厂", "source": "dealer",
                                      "dealer_id": dealer_id}, owner_id=owner)
        deal = deals.convert_lead(lead)
        db.session.commit()
        assert (deal.channel, deal.dealer_id) == ("dealer", dealer_id)
        assert db.session.get(Customer, deal.customer_id).dealer_id == dealer_id


def test_the_deal_form_chooses_the_dealer_and_the_rep_reads_its_name(login, app):
    ids = sample_records(app)
    with app.app_context():
        dealer_id = _active_dealer("常州龙城贸易有限公司")
        version = db.session.get(Deal, ids["deal_id"]).version
    rep = login("zhangwei")
    form = rep.get(f"/deals/{ids['deal_id']}/edit").get_data(as_text=True)
    assert "常州龙城贸易有限公司" in form
    response = rep.post(f"/deals/{ids['deal_id']}/edit", {
        "title": "改造", "customer_id": ids["customer_id"], "owner_id": _user_id(app, "zhangwei"),
        "expected_value": "1000", "channel": "direct", "dealer_id": dealer_id,
        "version": version})
    assert response.status_code == 303
    with app.app_context():
        deal = db.session.get(Deal, ids["deal_id"])
        assert (deal.channel, deal.dealer_id) == ("dealer", dealer_id)
    assert "常州龙城贸易有限公司" in rep.get(f"/deals/{ids['deal_id']}").get_data(as_text=True)
    other = login("chenjing")
    assert other.get(f"/deals/{ids['deal_id']}").status_code == 404


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _customer(name: str, dealer_id: int, created: datetime, owner: int) -> Customer:
    customer = customers.save_customer(None, {"name": name, "owner_id": owner,
                                              "dealer_id": dealer_id})
    customer.created_at = created
    return customer


def test_quarter_figures_per_dealer(app, people):
    with app.test_request_context():
        owner = db.session.scalar(select(User.id).where(User.username == "zhangwei"))
        first, second = _active_dealer("甲经销商有限公司"), _active_dealer("乙经销商有限公司")
        q3 = Quarter(2026, 3)
        inside = _customer("季度内客户", first, datetime(2026, 8, 1, tzinfo=UTC), owner)
        _customer("上季度客户", first, datetime(2026, 6, 30, 23, tzinfo=UTC), owner)
        _customer("下季度客户", second, datetime(2026, 10, 1, tzinfo=UTC), owner)
        deal = deals.save_deal(None, {"title": "项目", "customer_id": inside.id,
                                      "owner_id": owner, "dealer_id": first})
        for price, signed in (("100000", date(2026, 7, 1)), ("50000", date(2026, 9, 30)),
                              ("70000", date(2026, 10, 1))):
            db.session.add(Contract(deal_id=deal.id, customer_id=inside.id, owner_id=owner,
                                    price=Decimal(price), payment_method="bank_transfer",
                                    payment_terms="-", breach_liability="-", signed_at=signed,
                                    number=contract_number(signed, deal.id)))
        db.session.commit()
        assert figures.new_customers([first, second], q3) == {first: 1}
        assert figures.customers_sold([first, second], q3) == {first: 2}
        assert figures.signed_revenue([first, second], q3) == {first: Decimal("150000")}
        agent = db.session.scalar(select(User).where(User.username == "zhoujie"))
        for at in (datetime(2026, 8, 2, tzinfo=UTC), datetime(2026, 10, 2, tzinfo=UTC)):
            complaints.open_complaint(inside.id, agent.id, "交付延迟", "direct",
                                      by=agent).created_at = at
        db.session.flush()
        # the service desk counts the complaints about the dealer's customers in the quarter
        assert figures.complaint_counts([first, second], q3) == {first: 1}


def test_quarters_step_over_years():
    assert Quarter.of(date(2026, 12, 31)) == Quarter(2026, 4)
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2027, 1).previous() == Quarter(2026, 4)
    assert Quarter(2026, 4).end == date(2027, 1, 1)
    assert Quarter.from_key(Quarter(2026, 2).key) == Quarter(2026, 2)
