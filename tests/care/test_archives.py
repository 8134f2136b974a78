"""Service archives (R-30): the signing of a deal opens exactly one, with the customer's
contacts and the responsible agent; its 24-hour clock counts working time and alerts once,
not when the archive was completed in time; the list filters incomplete / mine / overdue."""

from datetime import timedelta

from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.care import archives
from crm.care.models import ServiceArchive
from crm.contracts.signals import contract_signed
from crm.deadlines import services as deadlines
from crm.deadlines.models import Deadline, DeadlineAlert
from crm.extensions import db
from crm.settings.services import save_settings
from tests.care.helpers import (
    archive_of,
    assert_list_queries_constant,
    created_audit,
    local,
    sign,
)
from tests.service.helpers import make_customer

START = local(2026, 6, 2)  # a Tuesday, 09:00-12:00 13:30-18:00


def _alerts() -> int:
    return db.session.scalar(select(func.count()).select_from(DeadlineAlert).join(
        Deadline, Deadline.id == DeadlineAlert.deadline_id).where(
        Deadline.kind == archives.CLOCK, DeadlineAlert.level == 1))


def _signed(app, monkeypatch=None, at=None):
    customer_id = make_customer(app, "华为技术有限公司", contact={"name": "王芳",
                                                          "mobile": "13800138000"})
    if monkeypatch is not None:
        monkeypatch.setattr(archives, "utcnow", lambda: at)
    return sign(customer_id)


def test_signing_a_deal_opens_exactly_one_archive(app, people):
    with app.test_request_context():
        contract = _signed(app)
        contract_signed.send(contract)  # a repeated signal adds nothing
        assert archives.open_archive(contract) is None
        assert db.session.scalar(select(func.count()).select_from(ServiceArchive)) == 1
        archive = archive_of(contract.id)
        assert "王芳 · 13800138000" in archive.contacts
        assert db.session.get(User, archive.agent_id).has_role("service")
        assert db.session.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.kind == archives.CLOCK, Deadline.subject_id == archive.id,
            Deadline.owner_id == archive.agent_id)) == 1


def test_the_archive_alert_fires_once_after_24_working_hours(app, people, monkeypatch):
    with app.test_request_context():
        contract = _signed(app, monkeypatch, START)
        agent_id = archive_of(contract.id).agent_id
        due = deadlines.due_after(archives.CLOCK, agent_id, START)[0]
        # 24 working hours, 7.5 a day: Tuesday 6.5, Wednesday 7.5, Thursday 7.5, Friday 2.5
        assert due.astimezone(START.tzinfo) == local(2026, 6, 5, 11, 30)
        deadlines.sweep(due - timedelta(minutes=1))
        assert _alerts() == 0
        deadlines.sweep(due + timedelta(minutes=1))
        assert _alerts() == 1
        deadlines.sweep(due + timedelta(hours=3))
        assert _alerts() == 1


def test_an_archive_completed_in_time_raises_no_alert(app, people, monkeypatch):
    with app.test_request_context():
        contract = _signed(app, monkeypatch, START)
        archive = archive_of(contract.id)
        agent = db.session.get(User, archive.agent_id)
        values = {"contacts": archive.contacts, "products": "数控机床 × 2",
                  "service_needs": "每季度上门保养"}
        archives.save_archive(archive, values, complete=True, by=agent,
                              at=START + timedelta(hours=5))
        deadlines.sweep(START + timedelta(days=7))
        assert _alerts() == 0
        assert archive.completed_by_id == agent.id


def test_completing_needs_the_service_needs(app, login):
    with app.test_request_context():
        contract = _signed(app)
        archive_id = archive_of(contract.id).id
        db.session.commit()
    agent = login("zhoujie")
    page = agent.get(f"/service/archives/{archive_id}/edit").get_data(as_text=True)
    assert "王芳" in page
    version = db_version(app, archive_id)
    refused = agent.post(f"/service/archives/{archive_id}/edit", {
        "contacts": "王芳", "service_needs": "", "complete": "y", "version": version})
    assert refused.status_code == 422
    done = agent.post(f"/service/archives/{archive_id}/edit", {
        "contacts": "王芳", "products": "机床", "service_needs": "季度保养", "complete": "y",
        "version": version})
    assert done.status_code == 303
    with app.app_context():
        assert db.session.get(ServiceArchive, archive_id).completed_at is not None
    listed = agent.get("/service/archives?state=open").get_data(as_text=True)
    assert "华为技术有限公司" not in listed.split('id="archive-rows"')[-1]


def db_version(app, archive_id: int) -> str:
    with app.app_context():
        return str(db.session.get(ServiceArchive, archive_id).version)


def test_the_list_shows_a_rep_only_archives_of_their_customers(app, login):
    mine, theirs = make_customer(app, "华为技术有限公司"), make_customer(app, "腾讯科技",
                                                                    owner="chenjing")
    with app.test_request_context():
        sign(mine)
        sign(theirs, owner="chenjing")
        db.session.commit()
    rep = login("zhangwei").get("/service/archives").get_data(as_text=True)
    assert "华为技术有限公司" in rep and "腾讯科技" not in rep
    agent = login("zhoujie").get("/service/archives").get_data(as_text=True)
    assert "华为技术有限公司" in agent and "腾讯科技" in agent
    # read-only for a rep: the archive opens, its edit does not
    with app.app_context():
        archive_id = db.session.scalar(select(ServiceArchive.id).where(
            ServiceArchive.customer_id == mine))
    rep_client = login("zhangwei")
    assert rep_client.get(f"/service/archives/{archive_id}").status_code == 200
    assert rep_client.get(f"/service/archives/{archive_id}/edit").status_code == 403


def test_archive_list_query_count_does_not_grow_with_rows(app, login):
    assert_list_queries_constant(
        app, login, ("zhoujie", "wangqiang", "zhangwei"),
        ("/service/archives", "/service/archives?state=open&agent=me&overdue=1",
         "/service/archives?q=hw"))


def test_the_archive_clock_runs_the_working_hours_of_the_setting(app, people, monkeypatch):
    with app.test_request_context():
        save_settings({"archive_hours": 8})
        archive = archive_of(_signed(app, monkeypatch, START).id)
        due = db.session.scalar(select(Deadline.due_at).where(
            Deadline.kind == archives.CLOCK, Deadline.subject_id == archive.id))
        # 8 working hours from Tuesday 10:00: 6.5 on Tuesday, 1.5 on Wednesday morning
        assert due.astimezone(START.tzinfo) == local(2026, 6, 3, 10, 30)


def test_opening_an_archive_is_audited_once(app, people):
    with app.test_request_context():
        contract = _signed(app)
        archive = archive_of(contract.id)
        entries = created_audit("service_archives", archive.id)
        assert entries["contract_id"] == str(contract.id)
        assert entries["agent_id"] == str(archive.agent_id)
        assert entries["contacts"] == "******"  # phone numbers stay out of the trail
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.new.like("%13800138000%"))) == 0
        assert "王芳 · 13800138000" in archive.contacts
        before = db.session.scalar(select(func.count()).select_from(AuditEntry))
        assert archives.open_archive(contract) is None  # a repeated signal: nothing audited
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before
