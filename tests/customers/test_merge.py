"""A customer merge leaves nothing behind (R-14): every row that points at the dropped customer,
by a foreign key or as the subject of a follow-up, deadline, notification or approval, points at
the kept one afterwards. The tables are read from the schema, so a new table that points at a
customer fails the first test until a row of it is made here; the merge itself needs no change."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from crm.audit.models import Approval
from crm.auth.models import User
from crm.base import utcnow
from crm.contracts import services as contracts
from crm.customers import services as customers
from crm.customers.models import Customer
from crm.deadlines import services as deadlines
from crm.extensions import db
from crm.followups import services as followups
from crm.notifications.services import notify
from crm.sales import deals
from crm.sales import leads as sales
from crm.satisfaction import services as satisfaction
from crm.satisfaction.models import Survey, SurveyRound
from crm.service import calls, complaints


def _lead_deal_contract(customer_id: int, owner: User) -> None:
    lead = sales.save_lead(None, {"company_name": "华为技术", "source": "referral",
                                  "customer_id": customer_id}, owner_id=owner.id)
    deal = deals.convert_lead(lead)
    contract = deals.sign_deal(deal, price=Decimal("100"), payment_method="bank_transfer",
                               payment_terms="一次付清", breach_liability="按合同法",
                               signed_at=date(2026, 11, 23))
    contracts.save_schedule(contract, [(date(2026, 12, 23), Decimal("100"))])
    contracts.change_status(contract, "in_delivery")  # the signing opened its service archive,
    contracts.change_status(contract, "delivered",  # the delivery schedules a revisit
                            delivered_on=date(2026, 11, 30))


def _survey_with_plan(customer_id: int, agent) -> None:
    """A survey of the round answered below the threshold: it has an improvement plan."""
    survey_round = db.session.scalar(select(SurveyRound)) or SurveyRound(key="2026-06")
    db.session.add(survey_round)
    db.session.flush()
    survey = Survey(round_id=survey_round.id, customer_id=customer_id)
    db.session.add(survey)
    db.session.flush()
    satisfaction.answer(survey, agent, 8, 50)


# Rows pointing at a customer by a foreign key: one maker per table (several may share one).
REFERENCING = {
    "contacts": lambda cid, owner: customers.save_contact(None, cid, {"name": "王芳"}),
    "leads": _lead_deal_contract,
    "deals": _lead_deal_contract,
    "contracts": _lead_deal_contract,
    "service_calls": lambda cid, owner: calls.log_call(
        calls.CallValues(customer_id=cid, direction="in", channel="hotline", notes="来电"),
        owner, "Asia/Shanghai"),
    "complaints": lambda cid, owner: complaints.open_complaint(cid, owner.id, "交付延迟", "direct"),
    "instalments": _lead_deal_contract,
    "service_archives": _lead_deal_contract,
    "revisits": _lead_deal_contract,
    "surveys": _survey_with_plan,
    "improvement_plans": _survey_with_plan,
}
# Rows about a customer as their subject.
ABOUT = {
    "followups": lambda cid, owner: followups.add(
        what="回访", owner_id=owner.id, due=utcnow() + timedelta(days=1),
        subject_type="customer", subject_id=cid, by=owner),
    "deadlines": lambda cid, owner: deadlines.create(
        "followup", "customer", cid, owner.id, utcnow() + timedelta(days=2)),
    "notifications": lambda cid, owner: notify(owner.id, "客户提醒", "customer", cid),
    "approvals": lambda cid, owner: db.session.add(Approval(
        user_id=owner.id, subject_type="customer", subject_id=cid, action="discount",
        decision="approved")),
}


def test_every_table_that_points_at_a_customer_has_a_row_in_this_test(app):
    with app.app_context():
        assert {t.name for t, _c in customers.customer_references()} == set(REFERENCING)
        assert {t.name for t in customers.subject_tables()} == set(ABOUT)


def _pointing_at(customer_id: int) -> dict[str, int]:
    counts = {}
    for table, column in customers.customer_references():
        counts[table.name] = db.session.scalar(
            select(func.count()).select_from(table).where(column == customer_id))
    for table in customers.subject_tables():
        counts[table.name] = db.session.scalar(
            select(func.count()).select_from(table).where(
                table.c.subject_type == "customer", table.c.subject_id == customer_id))
    return counts


def test_a_merge_leaves_no_row_pointing_at_the_dropped_customer(app, people, login):
    with app.test_request_context():
        owner = db.session.scalar(select(User).where(User.username == "zhangwei"))
        keep = customers.save_customer(None, {"name": "华为技术有限公司", "owner_id": owner.id})
        drop = customers.save_customer(None, {"name": "华为技术", "owner_id": owner.id})
        made = set()
        for maker in (*REFERENCING.values(), *ABOUT.values()):
            if maker not in made:
                made.add(maker)
                maker(drop.id, owner)
        db.session.commit()
        keep_id, drop_id = keep.id, drop.id
        before = _pointing_at(drop_id)
        assert all(before.values()), before  # the test made a row in every table
    response = login("zhangwei").post(f"/customers/{keep_id}/merge/{drop_id}")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(Customer, drop_id) is None
        assert set(_pointing_at(drop_id).values()) == {0}
        assert _pointing_at(keep_id) == before


def test_two_customers_surveyed_in_the_same_round_merge_into_one_survey(app, people, login):
    with app.test_request_context():
        owner = db.session.scalar(select(User).where(User.username == "zhangwei"))
        keep = customers.save_customer(None, {"name": "华为技术有限公司", "owner_id": owner.id})
        drop = customers.save_customer(None, {"name": "华为技术", "owner_id": owner.id})
        survey_round = SurveyRound(key="2026-06", total=2)
        db.session.add(survey_round)
        db.session.flush()
        db.session.add(Survey(round_id=survey_round.id, customer_id=keep.id))
        answered = Survey(round_id=survey_round.id, customer_id=drop.id)
        db.session.add(answered)
        db.session.flush()
        satisfaction.answer(answered, owner, 8, 50)  # the dropped one's, with a plan
        db.session.commit()
        keep_id, drop_id, answered_id = keep.id, drop.id, answered.id
    assert login("zhangwei").post(f"/customers/{keep_id}/merge/{drop_id}").status_code == 303
    with app.app_context():
        surveys = db.session.scalars(select(Survey)).all()
        assert [(s.id, s.customer_id) for s in surveys] == [(answered_id, keep_id)]
        assert surveys[0].plan is not None and surveys[0].round.total == 1
        assert surveys[0].round.answered == 1
