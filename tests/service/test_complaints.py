"""Complaints (R-33): 首问负责制, the clocks (30 working minutes to respond, 24 working hours to
an initial solution, an approved plan within 48 working hours when complex) alerting once at
the right working-time moment, never when met in time nor while waiting on the customer; the
service manager approves plans and reassigns; closing needs the customer's confirmation and
archives the case read-only."""

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from crm.audit.models import Approval, AuditEntry
from crm.auth.models import User
from crm.deadlines import services as deadlines
from crm.deadlines.models import Deadline, DeadlineAlert
from crm.extensions import db
from crm.service import complaints
from crm.service.models import Complaint, ComplaintEvent
from crm.settings.services import save_settings
from tests.conftest import count_queries
from tests.service.helpers import bulk_calls, make_customer, user_id

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 6, 2, 10, 0, tzinfo=SHANGHAI)  # a Tuesday, 09:00-12:00 13:30-18:00


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _alerts(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(DeadlineAlert).join(
        Deadline, Deadline.id == DeadlineAlert.deadline_id).where(
        Deadline.kind == kind, DeadlineAlert.level == 1))


def _open(app, at=START) -> Complaint:
    customer_id = make_customer(app, "华为技术有限公司")
    agent = _user("zhoujie")
    return complaints.open_complaint(customer_id, agent.id, "交付延迟", "direct", by=agent,
                                     at=at)


def _sweep_alerts(at: datetime, kind: str) -> int:
    deadlines.sweep(at)
    return _alerts(kind)


def test_the_response_alert_fires_once_after_30_working_minutes(app, people):
    with app.app_context():
        _open(app)
        assert _sweep_alerts(START + timedelta(minutes=29), complaints.RESPONSE) == 0
        assert _sweep_alerts(START + timedelta(minutes=31), complaints.RESPONSE) == 1
        assert _sweep_alerts(START + timedelta(minutes=45), complaints.RESPONSE) == 1


def test_a_response_in_time_raises_no_alert(app, people):
    with app.app_context():
        complaint = _open(app)
        complaints.respond(complaint, _user("zhoujie"), "已致电客户", START + timedelta(minutes=20))
        assert _sweep_alerts(START + timedelta(hours=2), complaints.RESPONSE) == 0


def test_the_solution_alert_counts_24_working_hours(app, people):
    with app.app_context():
        _open(app)
        due = deadlines.due_after(complaints.SOLUTION, user_id("zhoujie"), START)[0]
        # 24 working hours, 7.5 a day: Tuesday 6.5, Wednesday 7.5, Thursday 7.5, Friday 2.5
        assert due.astimezone(SHANGHAI) == datetime(2026, 6, 5, 11, 30, tzinfo=SHANGHAI)
        assert _sweep_alerts(due - timedelta(minutes=1), complaints.SOLUTION) == 0
        assert _sweep_alerts(due + timedelta(minutes=1), complaints.SOLUTION) == 1
        assert _sweep_alerts(due + timedelta(hours=1), complaints.SOLUTION) == 1


def test_the_clocks_run_the_durations_the_settings_give(app, people):
    with app.test_request_context():
        save_settings({"complaint_response_minutes": 45, "complaint_solution_hours": 8,
                       "complaint_plan_hours": 16})
        _open(app)
        assert _sweep_alerts(START + timedelta(minutes=44), complaints.RESPONSE) == 0
        assert _sweep_alerts(START + timedelta(minutes=46), complaints.RESPONSE) == 1
        due = deadlines.due_after(complaints.SOLUTION, user_id("zhoujie"), START)[0]
        # 8 working hours from Tuesday 10:00: 6.5 on Tuesday, 1.5 on Wednesday morning
        assert due.astimezone(SHANGHAI) == datetime(2026, 6, 3, 10, 30, tzinfo=SHANGHAI)
        due = deadlines.due_after(complaints.PLAN, user_id("zhoujie"), START)[0]
        # 16 working hours: 6.5 on Tuesday, 7.5 on Wednesday, 2 on Thursday
        assert due.astimezone(SHANGHAI) == datetime(2026, 6, 4, 11, 0, tzinfo=SHANGHAI)


def test_waiting_on_the_customer_stops_every_clock_and_moves_it_on(app, people):
    with app.app_context():
        complaint = _open(app)
        agent = _user("zhoujie")
        complaints.wait_for_customer(complaint, agent, "等客户提供照片",
                                     START + timedelta(minutes=10))
        assert _sweep_alerts(START + timedelta(minutes=40), complaints.RESPONSE) == 0
        # back at 14:00: 140 working minutes stood still, due 10:30 + 140 = 14:20
        complaints.customer_replied(complaint, agent, "", START + timedelta(hours=4))
        assert complaint.state == "new"
        assert _sweep_alerts(START + timedelta(hours=4, minutes=19), complaints.RESPONSE) == 0
        assert _sweep_alerts(START + timedelta(hours=4, minutes=21), complaints.RESPONSE) == 1


def test_the_plan_clock_is_met_only_by_the_managers_approval(app, people):
    with app.app_context():
        complaint = _open(app)
        agent, manager = _user("zhoujie"), _user("tangning")
        complaints.respond(complaint, agent, "已回复", START + timedelta(minutes=5))
        complaints.mark_complex(complaint, agent, "", START + timedelta(minutes=10))
        due = db.session.scalar(select(Deadline.due_at).where(Deadline.kind == complaints.PLAN))
        complaints.submit_plan(complaint, agent, "更换设备并培训", START + timedelta(hours=1))
        complaints.decide_plan(complaint, manager, "rejected", "缺少时间表",
                               START + timedelta(hours=2))
        assert complaint.plan_state == "rejected"
        # a rejection restarts the author's work, not the clock
        assert db.session.scalar(select(Deadline.due_at).where(
            Deadline.kind == complaints.PLAN)) == due
        assert _sweep_alerts(due - timedelta(minutes=1), complaints.PLAN) == 0
        assert _sweep_alerts(due + timedelta(minutes=1), complaints.PLAN) == 1


def test_an_approved_plan_raises_no_alert_and_is_a_recorded_approval(app, people):
    with app.app_context():
        complaint = _open(app)
        agent, manager = _user("zhoujie"), _user("tangning")
        complaints.respond(complaint, agent, "已回复", START)
        complaints.mark_complex(complaint, agent, "", START)
        complaints.submit_plan(complaint, agent, "更换设备", START + timedelta(hours=1))
        complaints.decide_plan(complaint, manager, "approved", "同意",
                               START + timedelta(hours=2))
        approval = db.session.scalar(select(Approval))
        assert (approval.user_id, approval.decision, approval.note) == (manager.id, "approved",
                                                                        "同意")
        assert _sweep_alerts(START + timedelta(days=30), complaints.PLAN) == 0


def test_only_the_service_manager_approves_and_reassigns(app, people):
    with app.app_context():
        complaint = _open(app)
        agent = _user("zhoujie")
        complaints.respond(complaint, agent, "已回复", START)
        complaints.mark_complex(complaint, agent, "", START)
        complaints.submit_plan(complaint, agent, "方案", START)
        for who in ("zhoujie", "wangqiang"):
            try:
                complaints.decide_plan(complaint, _user(who), "approved", "")
            except complaints.DomainError:
                pass
            else:
                raise AssertionError(f"{who} approved")
        complaints.reassign(complaint, _user("tangning"), user_id("wumin"), "周杰休假")
        assert complaint.owner_id == user_id("wumin")
        assert set(db.session.scalars(select(Deadline.owner_id).where(
            Deadline.done_at.is_(None)))) == {user_id("wumin")}


FORM_KEY = re.compile(r'name="form_key" type="hidden" value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _new_from_call(client, call_id: int):
    page = client.get(f"/service/complaints/new?call={call_id}").get_data(as_text=True)
    assert "第0次来电" in page  # prefilled from the call
    return client.post("/service/complaints/new", {
        "call": str(call_id), "customer_id": re.search(
            r'name="customer_id" value="(\d+)"', page).group(1),
        "summary": "第0次来电", "details": "", "product_id": "", "feedback": "希望加快交付",
        "form_key": FORM_KEY.search(page).group(1)})


def _act(client, complaint_id: int, action: str, data: dict, **kw):
    return client.post(f"/service/complaints/{complaint_id}/{action}", data, **kw)


def test_the_whole_case_from_a_call_to_its_archive(app, login):
    customer_id = make_customer(app, "华为技术有限公司")
    bulk_calls(app, customer_id, 1)
    with app.app_context():
        from crm.service.models import Call
        call_id = db.session.scalar(select(Call.id))
    agent, manager = login("zhoujie"), login("tangning")
    response = _new_from_call(agent, call_id)
    assert response.status_code == 303
    complaint_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = agent.get(f"/service/complaints/{complaint_id}").get_data(as_text=True)
    assert "countdown" in page and "首次响应" in page
    assert _act(agent, complaint_id, "respond", {"respond-note": "已致电"}).status_code == 303
    assert _act(agent, complaint_id, "complex", {"complex-note": ""}).status_code == 303
    assert _act(agent, complaint_id, "plan", {"plan": "更换设备"}).status_code == 303
    assert _act(agent, complaint_id, "decide", {"decision": "approved"}).status_code == 403
    assert _act(manager, complaint_id, "decide", {"decision": "approved",
                                                  "comment": "同意"}).status_code == 303
    closing = {"confirmed_by": "王芳", "confirmed_via": "signature",
               "confirmed_at": "2026-06-02T15:00",
               "signed_form": (io.BytesIO(PDF), "确认单.pdf", "application/pdf")}
    response = _act(agent, complaint_id, "close", closing, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    closed = agent.get(f"/service/complaints/{complaint_id}").get_data(as_text=True)
    assert f"/service/complaints/{complaint_id}/edit" not in closed
    assert "respond-note" not in closed and "reopen-note" in closed
    download = agent.get(f"/service/complaints/{complaint_id}/signed-form")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert login("chenjing").get(f"/service/complaints/{complaint_id}/signed-form"
                                 ).status_code == 404
    with app.app_context():
        before = (db.session.get(Complaint, complaint_id).summary,
                  db.session.scalar(select(func.count()).select_from(AuditEntry)))
    edit = agent.post(f"/service/complaints/{complaint_id}/edit",
                      {"summary": "改掉", "details": "", "product_id": "", "feedback": "",
                       "version": "1"})
    assert edit.status_code in (403, 409)
    assert _act(agent, complaint_id, "respond", {"respond-note": "x"}).status_code == 409
    with app.app_context():
        assert (db.session.get(Complaint, complaint_id).summary,
                db.session.scalar(select(func.count()).select_from(AuditEntry))) == before
    assert _act(agent, complaint_id, "reopen", {"reopen-note": ""}).status_code == 422
    assert _act(agent, complaint_id, "reopen", {"reopen-note": "客户再次来电"}).status_code == 303
    with app.app_context():
        open_solution = db.session.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.kind == complaints.SOLUTION, Deadline.done_at.is_(None)))
        assert open_solution == 1
        kinds = list(db.session.scalars(select(ComplaintEvent.kind).order_by(ComplaintEvent.id)))
        assert kinds == ["recorded", "responded", "complex", "plan", "approved", "closed",
                         "reopened"]


def test_a_signed_form_must_be_a_pdf_or_an_image(app, login):
    with app.app_context():
        complaint = _open(app)
        complaints.respond(complaint, _user("zhoujie"), "已回复")
        db.session.commit()
        complaint_id = complaint.id
    response = _act(login("zhoujie"), complaint_id, "close", {
        "confirmed_by": "王芳", "confirmed_via": "phone", "confirmed_at": "2026-06-02T15:00",
        "signed_form": (io.BytesIO(b"<html><script>x</script>"), "form.pdf", "application/pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(Complaint, complaint_id).state == "active"


def test_reps_see_only_complaints_of_their_customers_and_handle_none(app, login):
    with app.app_context():
        complaint = _open(app)
        db.session.commit()
        complaint_id = complaint.id
    other = make_customer(app, "腾讯科技", owner="chenjing")
    with app.app_context():
        complaints.open_complaint(other, user_id("zhoujie"), "别人的投诉", "direct")
        db.session.commit()
    rep = login("zhangwei")
    assert rep.get(f"/service/complaints/{complaint_id}").status_code == 200
    listed = rep.get("/service/complaints").get_data(as_text=True)
    assert "交付延迟" in listed and "别人的投诉" not in listed
    assert _act(rep, complaint_id, "respond", {"respond-note": "x"}).status_code == 403
    assert login("chenjing").get(f"/service/complaints/{complaint_id}").status_code == 404
    assert "别人的投诉" in login("wumin").get("/service/complaints").get_data(as_text=True)


def test_complaint_list_filters_and_fixed_query_count(app, login):
    with app.app_context():
        first = _open(app)
        db.session.commit()
        first_id = first.id
    agent = login("zhoujie")
    overdue = agent.get("/service/complaints?overdue=1").get_data(as_text=True)
    assert "交付延迟" in overdue  # its 30 minutes ran out long ago
    assert "交付延迟" in agent.get("/service/complaints?owner=me&state=new").get_data(
        as_text=True)
    assert "交付延迟" not in agent.get("/service/complaints?state=closed").get_data(
        as_text=True).split('id="complaint-rows"')[-1]
    users = [agent, login("tangning"), login("zhangwei")]
    urls = ("/service/complaints", "/service/complaints?overdue=1",
            f"/service/complaints/{first_id}")

    def counts():
        found = []
        for client in users:
            for url in urls:
                with count_queries(app) as counter:
                    assert client.get(url).status_code == 200
                found.append(counter.n)
        return found

    small = counts()
    with app.app_context():
        customer_id = db.session.scalar(select(Complaint.customer_id))
        for _i in range(30):
            complaints.open_complaint(customer_id, user_id("zhoujie"), "批量投诉", "direct")
        db.session.commit()
    assert counts() == small
