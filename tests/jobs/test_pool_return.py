"""R-12 end to end: the daily job returns leads nobody followed up, and tells the former owner;
a follow-up on the lead restarts its clock."""

import re
from datetime import timedelta

from rq import Queue, SimpleWorker
from sqlalchemy import select

from crm.base import utcnow
from crm.extensions import db
from crm.notifications.models import Notification
from crm.sales.models import Lead
from jobs.leads import return_leads_to_pool
from tests.sales.test_leads import make_lead


def _age(app, lead_id, days):
    with app.app_context():
        db.session.get(Lead, lead_id).last_followup_at = utcnow() - timedelta(days=days)
        db.session.commit()


def test_the_job_returns_stale_leads_and_tells_the_former_owner(app, login, redis_conn,
                                                                in_process_jobs):
    stale, followed = make_lead(app, "沉睡客户甲"), make_lead(app, "跟进客户乙")
    _age(app, stale, 31)
    _age(app, followed, 31)
    rep = login("zhangwei")
    response = rep.post("/followups", {"what": "电话回访", "due_date":
                                       utcnow().date().isoformat(), "subject_type": "lead",
                                       "subject_id": str(followed)}, htmx=True)
    assert response.status_code in (200, 201, 303), response.get_data(as_text=True)[:500]
    queue = Queue("default", connection=redis_conn)
    for _ in range(2):  # a second run finds nothing and notifies nobody again
        queue.enqueue(return_leads_to_pool)
        SimpleWorker([queue], connection=redis_conn).work(burst=True)
    with app.app_context():
        assert db.session.get(Lead, stale).owner_id is None
        assert db.session.get(Lead, followed).owner_id is not None
        notes = db.session.scalars(select(Notification).where(
            Notification.kind == "pool_return")).all()
        assert [(n.subject_id, n.user.username) for n in notes] == [(stale, "zhangwei")]
    page = rep.get("/notifications").get_data(as_text=True)
    assert "沉睡客户甲" in page and "公海" in page


def test_record_pages_carry_the_follow_up_panel_for_their_subject(app, login):
    lead = make_lead(app, "面板客户丙")
    rep = login("zhangwei")
    page = rep.get(f"/leads/{lead}").get_data(as_text=True)  # the panel comes with the page
    assert 'id="followup-panel"' in page and re.search(
        r'name="subject_type" type="hidden" value="lead"', page)
    panel = rep.get(f"/followups/panel?subject_type=lead&subject_id={lead}", htmx=True,
                    target="followup-panel")
    assert panel.status_code == 200
    other = login("chenjing")  # another region's rep
    assert other.get(f"/followups/panel?subject_type=lead&subject_id={lead}",
                     htmx=True).status_code == 404
