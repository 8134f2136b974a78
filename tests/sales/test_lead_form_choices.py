"""The lead form offers what the user may choose (their teams and reps) and says which customer
the typed company becomes (issue 11, item 10)."""

import re

from sqlalchemy import select

from crm.auth.models import User
from crm.customers import services as customers
from crm.extensions import db


def _options(html: str, select_id: str) -> list[str]:
    found = re.search(rf'<select[^>]*id="{select_id}".*?</select>', html, re.S)
    return re.findall(r"<option[^>]*>([^<]*)</option>", found.group(0))


def test_the_team_select_lists_only_the_users_own_teams(login):
    rep_teams = _options(login("zhangwei").get("/leads/new").get_data(as_text=True), "team_id")
    assert rep_teams == ["—", "华东销售一组"]  # not 法务部, 财务部 or the other region
    manager = login("lina").get("/leads/new").get_data(as_text=True)
    assert _options(manager, "team_id") == ["—", "华南大区", "华南销售一组"]
    director = _options(login("zhaomin").get("/leads/new").get_data(as_text=True), "team_id")
    assert director == ["—", "华东大区", "华南大区", "华东销售一组", "华南销售一组"]


def test_the_owner_is_picked_among_the_user_and_the_reps_they_manage(login):
    """The owner is the user picker (issue 20): the form names the user only; suggestions
    come from the rule "rep"."""
    rep = login("zhangwei")
    page = rep.get("/leads/new").get_data(as_text=True)
    owner = re.search(r'<div class="picker" data-picker data-suggest-url="([^"]*)">'
                      r'<input[^>]*id="owner_id"[^>]*value="张伟"', page)
    assert owner.group(1) == "/users/suggest/rep" and "<option" not in _owner_part(page)

    def names(client, term):
        html = client.get(f"/users/suggest/rep?q={term}", htmx=True).get_data(as_text=True)
        return re.findall(r'data-name="([^"]*)"', html)

    assert names(rep, "zhang") == ["张伟"] and names(rep, "liu") == []
    manager = login("wangqiang")
    assert {*names(manager, "wang"), *names(manager, "zhang"), *names(manager, "liu"),
            *names(manager, "chen")} == {"王强", "张伟", "刘洋"}


def _owner_part(page: str) -> str:
    return page[page.index('id="owner_id"'):page.index('id="owner_id-listbox"')]


def test_an_edited_lead_keeps_a_team_outside_the_choices(app, login):
    from tests.sales.test_leads import make_lead

    with app.app_context():
        legal = db.session.scalar(select(User.team_id).where(User.username == "fenglv"))
    lead_id = make_lead(app, "宁德新能源科技有限公司", team_id=legal)
    page = login("zhangwei").get(f"/leads/{lead_id}/edit").get_data(as_text=True)
    assert _options(page, "team_id")[-1] == "法务部"


def test_the_hint_says_which_customer_the_typed_company_becomes(app, login):
    rep = login("zhangwei")
    with app.app_context():
        owner = db.session.scalar(select(User.id).where(User.username == "zhangwei"))
        customer = customers.save_customer(None, {"name": "苏州精工机械制造有限公司",
                                                  "owner_id": owner})
        db.session.commit()
        customer_id = customer.id

    def hint(**args):
        response = rep.get("/leads/customer-hint", query_string=args, htmx=True,
                           target="customer-hint")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    new = hint(company_name="常州新能源有限公司", owner_id=owner)
    assert "转为商机时将新建客户：" in new and "<strong>常州新能源有限公司</strong>" in new
    same = hint(company_name="苏州精工机械制造（有限公司）", owner_id=owner)
    assert "关联已有客户" in same and f'href="/customers/{customer_id}"' in same
    assert "进入公海" in hint(company_name="常州新能源有限公司")
    chosen = hint(company_name="别的名字", customer_id=customer_id)
    assert "商机将关联客户" in chosen and "苏州精工机械制造有限公司" in chosen
    assert hint(company_name="").count("<a") == 0


def test_the_form_shows_the_hint_and_asks_for_it_as_the_company_is_typed(login):
    page = login("zhangwei").get("/leads/new").get_data(as_text=True)
    company = re.search(r'<input[^>]*id="company_name"[^>]*>', page).group(0)
    assert 'hx-get="/leads/customer-hint"' in company
    assert 'hx-trigger="input changed delay:300ms"' in company
    assert 'id="customer-hint"' in page
