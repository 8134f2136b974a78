"""The overdue sweep (R-41): each alert raised once, set-based, escalated to the manager."""

from datetime import timedelta

from sqlalchemy import func, select

from crm.base import utcnow
from crm.deadlines import services
from crm.deadlines.models import Deadline, DeadlineAlert
from crm.extensions import db
from crm.notifications.models import Notification
from tests.conftest import count_queries
from tests.deadlines.helpers import add_deadlines, at_once, user_id


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _inbox(username: str) -> list[tuple[str, str]]:
    rows = db.session.execute(select(Notification.kind, Notification.deadline_kind).where(
        Notification.user_id == user_id(username)).order_by(Notification.id))
    return [tuple(r) for r in rows]


def test_past_due_open_deadlines_alert_their_owner_once(app, people):
    now = utcnow()
    with app.app_context():
        add_deadlines(3, "zhangwei", hours_ago=1, now=now)
        add_deadlines(2, "liuyang", hours_ago=-1, now=now)  # not due yet
        done = services.create("followup", None, None, user_id("chenjing"),
                               now - timedelta(hours=2))
        done.done_at = now
        db.session.commit()

        assert services.sweep(now) == {"overdue": 3, "escalated": 0, "notified": 3}
        db.session.commit()
        assert services.sweep(now + timedelta(minutes=1)) == {
            "overdue": 0, "escalated": 0, "notified": 0}
        assert services.sweep(now) == {"overdue": 0, "escalated": 0, "notified": 0}
        db.session.commit()
        assert _inbox("zhangwei") == [("overdue", "followup")] * 3
        assert _inbox("liuyang") == [] and _inbox("chenjing") == []


def test_still_open_after_the_delay_escalates_to_the_nearest_manager(app, people):
    now = utcnow()
    with app.app_context():
        add_deadlines(1, "zhangwei", hours_ago=25, now=now)  # default delay: 24 hours
        add_deadlines(1, "chenjing", hours_ago=2, now=now)
        db.session.commit()
        assert services.sweep(now) == {"overdue": 2, "escalated": 1, "notified": 3}
        db.session.commit()
        assert _inbox("wangqiang") == [("escalated", "followup")]  # 华东大区 over 华东销售一组
        assert _inbox("lina") == []
        assert services.sweep(now + timedelta(hours=23))["escalated"] == 1
        db.session.commit()
        assert _inbox("lina") == [("escalated", "followup")]
        note = db.session.scalar(select(Notification).where(
            Notification.kind == "escalated", Notification.user_id == user_id("lina")))
        assert note.about_user_id == user_id("chenjing")


def test_a_manager_in_the_owners_own_team_is_nearer_and_nobody_escalates_to_themselves(
        app, people):
    from crm.auth.models import UserRole

    now = utcnow()
    with app.app_context():
        db.session.add(UserRole(user_id=user_id("liuyang"), role="manager"))
        add_deadlines(1, "zhangwei", hours_ago=30, now=now)
        add_deadlines(1, "liuyang", hours_ago=30, now=now)
        add_deadlines(1, "wangqiang", hours_ago=30, now=now)  # no manager above 华东大区
        db.session.commit()
        assert services.sweep(now)["escalated"] == 3
        db.session.commit()
        assert _inbox("liuyang") == [("overdue", "followup"), ("escalated", "followup")]
        assert _inbox("wangqiang") == [("overdue", "followup"), ("escalated", "followup")]
        assert _count(DeadlineAlert, DeadlineAlert.level == 2) == 3


def test_moving_a_deadline_lets_the_next_breach_alert_again_and_completing_stops_it(app, people):
    now = utcnow()
    with app.app_context():
        owner = user_id("zhangwei")
        services.create("followup", "test", 1, owner, now - timedelta(hours=1))
        services.create("followup", "test", 2, owner, now - timedelta(hours=1))
        services.create("followup", "test", 3, owner, now - timedelta(hours=1))
        db.session.commit()
        services.sweep(now)
        db.session.commit()
        assert services.move("followup", "test", 1, now + timedelta(hours=1)) == 1
        assert services.complete("followup", "test", 2) == 1
        assert services.cancel("followup", "test", 3) == 1
        db.session.commit()
        assert services.sweep(now + timedelta(minutes=30))["overdue"] == 0
        assert services.sweep(now + timedelta(hours=2))["overdue"] == 1
        db.session.commit()
        assert _count(Deadline) == 2
        assert len(_inbox("zhangwei")) == 4  # three first breaches, one after the move


def test_the_sweep_runs_a_fixed_number_of_statements(app, people):
    now = utcnow()
    with app.app_context():
        add_deadlines(10, "zhangwei", hours_ago=30, now=now)
        db.session.commit()
    with count_queries(app) as small, app.app_context():
        services.sweep(now)
        db.session.commit()
    with app.app_context():
        add_deadlines(3000, "liuyang", hours_ago=30, now=now)
        add_deadlines(2000, "chenjing", hours_ago=2, now=now)
        db.session.commit()
    later = now + timedelta(minutes=1)
    with count_queries(app) as large, app.app_context():
        counts = services.sweep(later)
        db.session.commit()
    assert counts == {"overdue": 5000, "escalated": 3000, "notified": 8000}
    # rules, the largest alert id, one INSERT ... SELECT of alerts per (level, role, delay)
    # (owner, standard ladder, the collection ladder's three roles), the recipients' temporary
    # table (create if missing, empty, fill, analyze) and one INSERT ... SELECT of notifications
    assert large.n == small.n <= 13


def test_two_sweeps_at_once_raise_each_alert_once(app, people):
    now = utcnow()
    with app.app_context():
        add_deadlines(2000, "zhangwei", hours_ago=30, now=now)
        db.session.commit()
    results = at_once(app, lambda offset: services.sweep(now + timedelta(microseconds=offset)))
    assert sum(r["overdue"] for r in results) == 2000
    with app.app_context():
        assert _count(DeadlineAlert) == 4000
        assert _count(Notification) == 4000  # 2000 to zhangwei, 2000 to wangqiang
