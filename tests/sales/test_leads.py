"""Leads: the funnel's stage history, visibility, the shared pool and its atomic claim (R-10,
R-12)."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.audit.hooks import acting_user_id
from crm.audit.models import AuditEntry
from crm.auth.models import Team, User
from crm.base import utcnow
from crm.errors import DomainError
from crm.extensions import db
from crm.sales import funnel, leads
from crm.sales.models import Lead, LeadSearchKey, StageChange
from crm.settings.services import save_settings


def _user_id(username):
    return db.session.scalar(select(User.id).where(User.username == username))


def make_lead(app, company, owner="zhangwei", **values):
    with app.app_context():
        owner_id = _user_id(owner) if owner else None
        lead = leads.save_lead(None, {"company_name": company, "source": "referral",
                                         **values}, owner_id=owner_id)
        db.session.commit()
        return lead.id


def _lead_form(**values):
    return {"company_name": "", "customer_id": "", "contact_name": "", "contact_phone": "",
            "source": "online", "grade": "A", "team_id": "", "owner_id": "", "note": "", **values}


def test_a_rep_creates_a_lead_and_moves_it_through_the_funnel(app, login):
    rep = login("zhangwei")
    with app.app_context():
        me = _user_id("zhangwei")
    response = rep.post("/leads/new", _lead_form(company_name="比亚迪股份有限公司",
                                                 contact_name="王传福", owner_id=me))
    assert response.status_code == 303
    with app.app_context():
        lead_id = db.session.scalar(select(Lead.id))
        intent, lost = funnel.stage("intent").id, funnel.stage("lost").id
        reason = funnel.lost_reasons()[0].id
    assert rep.post(f"/leads/{lead_id}/stage", {"stage_id": intent}).status_code == 303
    refused = rep.post(f"/leads/{lead_id}/stage", {"stage_id": lost, "lost_reason_id": ""})
    assert refused.status_code == 422
    assert rep.post(f"/leads/{lead_id}/stage",
                    {"stage_id": lost, "lost_reason_id": reason}).status_code == 303
    with app.app_context():
        moves = db.session.execute(select(StageChange.from_stage_id, StageChange.to_stage_id,
                                          StageChange.user_id).order_by(StageChange.id)).all()
        potential = funnel.stage("potential").id
        assert moves == [(None, potential, me), (potential, intent, me), (intent, lost, me)]
    page = rep.get(f"/leads/{lead_id}").get_data(as_text=True)
    assert "潜在客户 → <strong>意向客户</strong>" in page and "价格过高" in page


def test_missing_company_is_422_with_the_message_beside_the_field(login):
    response = login("zhangwei").post("/leads/new", _lead_form(contact_name="李雷"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="company_name-error"' in html and 'value="李雷"' in html


@pytest.mark.parametrize(("username", "status"), [
    ("zhangwei", 200), ("wangqiang", 200), ("zhaomin", 200), ("liuyang", 404),
    ("chenjing", 404), ("lina", 404),
])
def test_someone_elses_lead_is_404_and_not_found_by_search(app, login, username, status):
    lead_id = make_lead(app, "宁德时代新能源科技股份有限公司")
    user = login(username)
    assert user.get(f"/leads/{lead_id}").status_code == status
    found = "宁德时代" in user.get("/leads?q=ndsd", htmx=True, target="lead-list").get_data(
        as_text=True)
    assert found == (status == 200)


def test_claim_from_the_pool_and_release(app, login):
    lead_id = make_lead(app, "海尔智家股份有限公司", owner=None)
    rep = login("zhangwei")
    assert "海尔智家" in rep.get("/pool").get_data(as_text=True)
    assert rep.get(f"/leads/{lead_id}").status_code == 404
    assert rep.post(f"/pool/{lead_id}/claim").status_code == 303
    assert rep.get(f"/leads/{lead_id}").status_code == 200
    other = login("liuyang")
    late = other.post(f"/pool/{lead_id}/claim", follow_redirects=True)
    assert "有人刚刚认领了这条线索" in late.get_data(as_text=True)
    assert rep.post(f"/leads/{lead_id}/release").status_code == 303
    assert "海尔智家" in other.get("/pool").get_data(as_text=True)


def test_two_reps_claiming_at_once_exactly_one_wins(app, people):
    lead_id = make_lead(app, "格力电器股份有限公司", owner=None)
    with app.app_context():
        reps = {name: _user_id(name) for name in ("zhangwei", "liuyang")}
    barrier, results = threading.Barrier(2), {}

    def claim(username):
        with app.test_request_context():
            acting_user_id.set(reps[username])
            barrier.wait()
            try:
                leads.claim_lead(lead_id, reps[username])
                db.session.commit()
                results[username] = "won"
            except DomainError:
                db.session.rollback()
                results[username] = "lost"

    threads = [threading.Thread(target=claim, args=(name,)) for name in reps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == ["lost", "won"]
    winner = next(name for name, r in results.items() if r == "won")
    with app.app_context():
        assert db.session.get(Lead, lead_id).owner_id == reps[winner]
        owners = db.session.scalars(select(AuditEntry.new).where(
            AuditEntry.model == "leads", AuditEntry.field == "owner_id",
            AuditEntry.record_id == lead_id, AuditEntry.action == "update")).all()
        assert owners == [str(reps[winner])]


def test_stale_leads_return_to_the_pool_in_one_update(app, people):
    now = utcnow()
    stale = make_lead(app, "老客户甲")
    fresh = make_lead(app, "新客户乙")
    signed = make_lead(app, "已签约丙")
    pooled = make_lead(app, "公海丁", owner=None)
    with app.app_context():
        owner = _user_id("zhangwei")
        for lead_id, days in ((stale, 40), (fresh, 10), (signed, 40), (pooled, 40)):
            lead = db.session.get(Lead, lead_id)
            lead.last_followup_at = now - timedelta(days=days)
        db.session.get(Lead, signed).stage_id = funnel.stage("signed").id
        db.session.commit()
    with app.app_context(), app.test_request_context():
        from tests.conftest import count_queries

        with count_queries(app) as counter:
            returned = leads.return_stale_leads_to_pool(now)
        db.session.commit()
        assert returned == [(stale, owner)]
        assert counter.n <= 3  # settings, the UPDATE, the audit insert
        assert db.session.get(Lead, stale).owner_id is None
        assert db.session.get(Lead, stale).former_owner_id == owner
        assert db.session.get(Lead, fresh).owner_id == owner
        assert db.session.get(Lead, signed).owner_id == owner
        save_settings({"pool_return_days": 5})
        db.session.commit()
        assert leads.return_stale_leads_to_pool(now) == [(fresh, owner)]
        db.session.commit()
        assert leads.return_stale_leads_to_pool(now) == []


def test_round_robin_gives_new_pool_leads_to_the_team_in_turn(app, people):
    with app.app_context():
        save_settings({"lead_round_robin": True})
        db.session.commit()
        team = db.session.scalar(select(Team.id).where(Team.name == "华东大区"))
    owners = []
    for i in range(4):
        lead_id = make_lead(app, f"轮转客户{i}", owner=None, team_id=team)
        with app.app_context():
            owners.append(db.session.get(Lead, lead_id).owner.username)
    assert sorted(owners[:2]) == ["liuyang", "zhangwei"]
    assert owners[2:] == owners[:2]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead).where(
            Lead.owner_id.is_(None))) == 0


def test_a_manager_assigns_a_pool_lead_by_hand(app, login):
    lead_id = make_lead(app, "潍柴动力股份有限公司", owner=None)
    with app.app_context():
        liuyang = _user_id("liuyang")
    manager = login("wangqiang")
    assert manager.post(f"/leads/{lead_id}/assign", {"owner_id": liuyang}).status_code == 303
    assert login("liuyang").get(f"/leads/{lead_id}").status_code == 200
    assert login("zhangwei").post(f"/leads/{lead_id}/assign",
                                  {"owner_id": liuyang}).status_code == 403


def test_a_lead_links_only_to_a_customer_the_rep_can_see(app, login):
    from crm.customers import services as customers

    with app.app_context():
        mine = customers.save_customer(None, {"name": "美的集团", "owner_id": _user_id("zhangwei")})
        theirs = customers.save_customer(None, {"name": "格力电器",
                                                "owner_id": _user_id("chenjing")})
        db.session.commit()
        me, mine_id, theirs_id = _user_id("zhangwei"), mine.id, theirs.id
    rep = login("zhangwei")
    refused = rep.post("/leads/new", _lead_form(company_name="格力", customer_id=theirs_id,
                                                owner_id=me))
    assert refused.status_code == 422 and 'id="customer_id-error"' in refused.get_data(
        as_text=True)
    assert rep.post("/leads/new", _lead_form(company_name="美的", customer_id=mine_id,
                                             owner_id=me)).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Lead.customer_id)) == mine_id


def test_lead_list_and_pool_run_a_fixed_number_of_queries(app, login):
    from sqlalchemy import insert

    from tests.conftest import count_queries

    rep = login("zhangwei")

    def add(n):
        with app.app_context():
            owner, stage = _user_id("zhangwei"), funnel.stage("potential").id
            db.session.execute(insert(Lead), [
                {"company_name": f"线索{i}", "source": "online", "stage_id": stage,
                 "owner_id": owner if i % 2 else None} for i in range(n)])
            db.session.commit()

    def counts():
        found = []
        for url in ("/leads", "/pool"):
            rep.get(url)
            with count_queries(app) as counter:
                assert rep.get(url).status_code == 200
            found.append(counter.n)
        return found

    add(10)
    small = counts()
    add(990)
    assert counts() == small


def test_search_follows_renames_and_the_pool_return_leaves_it_alone(app, login):
    """Lead search reads the keys the database copies into lead_search_keys on every insert,
    rename and delete; the pool return rewrites owners only."""
    lead_id = make_lead(app, "宁德时代新能源科技股份有限公司")
    rep = login("zhangwei")

    def found(term):
        return f'/leads/{lead_id}"' in rep.get(f"/leads?q={term}", htmx=True,
                                               target="lead-list").get_data(as_text=True)

    assert found("ndsd") and not found("byd")
    with app.app_context():
        version, owner_id = db.session.get(Lead, lead_id).version, _user_id("zhangwei")
    edited = rep.post(f"/leads/{lead_id}/edit", _lead_form(
        company_name="比亚迪股份有限公司", owner_id=str(owner_id), version=str(version)))
    assert edited.status_code == 303
    assert found("byd") and found("比亚迪") and not found("ndsd")
    with app.app_context():
        db.session.execute(Lead.__table__.update().where(Lead.id == lead_id)
                           .values(owner_id=None))
        db.session.commit()
        keys = db.session.execute(select(LeadSearchKey.search_key)
                                  .where(LeadSearchKey.lead_id == lead_id)).scalars().all()
        assert len(keys) == 1 and keys[0].startswith("biyadi")
        db.session.execute(StageChange.__table__.delete().where(StageChange.lead_id == lead_id))
        db.session.execute(Lead.__table__.delete().where(Lead.id == lead_id))
        db.session.commit()
        assert db.session.get(LeadSearchKey, lead_id) is None
