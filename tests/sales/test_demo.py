"""Demo data that looks real (issue 11, item 16): places and phone numbers that match, contacts
who are not the staff, and a day's work for every demo user."""

import re

from sqlalchemy import select

from crm.auth.demo import USERS
from crm.auth.models import User
from crm.customers.models import Contact, Customer
from crm.extensions import db
from crm.sales import funnel

# Where the demo's cities are and their telephone area codes (checked against the real ones).
PLACES = {
    "上海": ("上海", "021"), "苏州": ("江苏", "0512"), "无锡": ("江苏", "0510"),
    "南京": ("江苏", "025"), "常州": ("江苏", "0519"), "南通": ("江苏", "0513"),
    "杭州": ("浙江", "0571"), "宁波": ("浙江", "0574"), "温州": ("浙江", "0577"),
    "合肥": ("安徽", "0551"), "深圳": ("广东", "0755"), "广州": ("广东", "020"),
    "东莞": ("广东", "0769"), "佛山": ("广东", "0757"), "珠海": ("广东", "0756"),
    "中山": ("广东", "0760"), "惠州": ("广东", "0752"), "汕头": ("广东", "0754"),
    "厦门": ("福建", "0592"),
}
MOBILE = re.compile(r"^1(3\d|5[0-35-9]|7[37]|8\d|99)\d{8}$")
REPS = [u[0] for u in USERS if u[3] == ["sales"]]


def test_places_and_phone_numbers_match_the_companies(app, demo):
    with app.app_context():
        customers = db.session.scalars(select(Customer)).all()
        contacts = db.session.execute(select(Contact, Customer.city).join(Contact.customer)).all()
        staff = set(db.session.scalars(select(User.name)))
    assert len(customers) == 20
    for customer in customers:
        province, area = PLACES[customer.city]
        assert customer.city in customer.name and customer.province == province, customer.name
        assert customer.phone.startswith(f"{area}-") and len(customer.phone) == len(area) + 9
    for contact, city in contacts:
        assert MOBILE.match(contact.mobile), contact.mobile
        assert contact.phone.startswith(PLACES[city][1] + "-")
        assert contact.name not in staff  # a contact called 李娜 would be taken for the manager


def _figures(page: str) -> dict[str, int]:
    found = re.findall(r'<span class="stat-value">([\d,]+)</span>\s*'
                       r'<span class="stat-label">([^<]+)</span>', page)
    return {label: int(value.replace(",", "")) for value, label in found}


def test_every_demo_user_has_a_day_to_work_through(app, demo, login):
    for username, *_ in USERS:
        figures = _figures(login(username).get("/").get_data(as_text=True))
        assert figures["逾期"] and figures["今日到期"] and figures["未读通知"], username
        if username in REPS:
            assert figures["即将退回公海"] and figures["本月预计成交"], username


def test_every_rep_has_deals_in_every_stage(app, demo, login):
    with app.app_context():
        codes = [s.code for s in funnel.stages()]
    for username in REPS:
        rep = login(username)
        for code in codes:
            page = rep.get(f"/deals?stage={code}").get_data(as_text=True)
            assert not re.search(r"共 0 个商机|>0 个商机", page), (username, code)
            assert 'class="stage stage-' + code in page, (username, code)
