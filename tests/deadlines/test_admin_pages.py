"""Admin pages for working calendars and deadline kinds: edits are validated beside the
field, audited, in both languages; the countdown refreshes and pauses over HTTP."""

import io
import re
from datetime import timedelta

from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.auth.models import Team
from crm.base import utcnow
from crm.deadlines import services
from crm.deadlines.calendars import calendar_id_for_user, default_calendar_id
from crm.deadlines.kinds import WORKING, register_kind, unregister_kind
from crm.deadlines.models import CalendarDay, DeadlineKindRule
from crm.extensions import db
from tests.deadlines.helpers import user_id

WEEK = {f"hours_{d}": "09:00-12:00, 13:30-18:00" for d in ("mon", "tue", "wed", "thu", "fri")}


def _audited(app, model: str, field: str) -> list[tuple[str | None, str | None]]:
    with app.app_context():
        rows = db.session.execute(select(AuditEntry.old, AuditEntry.new).where(
            AuditEntry.model == model, AuditEntry.field == field).order_by(AuditEntry.id))
        return [tuple(r) for r in rows]


def _calendar_id(app) -> int:
    with app.app_context():
        return default_calendar_id()


def test_the_default_calendar_ships_this_years_official_days_and_warns_of_next(app, login):
    admin = login("admin")
    page = admin.get("/admin/calendars").get_data(as_text=True)
    assert "公司标准日历" in page and "公司默认" in page
    year = utcnow().year
    if year == 2026:  # chinese-calendar 1.11 publishes up to 2026
        assert "33 天假日，6 天调休" in page
        assert f"缺少 {year + 1} 年的节假日和调休数据" in page
    one = admin.get(f"/admin/calendars/{_calendar_id(app)}?year=2026").get_data(as_text=True)
    assert "2026-02-14" in one and "春节调休" in one and "chinese-calendar" in one


def test_an_admin_edits_the_hours_and_a_bad_period_is_refused_beside_its_field(app, login):
    admin = login("admin")
    cid = _calendar_id(app)
    form = {"name": "公司标准日历", "timezone": "Asia/Shanghai", "national_holidays": "y",
            "is_default": "y", "version": "1", **WEEK, "hours_sat": "9点到12点"}
    bad = admin.post(f"/admin/calendars/{cid}", form)
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "无法识别“9点到12点”" in text and 'value="9点到12点"' in text
    good = admin.post(f"/admin/calendars/{cid}", form | {"hours_sat": "09:00-12:00"})
    assert good.status_code == 303
    assert _audited(app, "work_calendars", "hours_sat") == [("", "09:00-12:00")]
    stale = admin.post(f"/admin/calendars/{cid}", form | {"hours_sat": ""})
    assert stale.status_code == 409
    text = stale.get_data(as_text=True)  # the current values in the form, the user's beside
    assert 'value="09:00-12:00"' in text and 'name="version" type="hidden" value="2"' in text


def test_an_invalid_official_year_is_refused_beside_its_field(app, login):
    admin = login("admin")
    cid = _calendar_id(app)
    for year in ("1999", "2099"):  # out of range; in range but not published
        refused = admin.post(f"/admin/calendars/{cid}/official", {"official-year": year})
        assert refused.status_code == 422
        text = refused.get_data(as_text=True)
        assert 'id="official-year-error"' in text and 'aria-invalid="true"' in text


def test_the_follow_up_kind_saves_without_the_duration_it_does_not_show(app, login):
    admin = login("admin")
    page = admin.get("/admin/deadline-kinds/followup").get_data(as_text=True)
    assert 'name="duration_minutes"' not in page
    saved = admin.post("/admin/deadline-kinds/followup", {
        "basis": "working", "duration_minutes": "0", "role_2": "manager", "delay_2": "60"})
    assert saved.status_code == 303
    with app.app_context():
        rule = db.session.scalar(select(DeadlineKindRule))
        assert (rule.basis, rule.duration_minutes) == ("working", None)


def test_a_team_calendar_days_and_a_csv_year(app, login):
    admin = login("admin")
    with app.app_context():
        hotline = db.session.scalar(select(Team.id).where(Team.name == "客户服务中心"))
    created = admin.post("/admin/calendars/new", {
        "name": "7×24 热线", "timezone": "Asia/Shanghai", "team_ids": str(hotline),
        **{f"hours_{d}": "00:00-24:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat",
                                                 "sun")}})
    assert created.status_code == 303
    cid = int(re.search(r"/admin/calendars/(\d+)", created.headers["Location"]).group(1))
    half = admin.post(f"/admin/calendars/{cid}/days", {
        "newday-day": "2027-02-05", "newday-kind": "holiday", "newday-hours": "09:00-12:00",
        "newday-name": "除夕半天"})
    assert half.status_code == 303
    csv = "date,kind,name,hours\n2027-01-01,holiday,元旦,\n2026-02-07,workday,调休,\n" \
          "2027-02-07,weekday,调休,\n"
    refused = admin.post(f"/admin/calendars/{cid}/import", {
        "year": "2027", "file": (io.BytesIO(csv.encode()), "2027.csv")},
        content_type="multipart/form-data")
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "第 3 行" in text and "第 4 行" in text
    good = "date,kind,name,hours\n2027-01-01,holiday,元旦,\n2027-02-07,workday,春节调休,\n"
    assert admin.post(f"/admin/calendars/{cid}/import", {
        "year": "2027", "file": (io.BytesIO(good.encode()), "2027.csv")},
        content_type="multipart/form-data").status_code == 303
    with app.app_context():
        days = db.session.execute(select(CalendarDay.day, CalendarDay.kind).where(
            CalendarDay.calendar_id == cid).order_by(CalendarDay.day)).all()
        assert [(d.isoformat(), k) for d, k in days] == [("2027-01-01", "holiday"),
                                                         ("2027-02-07", "workday")]
    exported = admin.get(f"/admin/calendars/{cid}/2027.csv").get_data(as_text=True)
    assert exported.splitlines()[1] == "2027-01-01,holiday,元旦,"
    # The half-day added, removed by the import, and the import's two days.
    assert len(_audited(app, "calendar_days", "day")) == 4
    loaded = admin.post(f"/admin/calendars/{cid}/official", {"official-year": "2026"})
    assert loaded.status_code == 303
    with app.app_context():
        assert calendar_id_for_user(user_id("zhoujie")) == cid
        assert calendar_id_for_user(user_id("zhangwei")) == default_calendar_id()
    assert _audited(app, "work_calendars", "team_id") == [(None, str(hotline))]


def test_an_admin_gives_a_kind_working_time_and_a_three_level_ladder(app, login):
    register_kind("test.response", "Complaint response", basis=WORKING, minutes=30)
    try:
        admin = login("admin")
        page = admin.get("/admin/deadline-kinds").get_data(as_text=True)
        assert "Complaint response" in page and "30 分钟" in page and "工作时间" in page
        refused = admin.post("/admin/deadline-kinds/test.response", {
            "basis": "working", "duration_minutes": "30", "role_2": "manager", "delay_2": "60",
            "role_3": "director", "delay_3": "20"})
        assert refused.status_code == 422
        assert "更高级别的提醒不能早于上一级" in refused.get_data(as_text=True)
        saved = admin.post("/admin/deadline-kinds/test.response", {
            "basis": "working", "duration_minutes": "45", "role_2": "manager", "delay_2": "60",
            "role_3": "director", "delay_3": "120"})
        assert saved.status_code == 303
        page = admin.get("/admin/deadline-kinds").get_data(as_text=True)
        assert "45 分钟" in page and "1 小时 后提醒经理" in page
        assert _audited(app, "deadline_kind_rules", "duration_minutes") == [(None, "45")]
        assert _audited(app, "deadline_ladder_steps", "role") == [(None, "manager"),
                                                                  (None, "director")]
        with app.app_context():
            rule = db.session.scalar(select(DeadlineKindRule))
            assert [(s.level, s.role, s.delay_minutes) for s in rule.steps] == [
                (2, "manager", 60), (3, "director", 120)]
        admin.post("/language", {"lang": "en", "next": "/"})
        english = admin.get("/admin/deadline-kinds").get_data(as_text=True)
        assert "Working time" in english and "Manager after 1 h" in english
        assert admin.get("/admin/deadline-kinds/nope").status_code == 404
    finally:
        unregister_kind("test.response")


def test_the_countdown_refreshes_pauses_and_resumes_over_htmx(app, login):
    register_kind("test.response", "Complaint response", basis=WORKING, minutes=30,
                  pausable=True)
    try:
        with app.app_context():
            deadline = services.create("test.response", None, None, user_id("zhangwei"),
                                       utcnow() + timedelta(minutes=25))
            db.session.commit()
            did = deadline.id
        rep = login("zhangwei")
        clock = rep.get(f"/deadlines/{did}/countdown", htmx=True).get_data(as_text=True)
        assert "剩余 2" in clock and 'hx-trigger="every 30s"' in clock
        paused = rep.post(f"/deadlines/{did}/pause", {"reason": "等客户回复"}, htmx=True)
        assert "已暂停" in paused.get_data(as_text=True) and "恢复计时" in paused.get_data(
            as_text=True)
        again = rep.post(f"/deadlines/{did}/pause", {"reason": "x"}, htmx=True)
        assert again.status_code == 409 and "此时限已暂停" in again.get_data(as_text=True)
        resumed = rep.post(f"/deadlines/{did}/resume", htmx=True).get_data(as_text=True)
        assert "剩余" in resumed and "暂停计时" in resumed
        assert login("chenjing").get(f"/deadlines/{did}/countdown").status_code == 404
    finally:
        unregister_kind("test.response")
