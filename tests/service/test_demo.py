"""The demo gives the service desk a day: calls today, open complaints in every state."""

from datetime import timedelta

from sqlalchemy import func, select

from crm.base import utcnow
from crm.extensions import db
from crm.service.models import Call, Complaint


def test_the_demo_has_calls_today_and_complaints_in_every_state(app, demo):
    with app.test_request_context():
        recent = db.session.scalar(select(func.count()).select_from(Call).where(
            Call.at > utcnow() - timedelta(hours=3)))
        assert recent >= 6
        states = set(db.session.scalars(select(Complaint.state)))
        assert states == {"new", "active", "waiting", "closed"}
        assert db.session.scalar(select(Complaint.plan_state).where(Complaint.complex)) == \
            "submitted"


def test_the_demo_has_archives_to_complete_and_revisits_due(app, demo):
    from crm.care.models import Revisit, ServiceArchive
    from crm.deadlines.models import Deadline

    with app.test_request_context():
        open_archives = db.session.scalar(select(func.count()).select_from(ServiceArchive)
                                          .where(ServiceArchive.completed_at.is_(None)))
        assert 0 < open_archives < db.session.scalar(
            select(func.count()).select_from(ServiceArchive))
        assert db.session.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.kind == "service_archive", Deadline.done_at.is_(None),
            Deadline.due_at < utcnow())) == 1
        today = utcnow().date()
        due = list(db.session.scalars(select(Revisit.due_on).where(Revisit.done_at.is_(None))))
        assert any(d < today for d in due) and any(d > today for d in due)
        assert db.session.scalar(select(func.count()).select_from(Revisit).where(
            Revisit.done_at.is_not(None))) >= 1
