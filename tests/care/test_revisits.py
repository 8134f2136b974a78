"""Revisits (R-31): recording the delivery schedules the acceptance revisit 7 days later,
moved off non-working days; logging it records outcome, satisfaction and feedback, stops its
clock and schedules the first routine revisit and in-depth interview, exactly once; the
agent's list shows due today / overdue / upcoming."""

from datetime import date, timedelta

from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.care import revisits
from crm.care.models import Revisit
from crm.contracts.signals import contract_delivered
from crm.deadlines.models import Deadline
from crm.errors import DomainError
from crm.extensions import db
from tests.care.helpers import (
    assert_list_queries_constant,
    bulk_care,
    created_audit,
    deliver,
    sign,
)
from tests.service.helpers import make_customer


def _revisits() -> list[Revisit]:
    return list(db.session.scalars(select(Revisit).order_by(Revisit.due_on, Revisit.series)))


def _delivered(app, on=date(2026, 9, 24)):
    customer_id = make_customer(app, "华为技术有限公司")
    contract = sign(customer_id, signed_at=on - timedelta(days=20))
    deliver(contract, on)
    return contract


def test_delivery_schedules_the_acceptance_revisit_on_a_working_day(app, people):
    with app.test_request_context():
        contract = _delivered(app)  # Thursday 24 September: +7 is 1 October, 国庆节
        contract_delivered.send(contract, delivered_on=date(2026, 9, 24))  # once only
        [acceptance] = _revisits()
        assert (acceptance.series, acceptance.number) == ("acceptance", 1)
        assert acceptance.due_on == date(2026, 10, 8)
        clock = db.session.scalar(select(Deadline).where(
            Deadline.subject_type == revisits.SUBJECT, Deadline.subject_id == acceptance.id))
        assert clock.owner_id == acceptance.agent_id and clock.done_at is None


def test_an_ordinary_delivery_gets_its_revisit_exactly_7_days_later(app, people):
    with app.test_request_context():
        _delivered(app, on=date(2026, 6, 2))  # Tuesday → Tuesday 9 June
        assert [r.due_on for r in _revisits()] == [date(2026, 6, 9)]


def test_logging_a_revisit_schedules_the_next_ones_once(app, people):
    with app.test_request_context():
        _delivered(app, on=date(2026, 6, 2))
        [acceptance] = _revisits()
        agent = db.session.get(User, acceptance.agent_id)
        following = revisits.log_revisit(acceptance, revisits.RevisitLog(
            "satisfied", 5, "验收顺利"), agent)
        assert {(r.series, r.number) for r in following} == {("routine", 1), ("interview", 1)}
        routine = next(r for r in following if r.series == "routine")
        # 9 June + 30 days is Thursday 9 July, a working day
        assert routine.due_on == date(2026, 7, 9)
        assert acceptance.satisfaction == 5 and acceptance.done_at is not None
        assert db.session.scalar(select(Deadline.done_at).where(
            Deadline.subject_type == revisits.SUBJECT,
            Deadline.subject_id == acceptance.id)) is not None
        try:
            revisits.log_revisit(acceptance, revisits.RevisitLog("satisfied", 5), agent)
        except DomainError:
            pass
        else:
            raise AssertionError("a logged revisit is logged again")
        # the next routine revisit follows the routine one, once
        assert revisits.schedule(acceptance.contract, "routine", 1, date(2026, 6, 9),
                                 agent.id) is None
        revisits.log_revisit(routine, revisits.RevisitLog("issue", 3, "偶尔卡顿"), agent)
        assert db.session.scalar(select(func.count()).select_from(Revisit)) == 4
        second = db.session.scalar(select(Revisit).where(Revisit.series == "routine",
                                                         Revisit.number == 2))
        assert second.due_on >= routine.due_on + timedelta(days=30)


def test_satisfaction_is_needed_unless_the_customer_was_not_reached(app, people):
    with app.test_request_context():
        _delivered(app, on=date(2026, 6, 2))
        [acceptance] = _revisits()
        agent = db.session.get(User, acceptance.agent_id)
        try:
            revisits.log_revisit(acceptance, revisits.RevisitLog("satisfied", None), agent)
        except DomainError as error:
            assert error.field == "satisfaction"
        revisits.log_revisit(acceptance, revisits.RevisitLog("unreachable", None), agent)


def _version(app, revisit_id: int) -> str:
    with app.app_context():
        return str(db.session.get(Revisit, revisit_id).version)


def test_logging_from_the_list_twice_schedules_once(app, login):
    with app.test_request_context():
        _delivered(app, on=date(2026, 6, 2))
        revisit_id, agent = db.session.execute(select(Revisit.id, User.username).join(
            User, User.id == Revisit.agent_id)).one()
        db.session.commit()
    client = login(agent)
    listed = client.get("/service/revisits?when=overdue").get_data(as_text=True)
    assert f"/service/revisits/{revisit_id}/log" in listed
    data = {"outcome": "satisfied", "satisfaction": "4", "feedback": "验收顺利",
            "version": _version(app, revisit_id)}
    assert client.post(f"/service/revisits/{revisit_id}/log", data).status_code == 303
    assert client.post(f"/service/revisits/{revisit_id}/log", data).status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Revisit)) == 3
    page = client.get(f"/service/revisits/{revisit_id}").get_data(as_text=True)
    assert "验收顺利" in page
    # a rep reads the revisit of their customer, but does not log it
    rep = login("zhangwei")
    assert rep.get(f"/service/revisits/{revisit_id}").status_code == 200
    assert rep.get("/service/revisits").status_code == 200
    assert login("chenjing").get(f"/service/revisits/{revisit_id}").status_code == 404


def test_the_when_chips_split_due_today_overdue_and_upcoming(app, login):
    with app.test_request_context():
        contract = sign(make_customer(app, "华为技术有限公司"))
        db.session.commit()
        contract_id = contract.id
    bulk_care(app, contract_id, 9)
    agent = login("zhoujie")
    rows = {when: agent.get(f"/service/revisits?when={when}").get_data(as_text=True)
            .split('id="revisit-rows"')[-1].count('id="revisit-') for when in
            ("today", "overdue", "upcoming", "done")}
    # due on today -4 ... +4, every other one logged (i odd)
    assert rows == {"today": 1, "overdue": 2, "upcoming": 2, "done": 4}


def test_revisit_list_query_count_does_not_grow_with_rows(app, login):
    assert_list_queries_constant(
        app, login, ("zhoujie", "tangning", "zhangwei"),
        ("/service/revisits", "/service/revisits?when=overdue&agent=me",
         "/service/revisits?when=done&q=hw"))


def test_every_scheduled_revisit_is_audited_once(app, people):
    with app.test_request_context():
        contract = _delivered(app, on=date(2026, 6, 2))
        [acceptance] = _revisits()
        entries = created_audit("revisits", acceptance.id)
        assert (entries["series"], entries["due_on"]) == ("acceptance", "2026-06-09")
        assert entries["agent_id"] == str(acceptance.agent_id)
        audited = db.session.scalar(select(func.count()).select_from(AuditEntry))
        contract_delivered.send(contract, delivered_on=date(2026, 6, 2))  # nothing new
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audited
        agent = db.session.get(User, acceptance.agent_id)
        following = revisits.log_revisit(acceptance, revisits.RevisitLog("satisfied", 5), agent)
        for revisit in following:
            assert created_audit("revisits", revisit.id)["series"] == revisit.series
        audited = db.session.scalar(select(func.count()).select_from(AuditEntry))
        assert revisits.schedule(contract, "routine", 1, date(2026, 6, 9), agent.id) is None
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audited
