"""Working calendars: which one a person works by, the calendar value the arithmetic uses, and
the admin's edits (hours, holidays, make-up days, a year's import). Never commits."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from zoneinfo import available_timezones

from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import delete, extract, func, select, update

from crm.auth.models import Team, User
from crm.base import utcnow
from crm.deadlines import official
from crm.deadlines.models import (
    HOLIDAY,
    WEEKDAYS,
    WORKDAY,
    CalendarDay,
    CalendarTeam,
    WorkCalendar,
)
from crm.deadlines.worktime import Calendar, HoursError, format_hours, parse_hours
from crm.errors import DomainError
from crm.extensions import db

CSV_COLUMNS = ("date", "kind", "name", "hours")
ZONES = sorted(available_timezones())


def _cache() -> dict:
    if not has_app_context():
        return {}
    if "crm_calendars" not in g:
        g.crm_calendars = {}
    return g.crm_calendars


def forget_cached() -> None:
    if has_app_context():
        g.pop("crm_calendars", None)


def calendar_value(calendar_id: int) -> Calendar:
    """The calendar as the arithmetic sees it (two queries, then cached for the request)."""
    cache = _cache()
    if calendar_id not in cache:
        row = db.session.get(WorkCalendar, calendar_id)
        week = tuple(parse_hours(h) for h in row.weekday_hours())
        days = {d.day: _day_periods(d, week[0]) for d in db.session.scalars(
            select(CalendarDay).where(CalendarDay.calendar_id == calendar_id))}
        cache[calendar_id] = Calendar(row.timezone, week, days)
    return cache[calendar_id]


def _day_periods(day: CalendarDay, monday):
    periods = parse_hours(day.hours)
    return monday if day.kind == WORKDAY and not periods else periods


def default_calendar_id() -> int | None:
    return db.session.scalar(select(WorkCalendar.id).where(WorkCalendar.is_default))


def calendar_id_for_user(user_id: int) -> int | None:
    """The calendar of the owner's team, else of the nearest team above it that has one, else
    the company default (None: there is no calendar; clocks then count calendar time)."""
    team_id = db.session.scalar(select(User.team_id).where(User.id == user_id))
    parents = dict(db.session.execute(select(Team.id, Team.parent_id)).all())
    own = dict(db.session.execute(select(CalendarTeam.team_id, CalendarTeam.calendar_id)).all())
    seen = set()
    while team_id is not None and team_id not in seen:
        if team_id in own:
            return own[team_id]
        seen.add(team_id)
        team_id = parents.get(team_id)
    return default_calendar_id()


def check_hours(text: str, field: str) -> str:
    try:
        periods = parse_hours(text)
    except HoursError as error:
        raise DomainError(_("Write hours like 09:00-12:00, 13:30-18:00 (could not read "
                              "\"%(part)s\").", part=str(error)), field) from error
    return format_hours(periods)


def save_calendar(calendar: WorkCalendar | None, *, name: str, timezone: str, is_default: bool,
                  national_holidays: bool, hours: list[str], team_ids: list[int]
                  ) -> WorkCalendar:
    if timezone not in ZONES:
        raise DomainError(_("Choose a time zone from the list."), "timezone")
    taken = select(WorkCalendar.id).where(func.lower(WorkCalendar.name) == name.lower())
    if calendar is not None:
        taken = taken.where(WorkCalendar.id != calendar.id)
    if db.session.scalar(taken) is not None:
        raise DomainError(_("Another calendar has this name."), "name")
    if calendar is not None and calendar.is_default and not is_default:
        raise DomainError(_("Make another calendar the default instead."), "is_default")
    normalised = [check_hours(text, f"hours_{d}") for d, text in zip(WEEKDAYS, hours,
                                                                      strict=True)]
    calendar = calendar or WorkCalendar()
    if is_default and not calendar.is_default:
        db.session.execute(update(WorkCalendar).where(WorkCalendar.is_default)
                           .values(is_default=False))
    calendar.name, calendar.timezone = name, timezone
    calendar.is_default, calendar.national_holidays = is_default, national_holidays
    for day, text in zip(WEEKDAYS, normalised, strict=True):
        setattr(calendar, f"hours_{day}", text)
    _set_teams(calendar, team_ids)
    db.session.add(calendar)
    db.session.flush()
    forget_cached()
    return calendar


def _set_teams(calendar: WorkCalendar, team_ids: list[int]) -> None:
    wanted = set(team_ids)
    calendar.teams = [t for t in calendar.teams if t.team_id in wanted]
    kept = {t.team_id for t in calendar.teams}
    if wanted - kept:
        # A team keeps one calendar: taking it here releases it elsewhere.
        db.session.execute(delete(CalendarTeam).where(CalendarTeam.team_id.in_(wanted - kept)))
        calendar.teams += [CalendarTeam(team_id=t) for t in sorted(wanted - kept)]


def _parse_day(text: str, field: str = "day") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as error:
        raise DomainError(_("Enter a date like 2027-01-01."), field) from error


def save_day(calendar: WorkCalendar, *, day: date, kind: str, hours: str, name: str,
             source: str) -> CalendarDay:
    """Add a dated exception, or replace the one on that date."""
    if kind not in (HOLIDAY, WORKDAY):
        raise DomainError(_("Choose holiday or make-up working day."), "kind")
    hours = check_hours(hours, "hours")
    row = db.session.scalar(select(CalendarDay).where(
        CalendarDay.calendar_id == calendar.id, CalendarDay.day == day)) or CalendarDay(
        calendar_id=calendar.id, day=day)
    row.kind, row.hours, row.name, row.source = kind, hours, name.strip()[:100], source
    db.session.add(row)
    db.session.flush()
    forget_cached()
    return row


def delete_day(calendar: WorkCalendar, day_id: int) -> bool:
    row = db.session.scalar(select(CalendarDay).where(
        CalendarDay.id == day_id, CalendarDay.calendar_id == calendar.id))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    forget_cached()
    return True


def _replace_year(calendar: WorkCalendar, year: int, rows: list[tuple], source: str) -> int:
    for old in db.session.scalars(select(CalendarDay).where(
            CalendarDay.calendar_id == calendar.id, extract("year", CalendarDay.day) == year)):
        db.session.delete(old)  # one by one: each removal is in the audit trail
    db.session.flush()
    for day, kind, name, hours in rows:
        db.session.add(CalendarDay(calendar_id=calendar.id, day=day, kind=kind, name=name,
                                   hours=hours, source=source))
    db.session.flush()
    forget_cached()
    return len(rows)


def load_official_year(calendar: WorkCalendar, year: int) -> int:
    if year not in official.official_years():
        raise DomainError(_("No official data for %(year)d yet.", year=year), "year")
    rows = [(day, kind, name, "") for day, kind, name in official.official_days(year)]
    return _replace_year(calendar, year, rows, official.source())


def import_year(calendar: WorkCalendar, year: int, text: str) -> int:
    """Replace the year's days with a CSV (date,kind,name,hours); all or nothing: any bad row
    raises with every row's problem listed."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if not reader.fieldnames or set(reader.fieldnames) < {"date", "kind"}:
        raise DomainError(_("The file needs the columns date, kind, name, hours."), "file")
    rows, problems, seen = [], [], set()
    for line, raw in enumerate(reader, start=2):
        try:
            rows.append(_csv_row(raw, year, seen))
        except DomainError as error:
            problems.append(_("Line %(line)d: %(problem)s", line=line, problem=error.message))
    if problems:
        raise DomainError(" ".join(problems[:10]), "file")
    if not rows:
        raise DomainError(_("The file has no rows."), "file")
    return _replace_year(calendar, year, rows, _("CSV import %(when)s",
                                                 when=utcnow().date().isoformat()))


KIND_WORDS = {"holiday": HOLIDAY, "假日": HOLIDAY, "休": HOLIDAY, "放假": HOLIDAY,
              "workday": WORKDAY, "班": WORKDAY, "上班": WORKDAY, "调休": WORKDAY}


def _csv_row(raw: dict, year: int, seen: set) -> tuple:
    day = _parse_day(raw.get("date") or "")
    if day.year != year:
        raise DomainError(_("%(day)s is not in %(year)d.", day=day.isoformat(), year=year))
    if day in seen:
        raise DomainError(_("%(day)s appears twice.", day=day.isoformat()))
    seen.add(day)
    kind = KIND_WORDS.get((raw.get("kind") or "").strip().lower())
    if kind is None:
        raise DomainError(_("kind must be holiday or workday."))
    hours = check_hours(raw.get("hours") or "", "hours")
    return day, kind, (raw.get("name") or "").strip()[:100], hours


def export_year(calendar: WorkCalendar, year: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for d in days_of_year(calendar.id, year):
        writer.writerow([d.day.isoformat(), d.kind, d.name, d.hours])
    return out.getvalue()


def days_of_year(calendar_id: int, year: int) -> list[CalendarDay]:
    return list(db.session.scalars(select(CalendarDay).where(
        CalendarDay.calendar_id == calendar_id, extract("year", CalendarDay.day) == year)
        .order_by(CalendarDay.day)))


@dataclass(frozen=True)
class YearStatus:
    year: int
    holidays: int
    workdays: int
    sources: tuple[str, ...]

    @property
    def missing(self) -> bool:
        return self.holidays + self.workdays == 0


def year_status(calendar_id: int, years: list[int]) -> list[YearStatus]:
    year = extract("year", CalendarDay.day)
    rows = db.session.execute(
        select(year, CalendarDay.kind, CalendarDay.source, func.count())
        .where(CalendarDay.calendar_id == calendar_id, year.in_(years))
        .group_by(year, CalendarDay.kind, CalendarDay.source)).all()
    out = []
    for y in years:
        mine = [r for r in rows if int(r[0]) == y]
        out.append(YearStatus(y, sum(r[3] for r in mine if r[1] == HOLIDAY),
                              sum(r[3] for r in mine if r[1] == WORKDAY),
                              tuple(sorted({r[2] for r in mine if r[2]}))))
    return out


def years_to_check(today: date | None = None) -> list[int]:
    today = today or utcnow().date()
    return [today.year, today.year + 1]


def missing_years(today: date | None = None) -> list[tuple[WorkCalendar, int]]:
    """(calendar, year) for calendars that follow the national holidays but have no days for
    this or next year: admins are warned until the year is loaded."""
    years = years_to_check(today)
    out = []
    for calendar in db.session.scalars(select(WorkCalendar).where(
            WorkCalendar.national_holidays).order_by(WorkCalendar.name)):
        out += [(calendar, s.year) for s in year_status(calendar.id, years) if s.missing]
    return out

