"""R-34: a survey round for every active customer, once; answers entered by the service desk;
a low score gets exactly one improvement plan (the service director's), a detractor exactly
one complaint with its clocks, a promoter the referral flag; plans close with their tasks."""

import inspect
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.base import utcnow
from crm.deadlines.models import Deadline
from crm.errors import DomainError
from crm.extensions import db
from crm.followups import services as followups
from crm.notifications.models import Notification
from crm.satisfaction import services
from crm.satisfaction.models import ImprovementPlan, Survey, SurveyRound
from crm.service.complaints import RESPONSE, SOLUTION
from crm.service.models import Complaint
from crm.settings.services import save_settings
from tests.conftest import count_queries
from tests.satisfaction.helpers import ROUND, active_customer, bulk_surveys, open_round
from tests.service.helpers import make_customer

VERSION = 'name="version" type="hidden" value="'


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _answer(client, survey_id: int, nps: int, csat: int, **more):
    page = client.get(f"/surveys/{survey_id}").get_data(as_text=True)
    version = page.split(VERSION, 1)[1].split('"', 1)[0]
    return client.post(f"/surveys/{survey_id}", {"nps": str(nps), "csat": str(csat),
                                                 "product_id": "", "feedback": "",
                                                 "version": version, **more})


def test_a_round_surveys_every_active_customer_once(app, people):
    first = active_customer(app, "宁德时代新能源科技股份有限公司")
    second = active_customer(app, "比亚迪股份有限公司")
    make_customer(app, "尚未签约有限公司")  # no contract: not an active customer
    assert set(open_round(app)) == {first, second}
    with app.app_context():
        survey_round, added = services.open_round(ROUND)
        assert (added, survey_round.total, survey_round.answered) == (0, 2, 0)
        db.session.commit()
    assert _count(app, SurveyRound) == 1
    assert _survey_audit(app) == {(first, "customer_id", str(first)),
                                  (first, "state", "open"), (second, "customer_id", str(second)),
                                  (second, "state", "open")}


def _survey_audit(app) -> set[tuple]:
    """The audit trail of the surveys a round created, as (customer, field, new value); the
    round field is left out. Raises if any row is there twice."""
    with app.app_context():
        rows = db.session.execute(
            select(Survey.customer_id, AuditEntry.field, AuditEntry.new)
            .join(Survey, Survey.id == AuditEntry.record_id)
            .where(AuditEntry.model == "surveys", AuditEntry.action == "insert",
                   AuditEntry.field != "round_id")).all()
    assert len(rows) == len(set(rows)), "a survey's creation audited twice"
    return set(rows)


def test_the_job_is_registered_as_a_periodic_job(app):
    from crm.domains import registry

    jobs = {job.name: job for job in registry(app).periodic}
    assert jobs["satisfaction.open_survey_round"].func == "jobs.satisfaction.open_survey_round"


def test_survey_months_come_from_settings_and_bad_ones_are_refused(app):
    with app.test_request_context():
        assert services.round_key(date(2026, 12, 1)) == "2026-12"
        assert services.round_key(date(2026, 11, 1)) is None
        save_settings({"survey_months": "3，9"})
        assert services.round_key(date(2026, 3, 5)) == "2026-03"
        for bad in ("", "13", "六月", "0,6"):
            with pytest.raises(DomainError):
                save_settings({"survey_months": bad})
        db.session.rollback()


def test_a_low_score_saved_twice_makes_one_plan_of_the_service_director(app, login):
    customer = active_customer(app, "宁德时代新能源科技股份有限公司")
    survey_id = open_round(app)[customer]
    agent = login("zhoujie")
    for csat in (62, 55):  # saved, then corrected
        response = _answer(agent, survey_id, 8, csat)
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    with app.app_context():
        plans = db.session.scalars(select(ImprovementPlan)).all()
        assert [p.owner.username for p in plans] == ["linjing"]
        survey = db.session.get(Survey, survey_id)
        assert (survey.csat, survey.state, survey.agent.username) == (55, "answered", "zhoujie")
        assert survey.round.answered == 1  # answered once, whatever the corrections
        told = db.session.scalars(select(Notification.user_id).where(
            Notification.subject_type == "improvement_plan")).all()
        assert told == [db.session.scalar(select(User.id).where(User.username == "linjing"))]
    assert _count(app, Complaint) == 0  # NPS 8 is no detractor


def test_at_the_threshold_there_is_no_plan(app, login):
    customer = active_customer(app, "宁德时代新能源科技股份有限公司")
    assert _answer(login("zhoujie"), open_round(app)[customer], 8, 80).status_code == 303
    assert _count(app, ImprovementPlan) == 0


def test_a_detractor_saved_twice_opens_one_complaint_with_its_clocks(app, login):
    customer = active_customer(app, "宁德时代新能源科技股份有限公司")
    survey_id = open_round(app)[customer]
    agent = login("zhoujie")
    for _ in range(2):
        assert _answer(agent, survey_id, 3, 90).status_code == 303
    with app.app_context():
        complaint = db.session.scalar(select(Complaint))
        assert (complaint.source, complaint.owner.username, complaint.customer_id) == (
            "survey", "zhoujie", customer)
        clocks = set(db.session.scalars(select(Deadline.kind).where(
            Deadline.subject_type == "complaint", Deadline.subject_id == complaint.id,
            Deadline.done_at.is_(None))))
        assert clocks == {RESPONSE, SOLUTION}
        assert db.session.get(Survey, survey_id).complaint_id == complaint.id
    assert _count(app, Complaint) == 1
    assert _count(app, ImprovementPlan) == 0  # CSAT 90 is above the threshold


def test_a_promoter_is_a_referral_candidate_on_the_customer_page(app, login):
    customer = active_customer(app, "宁德时代新能源科技股份有限公司")
    agent = login("zhoujie")
    page = agent.get(f"/customers/{customer}").get_data(as_text=True)
    assert "Referral candidate" not in page and "转介绍候选" not in page
    assert _answer(agent, open_round(app)[customer], 10, 95).status_code == 303
    page = agent.get(f"/customers/{customer}").get_data(as_text=True)
    assert "转介绍候选" in page or "Referral candidate" in page
    assert "NPS 10" in page  # the answer is on the timeline too


def test_refused_answers_stay_beside_their_field(app, login):
    customer = active_customer(app, "宁德时代新能源科技股份有限公司")
    response = _answer(login("zhoujie"), open_round(app)[customer], 11, 50)
    assert response.status_code == 422
    assert 'id="nps-error"' in response.get_data(as_text=True)
    assert _count(app, ImprovementPlan) == 0


def _plan_with_tasks(app, n: int) -> tuple[int, list[int]]:
    customer = active_customer(app, "宁德时代新能源科技股份有限公司")
    survey_id = open_round(app)[customer]
    with app.test_request_context():
        agent = db.session.scalar(select(User).where(User.username == "zhoujie"))
        plan = services.answer(db.session.get(Survey, survey_id), agent, 7, 40).plan
        director = plan.owner
        tasks = [followups.add(what=f"第{i}步", owner_id=agent.id, due=utcnow(),
                               subject_type=services.PLAN_SUBJECT, subject_id=plan.id,
                               by=director).id for i in range(n)]
        db.session.commit()
        return plan.id, tasks


def test_the_plan_is_completed_when_its_tasks_are_and_open_again_with_a_new_one(app, login):
    plan_id, tasks = _plan_with_tasks(app, 2)
    agent = login("zhoujie")
    page = agent.get(f"/surveys/plans/{plan_id}").get_data(as_text=True)
    assert "0 of 2 tasks done" in page or "已完成 0/2 项任务" in page
    for i, task in enumerate(tasks):
        page = agent.get(f"/followups/{task}").get_data(as_text=True)
        version = page.split(VERSION, 1)[1].split('"', 1)[0]
        assert agent.post(f"/followups/{task}/complete", {"outcome": "完成",
                                                           "version": version}).status_code == 303
        with app.app_context():
            assert db.session.get(ImprovementPlan, plan_id).state == (
                "done" if i == 1 else "open")
    with app.test_request_context():
        plan = db.session.get(ImprovementPlan, plan_id)
        followups.add(what="复查", owner_id=plan.owner_id, due=utcnow(),
                      subject_type=services.PLAN_SUBJECT, subject_id=plan_id, by=plan.owner)
        db.session.commit()
        assert db.session.get(ImprovementPlan, plan_id).state == "open"


def test_a_rep_sees_no_survey_of_a_customer_they_cannot_see(app, login):
    customer = active_customer(app, "宁德时代新能源科技股份有限公司")
    survey_id = open_round(app)[customer]
    assert _answer(login("zhoujie"), survey_id, 3, 40).status_code == 303
    with app.app_context():
        plan_id = db.session.scalar(select(ImprovementPlan.id))
    other = login("chenjing")  # another region's rep
    assert other.get(f"/surveys/{survey_id}").status_code == 404
    assert other.get(f"/surveys/plans/{plan_id}").status_code == 404
    assert "宁德时代" not in other.get("/surveys").get_data(as_text=True)
    assert "宁德时代" not in other.get("/surveys/plans").get_data(as_text=True)
    owner = login("zhangwei")  # the customer's rep reads, but does not answer
    page = owner.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "宁德时代" in page and 'name="nps"' not in page
    assert owner.post(f"/surveys/{survey_id}", {"nps": "9", "csat": "99"}).status_code == 403
    sales_manager = login("wangqiang")
    assert sales_manager.post(f"/surveys/{survey_id}", {"nps": "9"}).status_code == 403
    with app.app_context():
        assert db.session.get(Survey, survey_id).nps == 3


def test_service_agents_cannot_edit_deals(app, login):
    from tests.sample_records import sample_records

    deal_id = sample_records(app)["deal_id"]
    agent = login("zhoujie")
    assert agent.get(f"/deals/{deal_id}").status_code == 200
    assert agent.get(f"/deals/{deal_id}/edit").status_code == 403
    assert agent.post(f"/deals/{deal_id}/edit", {"title": "改"}).status_code == 403


def test_the_list_shows_the_rounds_progress_and_filters(app, login):
    bulk_surveys(app, 3)
    bulk_surveys(app, 2, answered=False)
    agent = login("zhoujie")
    page = agent.get("/surveys").get_data(as_text=True)
    assert "3" in page and "5" in page and 'value="3"' in page  # the progress bar
    open_only = agent.get("/surveys?state=open").get_data(as_text=True)
    assert open_only.count('href="/surveys/') - open_only.count('href="/surveys/plans') == 2
    detractors = agent.get("/surveys?score=detractor").get_data(as_text=True)
    assert "批量客户" in detractors


def _queries(app, client, url) -> int:
    with count_queries(app) as counter:
        assert client.get(url).status_code == 200
    return counter.n


def test_list_query_counts_do_not_grow_with_rows(app, login):
    users = [login(name) for name in ("zhoujie", "wangqiang", "zhangwei", "linjing")]
    urls = ("/surveys", "/surveys?q=pl", "/surveys?score=low", "/surveys/plans")
    bulk_surveys(app, 10)
    with app.test_request_context():  # plans for the ten, with a task each
        agent = db.session.scalar(select(User).where(User.username == "zhoujie"))
        for survey in db.session.scalars(select(Survey)).all():
            plan = services.plan_for(survey)
            followups.add(what="回访", owner_id=agent.id, due=utcnow() + timedelta(days=1),
                          subject_type=services.PLAN_SUBJECT, subject_id=plan.id,
                          by=plan.owner)
        db.session.commit()
    small = [_queries(app, c, url) for c in users for url in urls]
    bulk_surveys(app, 990)
    with app.test_request_context():
        for survey in db.session.scalars(select(Survey).where(Survey.id > 10)).all():
            services.plan_for(survey)
        db.session.commit()
    large = [_queries(app, c, url) for c in users for url in urls]
    assert small == large


def test_the_timeline_source_has_the_paged_signature(app, login):
    assert list(inspect.signature(services.survey_events).parameters) == [
        "customer_id", "before", "limit"]
    customer = active_customer(app, "宁德时代新能源科技股份有限公司")
    assert _answer(login("zhoujie"), open_round(app)[customer], 9, 90).status_code == 303
    with app.test_request_context():
        events = services.survey_events(customer)
        assert [e.kind for e in events] == ["survey"]
        assert services.survey_events(customer, before=events[0].at) == []
