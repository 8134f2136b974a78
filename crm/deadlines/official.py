"""China's official holidays and make-up working days (国务院办公厅 notices), as published in
the `chinese-calendar` package; a new year arrives with an upgrade of that package, or an
admin imports it from CSV. Also the company default calendar the first migration loads."""

from datetime import date
from functools import cache
from importlib.metadata import version

from chinese_calendar import constants
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from crm.base import utcnow
from crm.deadlines.models import HOLIDAY, WORKDAY, CalendarDay, WorkCalendar

NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
         "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节",
         "National Day": "国庆节", "Anti-Fascist 70th Day": "抗战胜利70周年纪念日"}
OFFICE_HOURS = "09:00-12:00, 13:30-18:00"
DEFAULT_CALENDAR = "公司标准日历"


@cache
def source() -> str:
    return f"chinese-calendar {version('chinese-calendar')}"


def official_years() -> list[int]:
    return sorted({day.year for day in constants.holidays})


def official_days(year: int) -> list[tuple[date, str, str]]:
    """(date, holiday | workday, name) of one year, in date order."""
    days = [(d, HOLIDAY, NAMES.get(str(n), str(n))) for d, n in constants.holidays.items()
            if d.year == year]
    days += [(d, WORKDAY, NAMES.get(str(n), str(n)) + "调休")
             for d, n in constants.workdays.items() if d.year == year]
    return sorted(days)


def seed_default_calendar(conn: Connection) -> None:
    """The company default calendar, Monday to Friday office hours in Asia/Shanghai, with the
    official days of last, this and every published later year. Does nothing if one exists."""
    if conn.scalar(select(WorkCalendar.id).where(WorkCalendar.is_default)) is not None:
        return
    now = utcnow()
    weekdays = {f"hours_{d}": OFFICE_HOURS for d in ("mon", "tue", "wed", "thu", "fri")}
    calendar_id = conn.execute(insert(WorkCalendar).values(
        name=DEFAULT_CALENDAR, timezone="Asia/Shanghai", is_default=True,
        national_holidays=True, hours_sat="", hours_sun="", version=1, created_at=now,
        updated_at=now, **weekdays).returning(WorkCalendar.id)).scalar_one()
    published = source()
    rows = [{"calendar_id": calendar_id, "day": day, "kind": kind, "hours": "", "name": name,
             "source": published, "created_at": now, "updated_at": now}
            for year in official_years() if year >= now.year - 1
            for day, kind, name in official_days(year)]
    if rows:
        conn.execute(insert(CalendarDay), rows)
