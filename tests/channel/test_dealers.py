"""Dealers (R-60): who sees them, the list kit (filters, pinyin search, keyset paging), the
page, status moves, and a fixed number of queries however many dealers there are."""

from sqlalchemy import insert, select

from crm.auth.models import User
from crm.auth.scopes import visible
from crm.channel import dealers as services
from crm.channel.models import Dealer
from crm.extensions import db
from crm.sales.models import Deal
from crm.web.search import pinyin_key
from tests.conftest import count_queries
from tests.sample_records import sample_records


def _dealer(name: str, province: str = "浙江", **values) -> int:
    dealer = services.save_dealer(None, {"name": name, "province": province, **values})
    db.session.commit()
    return dealer.id


def test_region_follows_the_province_and_names_are_unique(app, people):
    with app.test_request_context():
        dealer = db.session.get(Dealer, _dealer("杭州华信商贸有限公司", "浙江", city="杭州"))
        assert (dealer.region, dealer.status) == ("east", "applicant")
        assert db.session.get(Dealer, _dealer("广州粤达贸易有限公司", "广东")).region == "south"
        try:
            services.save_dealer(None, {"name": "杭州华信商贸有限公司", "province": "浙江"})
        except services.DomainError as error:
            assert error.field == "name"
        else:
            raise AssertionError("a second dealer of the same name was saved")


def test_channel_manager_creates_a_dealer_and_finds_it_by_pinyin(login, app):
    sunli = login("sunli")
    page = sunli.get("/dealers/new")
    key = page.get_data(as_text=True).split('name="form_key" type="hidden" value="')[1][:22]
    response = sunli.post("/dealers/new", {
        "form_key": key, "name": "苏州恒通机电有限公司", "province": "江苏", "city": "苏州",
        "grade": "A", "experience_years": "5", "warehouse_m2": "1200", "capital": "3000000",
        "manager_id": ""})
    assert response.status_code == 303
    assert "苏州恒通机电有限公司" in sunli.get(response.location).get_data(as_text=True)
    for term in ("恒通", "htjd", "hengtong"):
        found = sunli.get(f"/dealers?q={term}", htmx=True, target="dealer-list")
        assert "苏州恒通机电有限公司" in found.get_data(as_text=True), term
    text = sunli.get("/dealers?region=south").get_data(as_text=True)
    assert "苏州恒通机电有限公司</a>" not in text and "华南 <span" in text  # the filter's chip
    assert "苏州恒通机电有限公司" in sunli.get("/dealers?region=east&grade=A&status=applicant"
                                              "&sort=joined").get_data(as_text=True)


def test_status_moves_are_checked(login, app, people):
    with app.app_context():
        dealer_id = _dealer("温州瓯越贸易有限公司")
    sunli = login("sunli")
    refused = sunli.post(f"/dealers/{dealer_id}/status", {"status": "warned"})
    assert refused.status_code == 422  # an applicant becomes active only by approval
    with app.app_context():
        db.session.get(Dealer, dealer_id).status = "active"
        db.session.commit()
    assert sunli.post(f"/dealers/{dealer_id}/status", {"status": "warned"}).status_code == 303
    with app.app_context():
        assert db.session.get(Dealer, dealer_id).status == "warned"


def test_reps_see_only_the_dealers_of_their_own_deals(login, app):
    ids = sample_records(app)
    with app.app_context():
        other = _dealer("宁波甬商贸易有限公司")
        db.session.get(Deal, ids["deal_id"]).dealer_id = ids["dealer_id"]
        db.session.commit()
        zhangwei = db.session.scalar(select(User).where(User.username == "zhangwei"))
        chenjing = db.session.scalar(select(User).where(User.username == "chenjing"))
        sunli = db.session.scalar(select(User).where(User.username == "sunli"))
        assert set(db.session.scalars(visible(Dealer, zhangwei).with_only_columns(
            Dealer.id))) == {ids["dealer_id"]}
        assert list(db.session.scalars(visible(Dealer, chenjing))) == []
        assert {ids["dealer_id"], other} <= set(db.session.scalars(
            visible(Dealer, sunli).with_only_columns(Dealer.id)))
    rep = login("zhangwei")
    assert rep.get("/dealers").status_code == 403
    assert rep.get(f"/dealers/{ids['dealer_id']}").status_code == 403


def _bulk_dealers(app, n: int) -> None:
    with app.app_context():
        db.session.execute(insert(Dealer), [
            {"name": f"批量经销商{i:04d}", "search_key": pinyin_key(f"批量经销商{i:04d}"),
             "region": "east", "province": "浙江", "city": "", "grade": "B",
             "status": "active", "experience_years": 3, "warehouse_m2": 100, "capital": 0,
             "version": 1} for i in range(n)])
        db.session.commit()


def test_dealer_list_and_page_run_a_fixed_number_of_queries(login, app):
    sunli = login("sunli")
    _bulk_dealers(app, 10)
    with app.app_context():
        first = db.session.scalar(select(Dealer.id).order_by(Dealer.id))
    with count_queries(app) as small, count_queries(app) as small_page:
        sunli.get("/dealers")
    _bulk_dealers(app, 990)
    with count_queries(app) as large:
        page = sunli.get("/dealers")
    assert large.n == small.n
    assert "更多" in page.get_data(as_text=True)
    with count_queries(app) as dealer_page:
        sunli.get(f"/dealers/{first}")
    # agreements, application, contacts, trainings, materials and their totals: a fixed number
    # (tests/channel/test_enablement.py counts them with 10 and 1,000 trainings)
    assert dealer_page.n <= small_page.n + 5
