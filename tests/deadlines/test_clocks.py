"""Clocks in working time: worked examples on the company calendar with an injected clock,
pause and resume, and escalation ladders alerting each level once."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from crm.auth.models import Team
from crm.deadlines import services
from crm.deadlines.calendars import default_calendar_id, save_calendar
from crm.deadlines.kinds import WORKING, Step, register_kind, unregister_kind
from crm.deadlines.models import DeadlineAlert, DeadlineKindRule, LadderStep
from crm.errors import DomainError
from crm.extensions import db
from crm.notifications.models import Notification
from tests.deadlines.helpers import at_once, user_id

SHANGHAI = ZoneInfo("Asia/Shanghai")
RESPONSE = "test.response"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def response_kind():
    """A complaint-like clock: 30 working minutes to respond, may wait for the customer."""
    register_kind(RESPONSE, "Complaint response", basis=WORKING, minutes=30, pausable=True)
    yield RESPONSE
    unregister_kind(RESPONSE)


def _due(owner: str, start: datetime) -> datetime:
    deadline = services.start_clock(RESPONSE, "test", 1, user_id(owner), start)
    db.session.flush()
    return deadline.due_at.astimezone(SHANGHAI)


def test_friday_evening_before_a_national_holiday_is_due_the_first_working_morning_after(
        app, people, response_kind):
    with app.app_context():
        # 2026-04-03 is a Friday; 清明节 runs Saturday to Monday (4-6 April).
        assert _due("zhangwei", local(2026, 4, 3, 17, 50)) == local(2026, 4, 7, 9, 20)


def test_a_make_up_saturday_is_a_working_day_and_an_ordinary_one_is_not(
        app, people, response_kind):
    with app.app_context():
        # 2026-05-09 is a Saturday worked for 劳动节 (调休); 2026-05-16 is an ordinary one.
        assert _due("zhangwei", local(2026, 5, 8, 17, 50)) == local(2026, 5, 9, 9, 20)
        assert _due("zhangwei", local(2026, 5, 15, 17, 50)) == local(2026, 5, 18, 9, 20)


def test_the_lunch_break_is_skipped(app, people, response_kind):
    with app.app_context():
        assert _due("zhangwei", local(2026, 6, 2, 11, 50)) == local(2026, 6, 2, 13, 50)


def _hotline_calendar():
    hotline = db.session.scalar(select(Team.id).where(Team.name == "客户服务中心"))
    return save_calendar(None, name="7×24 热线", timezone="Asia/Shanghai", is_default=False,
                         national_holidays=False, hours=["00:00-24:00"] * 7,
                         team_ids=[hotline])


def test_a_round_the_clock_teams_clock_runs_through_the_night_and_the_holiday(
        app, people, response_kind):
    with app.app_context():
        _hotline_calendar()
        assert _due("zhoujie", local(2026, 4, 3, 23, 50)) == local(2026, 4, 4, 0, 20)
        assert _due("zhangwei", local(2026, 4, 3, 23, 50)) == local(2026, 4, 7, 9, 30)


def test_a_calendar_time_kind_counts_every_minute(app, people):
    register_kind("test.calendar", "Report", minutes=24 * 60)
    try:
        with app.app_context():
            deadline = services.start_clock("test.calendar", None, None, user_id("zhangwei"),
                                            local(2026, 4, 3, 17, 50))
            assert deadline.due_at == local(2026, 4, 4, 17, 50)
            assert deadline.calendar_id is None
    finally:
        unregister_kind("test.calendar")


def test_an_admin_rule_changes_the_duration_and_basis(app, people, response_kind):
    with app.app_context():
        db.session.add(DeadlineKindRule(kind=RESPONSE, basis="calendar", duration_minutes=45))
        db.session.flush()
        assert _due("zhangwei", local(2026, 4, 3, 17, 50)) == local(2026, 4, 3, 18, 35)


def test_a_revisit_date_moves_to_the_next_working_morning(app, people):
    with app.app_context():
        moved = services.on_working_day(local(2026, 10, 1, 10), user_id("zhangwei"))
        assert moved == local(2026, 10, 8, 9)  # 国庆节 1-7 October


def _alerts(level=None) -> int:
    stmt = select(func.count()).select_from(DeadlineAlert)
    if level:
        stmt = stmt.where(DeadlineAlert.level == level)
    return db.session.scalar(stmt)


def test_a_paused_clock_does_not_alert_and_resumes_with_the_paused_working_time_added(
        app, people, response_kind):
    with app.app_context():
        deadline = services.start_clock(RESPONSE, "test", 7, user_id("zhangwei"),
                                        local(2026, 6, 1, 9, 50))
        assert deadline.due_at == local(2026, 6, 1, 10, 20)
        services.pause(deadline, user_id("zhangwei"), "Waiting for the customer's photos",
                       at=local(2026, 6, 1, 10))
        db.session.commit()
        for _ in range(2):
            assert services.sweep(local(2026, 6, 1, 11))["overdue"] == 0
            db.session.commit()

        row = services.resume(deadline, user_id("zhangwei"), at=local(2026, 6, 1, 14))
        db.session.commit()
        # Paused 10:00-12:00 and 13:30-14:00: 150 working minutes move 10:20 to 14:20.
        assert row.counted_minutes == 150
        assert deadline.due_at == local(2026, 6, 1, 14, 20)
        assert services.sweep(local(2026, 6, 1, 14, 19))["overdue"] == 0
        assert services.sweep(local(2026, 6, 1, 14, 20))["overdue"] == 1
        assert services.sweep(local(2026, 6, 1, 14, 21))["overdue"] == 0
        db.session.commit()
        history = services.pauses(deadline.id)
        assert [(p.reason, p.resumed_at) for p in history] == [
            ("Waiting for the customer's photos", local(2026, 6, 1, 14))]


def test_only_pausable_running_clocks_pause(app, people, response_kind):
    with app.test_request_context():
        followup = services.create("followup", None, None, user_id("zhangwei"),
                                   local(2026, 6, 1, 12))
        with pytest.raises(DomainError):
            services.pause(followup, None, "")
        deadline = services.start_clock(RESPONSE, "test", 8, user_id("zhangwei"),
                                        local(2026, 6, 1, 9))
        services.pause(deadline, None, "")
        with pytest.raises(DomainError):
            services.pause(deadline, None, "")
        services.resume(deadline, None)
        with pytest.raises(DomainError):
            services.resume(deadline, None)


LADDER = (Step(2, "manager", 60), Step(3, "director", 120))


def _inbox(username: str) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user_id(username)).order_by(Notification.id)))


def test_a_three_level_ladder_alerts_owner_manager_and_director_once_each(app, people):
    register_kind("test.ladder", "Receivable", ladder=LADDER)
    try:
        with app.app_context():
            due = local(2026, 6, 1, 10)
            services.create("test.ladder", "test", 1, user_id("zhangwei"), due)
            db.session.commit()
            seen = []
            for minutes in (0, 30, 59, 60, 61, 119, 120, 121, 600):
                counts = services.sweep(due + timedelta(minutes=minutes))
                db.session.commit()
                seen.append((minutes, counts["overdue"], counts["escalated"]))
            assert [s for s in seen if s[1] or s[2]] == [(0, 1, 0), (60, 0, 1), (120, 0, 1)]
            assert _inbox("zhangwei") == ["overdue"]
            assert _inbox("wangqiang") == ["escalated"]  # his manager, 华东大区
            assert _inbox("zhaomin") == ["escalated"]  # the director, 总部
            assert _alerts() == 3
    finally:
        unregister_kind("test.ladder")


def test_an_admin_ladder_reaches_a_named_role_outside_the_owners_line(app, people):
    with app.app_context():
        rule = DeadlineKindRule(kind="followup", basis="calendar", steps=[
            LadderStep(level=2, role="legal", delay_minutes=30)])
        db.session.add(rule)
        due = local(2026, 6, 1, 10)
        services.create("followup", None, None, user_id("zhangwei"), due)
        services.create("bench", None, None, user_id("zhangwei"), due)  # standard ladder
        db.session.commit()
        assert services.sweep(due + timedelta(days=2)) == {
            "overdue": 2, "escalated": 2, "notified": 4}
        db.session.commit()
        assert _inbox("fenglv") == ["escalated"]  # 法务部 is beside, not above, the owner
        assert _inbox("wangqiang") == ["escalated"]


def test_two_workers_sweeping_paused_and_ladder_clocks_alert_each_level_once(
        app, people, response_kind):
    register_kind("test.ladder", "Receivable", ladder=LADDER)
    due = local(2026, 6, 1, 10)
    try:
        with app.app_context():
            for i in range(300):
                services.create("test.ladder", "test", i, user_id("zhangwei"), due)
            paused = services.start_clock(RESPONSE, "test", 1, user_id("zhangwei"),
                                          local(2026, 6, 1, 9))
            services.pause(paused, None, "", at=local(2026, 6, 1, 9, 10))
            db.session.commit()

        def sweep_thrice(offset):
            for minutes in (5, 200, 200):
                services.sweep(due + timedelta(minutes=minutes, microseconds=offset))
                db.session.commit()

        at_once(app, sweep_thrice)
        with app.app_context():
            assert [_alerts(level) for level in (1, 2, 3)] == [300, 300, 300]
            assert db.session.scalar(select(func.count()).select_from(Notification)) == 900
            assert default_calendar_id() is not None
    finally:
        unregister_kind("test.ladder")
