"""Follow-ups (R-40): quick add anywhere, inline done/reschedule, the agenda, the .ics feed."""

import json
import re
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from crm.auth.models import Team
from crm.base import utcnow
from crm.deadlines import services as deadlines
from crm.deadlines.models import Deadline, DeadlineAlert
from crm.deadlines.subjects import register_subject, unregister_subject
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.notifications.models import Notification
from tests.clock import local_day
from tests.conftest import count_queries
from tests.deadlines.helpers import user_id


@pytest.fixture
def team_subjects():
    register_subject("team", Team, "Team", "admin.edit_team", "team_id", lambda t: t.name)
    yield
    unregister_subject("team")


def _add(client, what="回访张总", day=None, at="", htmx=True, target="followup-add", **extra):
    data = {"what": what, "due_date": local_day() if day is None else day, "due_time": at, **extra}
    headers = {"HX-Target": target} if htmx else {}
    return client.post("/followups", data, htmx=htmx, headers=headers)


def _followup(app, what="回访张总") -> FollowUp:
    with app.app_context():
        return db.session.scalar(select(FollowUp).where(FollowUp.what == what))


def _deadline(app, followup_id) -> Deadline:
    with app.app_context():
        return db.session.scalar(select(Deadline).where(Deadline.subject_id == followup_id,
                                                        Deadline.kind == "followup"))


def test_quick_add_saves_the_followup_and_its_deadline_without_a_reload(app, login):
    rep = login("zhangwei")
    response = _add(rep, at="15:30")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<form id="followup-add"') and 'value="回访张总"' not in body
    events = json.loads(response.headers["HX-Trigger"])
    assert events["followups-changed"] and "回访张总" in events["toast"]["text"]
    followup = _followup(app)
    deadline = _deadline(app, followup.id)
    assert deadline.owner_id == followup.owner_id and deadline.due_at == followup.due_at
    local = followup.due_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert (local.hour, local.minute) == (15, 30)


def test_an_invalid_quick_add_is_422_with_the_message_beside_the_field(login, app):
    rep = login("zhangwei")
    response = _add(rep, what="", day="")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'id="followup-what-error"' in body and 'id="followup-due_date-error"' in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_done_inline_completes_the_deadline_and_no_alert_follows(app, login):
    rep = login("zhangwei")
    _add(rep, day=local_day(-2))
    followup = _followup(app)
    deadline = _deadline(app, followup.id)
    page = rep.get("/followups").get_data(as_text=True)
    assert f'id="agenda-row-{deadline.id}" class="agenda-row overdue"' in page and "逾期" in page
    response = rep.post(f"/followups/{followup.id}/complete",
                        {"outcome": "已回访，下周报价", "version": followup.version}, htmx=True,
                        headers={"HX-Target": f"agenda-row-{deadline.id}"})
    assert response.status_code == 200
    row = response.get_data(as_text=True).strip()
    assert row.startswith(f'<tr id="agenda-row-{deadline.id}" class="agenda-row done"')
    assert _deadline(app, followup.id).done_at is not None
    assert _followup(app).outcome == "已回访，下周报价"
    with app.app_context():
        assert deadlines.sweep(utcnow())["overdue"] == 0


def test_reschedule_moves_the_deadline_and_a_stale_form_gets_409(app, login):
    rep = login("zhangwei")
    _add(rep, day=local_day(-1))
    followup = _followup(app)
    with app.app_context():
        deadlines.sweep(utcnow())
        db.session.commit()
    new_day = local_day(3)
    response = rep.post(f"/followups/{followup.id}/reschedule",
                        {"due_date": new_day, "due_time": "09:00", "version": followup.version},
                        htmx=True, headers={"HX-Target": "agenda-row-x"})
    assert response.status_code == 200
    moved = _deadline(app, followup.id)
    assert moved.due_at == _followup(app).due_at and moved.due_at > utcnow()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DeadlineAlert)) == 0
    stale = rep.post(f"/followups/{followup.id}/reschedule",
                     {"due_date": local_day(), "version": followup.version}, htmx=True)
    assert stale.status_code == 409
    assert "meanwhile" in stale.get_data(as_text=True) or "同时" in stale.get_data(as_text=True)


def test_the_agenda_sorts_into_overdue_today_upcoming_and_filters(app, login):
    rep = login("zhangwei")
    _add(rep, what="昨天的", day=local_day(-1))
    _add(rep, what="今天的", day=local_day(), at="23:58")
    _add(rep, what="下周的", day=local_day(7))
    page = rep.get("/followups").get_data(as_text=True)
    assert page.index("昨天的") < page.index("今天的") < page.index("下周的")
    overdue = rep.get("/followups?view=overdue", htmx=True, target="agenda-list")
    text = overdue.get_data(as_text=True)
    assert "昨天的" in text and "今天的" not in text and "<html" not in text
    assert "今天的" in rep.get("/followups?view=today").get_data(as_text=True)
    assert "下周的" not in rep.get("/followups?view=today").get_data(as_text=True)


def test_managers_see_their_teams_agenda_and_reps_only_their_own(app, login):
    _add(login("zhangwei"), what="张伟的跟进")
    _add(login("chenjing"), what="陈静的跟进")
    manager = login("wangqiang")
    team = manager.get("/followups?whose=team").get_data(as_text=True)
    assert "张伟的跟进" in team and "陈静的跟进" not in team
    assert "张伟的跟进" not in manager.get("/followups").get_data(as_text=True)
    rep = login("liuyang")
    assert "张伟的跟进" not in rep.get("/followups?whose=team").get_data(as_text=True)
    followup = _followup(app, "张伟的跟进")
    assert rep.get(f"/followups/{followup.id}").status_code == 404
    assert manager.get(f"/followups/{followup.id}").status_code == 200
    assert login("zhangwei").get(f"/followups/{followup.id}").status_code == 200
    assert rep.post(f"/followups/{followup.id}/complete", {"version": 1}).status_code == 404


def test_a_manager_assigns_to_the_team_and_the_owner_is_told(app, login):
    manager = login("wangqiang")
    response = _add(manager, what="请跟进华东客户", owner_id=str(user_id_of(app, "zhangwei")))
    assert response.status_code == 200
    followup = _followup(app, "请跟进华东客户")
    assert followup.owner_id == user_id_of(app, "zhangwei")
    with app.app_context():
        note = db.session.scalar(select(Notification).where(Notification.kind == "assigned"))
        assert note.user_id == followup.owner_id and "王强" in note.text
    rep = login("liuyang")
    refused = _add(rep, what="给别人的", owner_id=str(user_id_of(app, "chenjing")))
    assert refused.status_code == 422


def user_id_of(app, username):
    with app.app_context():
        return user_id(username)


def test_the_panel_on_a_record_adds_there_and_hides_records_you_cannot_see(app, login,
                                                                             team_subjects):
    with app.app_context():
        team_id = db.session.scalar(select(Team.id).where(Team.name == "华东销售一组"))
    rep = login("zhangwei")
    panel = rep.get(f"/followups/panel?subject_type=team&subject_id={team_id}", htmx=True,
                    target="followup-panel")
    assert panel.status_code == 200 and 'id="followup-panel"' in panel.get_data(as_text=True)
    response = _add(rep, what="拜访销售一组", target="followup-panel", subject_type="team",
                    subject_id=str(team_id))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "拜访销售一组" in body
    assert _followup(app, "拜访销售一组").subject_id == team_id
    assert rep.get("/followups/panel?subject_type=team&subject_id=99999").status_code == 404
    assert rep.get("/followups/panel?subject_type=nothing&subject_id=1").status_code == 404
    agenda = rep.get("/followups").get_data(as_text=True)
    assert f'href="/admin/teams/{team_id}">华东销售一组</a>' in agenda


def test_the_home_page_shows_the_agenda_panel(login):
    rep = login("zhangwei")
    _add(rep, what="今天要打的电话", day=local_day(), at="23:58")
    _add(rep, what="过期的电话", day=local_day(-3))
    home = rep.get("/").get_data(as_text=True)
    assert "今天要打的电话" in home and "过期的电话" in home and "1 项逾期" in home


def test_the_agenda_runs_a_fixed_number_of_queries(app, login, team_subjects):
    rep = login("zhangwei")
    for i in range(3):
        _add(rep, what=f"事项{i}")
    with count_queries(app) as small:
        rep.get("/followups")
    for i in range(60):
        _add(rep, what=f"更多事项{i}")
    with count_queries(app) as large:
        page = rep.get("/followups").get_data(as_text=True)
    assert 'id="agenda-rows-more"' in page
    assert large.n == small.n


def test_the_team_agenda_runs_a_fixed_number_of_queries(app, login):
    _add(login("zhangwei"), what="张伟的")
    manager = login("wangqiang")
    with count_queries(app) as small:
        manager.get("/followups?whose=team")
    for name in ("liuyang", "zhangwei"):
        rep = login(name)
        for i in range(10):
            _add(rep, what=f"{name}{i}")
    with count_queries(app) as large:
        page = manager.get("/followups?whose=team").get_data(as_text=True)
    assert "刘洋" in page and "张伟" in page
    assert large.n == small.n


def test_the_calendar_feed_is_valid_icalendar_behind_a_revocable_token(app, login, client):
    rep = login("zhangwei")
    _add(rep, what="周五拜访", day=local_day(2), at="10:00")
    response = rep.post("/followups/calendar", htmx=True, headers={"HX-Target": "calendar-card"})
    url = re.search(r'value="(http://[^"]+/agenda\.ics\?token=[^"]+)"',
                    response.get_data(as_text=True)).group(1)
    path = url.split("localhost", 1)[1]
    feed = client.get(path)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    assert str(events[0]["summary"]) == "跟进: 周五拜访"
    assert events[0].decoded("dtstart") == _followup(app, "周五拜访").due_at
    assert "/followups/" in str(events[0]["url"])
    assert client.get("/agenda.ics?token=wrong").status_code == 404
    assert client.get("/agenda.ics").status_code == 404
    rep.post("/followups/calendar/revoke")
    assert client.get(path).status_code == 404
    assert "token_hash" not in url
    with app.app_context():
        from crm.followups.models import CalendarToken

        assert db.session.scalar(select(CalendarToken.token_hash)) is None
