"""R-12's pool clock warns first: the owner is told `pool_warning_days` before the return,
once per follow-up, and sees the lead in the agenda with its countdown."""

from datetime import timedelta

from sqlalchemy import func, select

from crm.base import utcnow
from crm.deadlines.pool import warn_returning_leads
from crm.extensions import db
from crm.notifications.models import Notification
from crm.sales.models import Lead
from crm.settings.services import save_settings
from tests.deadlines.helpers import at_once
from tests.sales.test_leads import make_lead


def _touch(app, lead_id, days_ago):
    with app.app_context():
        db.session.get(Lead, lead_id).last_followup_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()


def _warnings(app) -> list[tuple[int, str]]:
    with app.app_context():
        notes = db.session.scalars(select(Notification).where(
            Notification.kind == "pool_warning").order_by(Notification.id)).all()
        return [(n.subject_id, n.user.username) for n in notes]


def test_owners_hear_three_days_ahead_once_per_follow_up_and_see_it_in_the_agenda(app, login):
    soon, later = make_lead(app, "将回公海客户甲"), make_lead(app, "仍在跟进客户乙")
    _touch(app, soon, 28)  # returns in 2 days (default: 30-day clock, warned 3 days ahead)
    _touch(app, later, 20)
    with app.app_context():
        for _ in range(2):
            warn_returning_leads(utcnow())
            db.session.commit()
    assert _warnings(app) == [(soon, "zhangwei")]

    rep = login("zhangwei")
    agenda = rep.get("/followups").get_data(as_text=True)
    assert "将回公海客户甲" in agenda and "仍在跟进客户乙" not in agenda
    assert "countdown-soon" in agenda or "countdown-running" in agenda
    assert "1 天" in agenda  # about two days left: "1 天 23 小时"
    notes = rep.get("/notifications").get_data(as_text=True)
    assert "将回公海客户甲" in notes and "公海" in notes

    _touch(app, soon, 29)  # a new follow-up time that is again close: a new warning
    with app.app_context():
        warn_returning_leads(utcnow())
        db.session.commit()
    assert _warnings(app) == [(soon, "zhangwei")] * 2


def test_the_warning_can_be_switched_off_and_two_runs_at_once_warn_once(app, people):
    leads = [make_lead(app, f"并发客户{i}") for i in range(20)]
    for lead in leads:
        _touch(app, lead, 29)
    with app.test_request_context():
        save_settings({"pool_warning_days": 0})
        db.session.commit()
        assert warn_returning_leads(utcnow()) == 0
        save_settings({"pool_warning_days": 3})
        db.session.commit()
    now = utcnow()
    at_once(app, lambda offset: warn_returning_leads(now + timedelta(microseconds=offset)))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 20
