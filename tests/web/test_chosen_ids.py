"""Team, owner and assignee ids are limited to what the user may choose, on every form that
takes one (issue 10, defect 3): anything else is 422 beside the field and changes nothing."""

import pytest
from sqlalchemy import func, select

from crm.auth.models import Team, User
from crm.customers.models import Customer
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.sales.models import Deal, Lead
from tests.web.form_catalogue import ENTRIES, ids

FORMS = {e.endpoint: e for e in ENTRIES}


def _team(name: str) -> int:
    return db.session.scalar(select(Team.id).where(Team.name == name))


def _user(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _post(app, login, endpoint: str, username: str, **values):
    entry = FORMS[endpoint]
    records = ids(app)
    with app.app_context():
        data = entry.data(records) | {k: v(records) if callable(v) else v
                                      for k, v in values.items()}
    return login(username).post(entry.url(records), data)


@pytest.mark.parametrize(("username", "team", "status"), [
    ("zhangwei", "华南销售一组", 422),  # another region's team: the defect
    ("zhangwei", "华东大区", 422),  # the rep's region is not the rep's team
    ("zhangwei", "华东销售一组", 303),
    ("wangqiang", "华东销售一组", 303),  # a manager: the region and the teams below it
    ("wangqiang", "华南销售一组", 422),
    ("zhaomin", "华南销售一组", 303),  # a director: any team
])
def test_a_lead_is_filed_only_under_a_team_the_user_may_choose(app, login, username, team,
                                                               status):
    ids(app)
    with app.app_context():
        team_id, before = _team(team), _count(Lead)
    response = _post(app, login, "leads.new", username, team_id=team_id,
                     owner_id=lambda i: _user(username))
    assert response.status_code == status
    with app.app_context():
        assert _count(Lead) == before + (status == 303)
    if status == 422:
        assert 'id="team_id-error"' in response.get_data(as_text=True)


def test_the_lead_form_lists_only_the_reps_team(app, login):
    page = login("zhangwei").get("/leads/new").get_data(as_text=True)
    assert "华东销售一组" in page and "华南销售一组" not in page


def test_editing_a_lead_cannot_move_it_to_another_regions_team(app, login):
    records = ids(app)
    with app.app_context():
        before = db.session.get(Lead, records["lead_id"]).team_id
        other = _team("华南销售一组")
    response = _post(app, login, "leads.edit", "zhangwei", team_id=other)
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Lead, records["lead_id"]).team_id == before


@pytest.mark.parametrize(("endpoint", "field", "model"), [
    ("leads.new", "owner_id", Lead),
    ("deals.new", "owner_id", Deal),
    ("customers.new", "owner_id", Customer),
    ("followups.create", "owner_id", FollowUp),
])
def test_a_rep_cannot_give_a_new_record_to_a_colleague_they_do_not_manage(
        app, login, endpoint, field, model):
    records = ids(app)
    with app.app_context():
        before = _count(model)
    response = _post(app, login, endpoint, "zhangwei", **{field: records["liuyang"]})
    assert response.status_code == 422
    assert f'{field}-error"' in response.get_data(as_text=True)  # ids may carry a form prefix
    with app.app_context():
        assert _count(model) == before


def test_a_deal_cannot_be_filed_under_someone_elses_customer(app, login):
    ids(app)
    with app.app_context():
        db.session.add(Customer(name="别人的客户", owner_id=_user("liuyang")))
        db.session.commit()
        foreign = db.session.scalar(select(Customer.id).where(Customer.name == "别人的客户"))
        before = _count(Deal)
    response = _post(app, login, "deals.new", "zhangwei", customer_id=foreign)
    assert response.status_code == 422
    with app.app_context():
        assert _count(Deal) == before


def test_a_manager_cannot_assign_a_lead_to_another_regions_rep(app, login):
    records = ids(app)
    with app.app_context():
        chenjing = _user("chenjing")
    response = login("wangqiang").post(f"/leads/{records['lead_id']}/assign",
                                       {"owner_id": chenjing})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Lead, records["lead_id"]).owner_id == records["me"]


def test_a_lost_reason_that_does_not_exist_is_refused_not_a_crash(app, login):
    """The same class on the board's move (an id outside the choices reached the database)."""
    from crm.sales import funnel

    records = ids(app)
    with app.app_context():
        lost, before = funnel.stage("lost").id, db.session.get(Deal, records["deal_id"]).stage_id
    response = login("zhangwei").post(f"/deals/{records['deal_id']}/move",
                                      {"stage_id": lost, "lost_reason_id": 99999})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Deal, records["deal_id"]).stage_id == before
