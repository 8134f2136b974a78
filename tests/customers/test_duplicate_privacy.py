"""The duplicate check warns of someone else's customer (撞单) without revealing it (issue 10,
defect 6): only that it exists and who owns it, exact matches of the normalised key only,
every such lookup audited, and the owner withheld past the per-user hourly limit."""

import pytest
from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.customers import services
from crm.extensions import db
from crm.settings.services import save_settings
from tests.customers.test_customers import _form, _user_id, make_customer

CODE = "914403001922038216"


@pytest.fixture
def foreign(app, people):
    """liuyang's customer, which zhangwei may not see."""
    customer_id = make_customer(app, "华为技术有限公司", owner="liuyang", credit_code=CODE,
                                phone="0755-28780808")
    with app.app_context():
        services.save_contact(None, customer_id, {"name": "任正非", "mobile": "13912345678",
                                                  "email": "ren@huawei.example"})
        db.session.commit()
    return customer_id


def _check(rep, **typed) -> str:
    response = rep.get("/customers/duplicates", query_string=typed, htmx=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _lookups(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(select(
            AuditEntry.user_id, AuditEntry.record_id, AuditEntry.field, AuditEntry.new)
            .where(AuditEntry.action == "lookup").order_by(AuditEntry.id)).all()


@pytest.mark.parametrize("typed", [
    {"credit_code": CODE}, {"phone": "0755 2878 0808"}, {"phone": "+86 139-1234-5678"},
    {"email": "REN@huawei.example"}, {"name": "华为技术（有限公司）"},
])
def test_someone_elses_customer_shows_only_that_it_exists_and_whose_it_is(
        app, login, foreign, typed):
    html = _check(login("zhangwei"), **typed)
    assert "刘洋的客户" in html
    assert "华为技术有限公司" not in html and f"/customers/{foreign}" not in html
    assert "任正非" not in html


def test_a_customer_the_user_may_see_is_named_and_linked(app, login, foreign):
    html = _check(login("wangqiang"), credit_code=CODE)  # liuyang's manager
    assert "华为技术有限公司" in html and f'href="/customers/{foreign}"' in html
    assert _lookups(app) == []  # nothing hidden, nothing to audit


@pytest.mark.parametrize("typed", [
    {"name": "华为"}, {"name": "华为技术深圳"}, {"phone": "0808"}, {"phone": "28780808"},
    {"email": "huawei.example"}, {"credit_code": CODE[:17]},
])
def test_only_exact_matches_of_the_normalised_key_count(app, login, foreign, typed):
    html = _check(login("zhangwei"), **typed)
    assert "刘洋" not in html and "duplicates" not in html
    assert _lookups(app) == []


def test_each_lookup_that_hits_a_hidden_customer_is_audited(app, login, foreign):
    rep = login("zhangwei")
    typed = "９１４４０３００１９２２０３８２１６"  # full-width: the same key once normalised
    _check(rep, credit_code=typed)
    _check(rep, name="小米科技")  # no match: not a probe of anyone's customer
    with app.app_context():
        me = _user_id("zhangwei")
    assert _lookups(app) == [(me, foreign, "credit_code", typed)]
    trail = login("zhaomin").get("/audit").get_data(as_text=True)
    assert "查重" in trail and typed in trail
    own = login("liuyang").get(f"/customers/{foreign}").get_data(as_text=True)
    assert typed not in own  # the owner's timeline lists changes, not lookups


def test_past_the_hourly_limit_the_owner_is_withheld(app, login, foreign):
    with app.test_request_context():
        save_settings({"duplicate_lookups_per_hour": 2})
        db.session.commit()
    rep = login("zhangwei")
    for _ in range(2):
        assert "刘洋的客户" in _check(rep, credit_code=CODE)
    html = _check(rep, credit_code=CODE)
    assert "刘洋" not in html and "同事的客户" in html
    assert len(_lookups(app)) == 3  # the refused lookups are in the trail too
    assert "刘洋的客户" in _check(login("chenjing"), credit_code=CODE)  # per user


def test_saving_a_new_customer_warns_the_same_way_and_audits_the_attempt(app, login, foreign):
    rep = login("zhangwei")
    with app.app_context():
        me = _user_id("zhangwei")
    response = rep.post("/customers/new", _form(me, name="深圳某公司", phone="0755-28780808"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "刘洋的客户" in html and "华为技术有限公司" not in html
    assert _lookups(app) == [(me, foreign, "phone", "0755-28780808")]


def test_the_customer_page_lists_only_duplicates_the_user_may_see(app, login, foreign):
    mine = make_customer(app, "华为深圳", owner="zhangwei", phone="0755-28780808")
    page = login("zhangwei").get(f"/customers/{mine}").get_data(as_text=True)
    assert "华为技术有限公司" not in page and f"/merge/{foreign}" not in page
    manager = login("wangqiang").get(f"/customers/{mine}").get_data(as_text=True)
    assert f"/merge/{foreign}" in manager
