"""Admin pages for working calendars and deadline kinds; the countdown element and pausing a
clock for everyone who may see it."""

from datetime import timedelta

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from crm.auth.access import roles_required
from crm.auth.forms import ROLE_LABELS
from crm.auth.models import Team
from crm.auth.scopes import get_visible_or_404
from crm.base import utcnow
from crm.deadlines import calendars, official, rules, services
from crm.deadlines.countdown import deadline_countdown, span
from crm.deadlines.forms import (
    BASIS_LABELS,
    DAY_KINDS,
    CalendarForm,
    DayForm,
    ImportForm,
    KindForm,
    YearForm,
)
from crm.deadlines.kinds import kind_spec, kinds
from crm.deadlines.models import WEEKDAY_LABELS, WEEKDAYS, Deadline, WorkCalendar
from crm.extensions import db
from crm.web.conflict import is_stale, reload_with_conflict
from crm.web.render import render

bp = Blueprint("deadlines", __name__)

@bp.app_template_filter("minutes_span")
def minutes_span(minutes: int) -> str:
    return span(timedelta(minutes=minutes))


DAY_PREFIX = "newday"  # the calendar's own form on the page has a `name` field too
CALENDAR_FIELDS = ["name", "timezone", "is_default", "national_holidays",
                   *[f"hours_{d}" for d in WEEKDAYS]]


@bp.get("/admin/calendars")
@roles_required("admin")
def calendars_index():
    rows = db.session.scalars(select(WorkCalendar).order_by(
        WorkCalendar.is_default.desc(), WorkCalendar.name)).all()
    teams = dict(db.session.execute(select(Team.id, Team.name)).all())
    years = calendars.years_to_check()
    years_by_calendar = {c.id: calendars.year_status(c.id, years) for c in rows}
    team_names = {c.id: sorted(teams[t.team_id] for t in c.teams) for c in rows}
    return render("deadlines/calendars.html", calendars=rows, team_names=team_names,
                  years=years_by_calendar,
                  missing=calendars.missing_years(), weekday_labels=WEEKDAY_LABELS)


def _calendar_form(calendar: WorkCalendar | None) -> CalendarForm:
    form = CalendarForm(obj=calendar)
    form.team_ids.choices = [(t.id, t.name) for t in db.session.scalars(
        select(Team).order_by(Team.name))]
    if calendar is not None and not form.is_submitted():
        form.team_ids.data = [t.team_id for t in calendar.teams]
    return form


def _save_calendar_from(form: CalendarForm, calendar: WorkCalendar | None):
    try:
        return calendars.save_calendar(
            calendar, name=form.name.data.strip(), timezone=form.timezone.data,
            is_default=form.is_default.data, national_holidays=form.national_holidays.data,
            hours=[form[f"hours_{d}"].data or "" for d in WEEKDAYS],
            team_ids=form.team_ids.data or [])
    except calendars.CalendarError as error:
        form.add_error(error.field, error.message)
        return None


def _year_arg() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else utcnow().year


def _calendar_page(calendar, form, status=200, conflicts=(), day_form=None, import_form=None,
                   year=None):
    year = year or _year_arg()
    context = {"calendar": calendar, "form": form, "conflicts": list(conflicts),
               "weekdays": list(zip(WEEKDAYS, WEEKDAY_LABELS, strict=True)), "year": year}
    if calendar is not None:
        context |= {
            "days": calendars.days_of_year(calendar.id, year),
            "year_data": calendars.year_status(calendar.id, [year])[0],
            "day_form": day_form or DayForm(formdata=None, prefix=DAY_PREFIX),
            "import_form": import_form or ImportForm(formdata=None, year=year),
            "official_years": [y for y in official.official_years() if y >= year - 1],
            "day_kinds": DAY_KINDS,
        }
    return render("deadlines/calendar_form.html", status=status, **context)


@bp.route("/admin/calendars/new", methods=["GET", "POST"], defaults={"calendar_id": None})
@bp.route("/admin/calendars/<int:calendar_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_calendar(calendar_id: int | None):
    calendar = db.get_or_404(WorkCalendar, calendar_id) if calendar_id else None
    form = _calendar_form(calendar)
    status, conflicts = 200, []
    if form.validate_on_submit():
        if calendar and is_stale(form, calendar):
            conflicts, status = reload_with_conflict(form, calendar, CALENDAR_FIELDS), 409
        elif saved := _save_calendar_from(form, calendar):
            db.session.commit()
            flash(_("Calendar saved."), "success")
            return redirect(url_for("deadlines.edit_calendar", calendar_id=saved.id))
        else:
            status = 422
    elif form.is_submitted():
        status = 422
    return _calendar_page(calendar, form, status, conflicts)


def _back_to(calendar: WorkCalendar, year: int):
    return redirect(url_for("deadlines.edit_calendar", calendar_id=calendar.id, year=year))


@bp.post("/admin/calendars/<int:calendar_id>/days")
@roles_required("admin")
def add_day(calendar_id: int):
    calendar = db.get_or_404(WorkCalendar, calendar_id)
    day_form = DayForm(prefix=DAY_PREFIX)
    if day_form.validate_on_submit():
        try:
            calendars.save_day(calendar, day=day_form.day.data, kind=day_form.kind.data,
                               hours=day_form.hours.data or "", name=day_form.name.data or "",
                               source=_("Entered by %(name)s", name=current_user.name))
        except calendars.CalendarError as error:
            day_form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("Day saved."), "success")
            return _back_to(calendar, day_form.day.data.year)
    year = day_form.day.data.year if day_form.day.data else _year_arg()
    return _calendar_page(calendar, _calendar_form(calendar), 422, day_form=day_form,
                          year=year)


@bp.post("/admin/calendars/<int:calendar_id>/days/<int:day_id>/delete")
@roles_required("admin")
def delete_day(calendar_id: int, day_id: int):
    calendar = db.get_or_404(WorkCalendar, calendar_id)
    if not calendars.delete_day(calendar, day_id):
        abort(404)
    db.session.commit()
    flash(_("Day removed."), "success")
    return _back_to(calendar, _year_arg())


@bp.post("/admin/calendars/<int:calendar_id>/import")
@roles_required("admin")
def import_year(calendar_id: int):
    calendar = db.get_or_404(WorkCalendar, calendar_id)
    import_form = ImportForm()
    if import_form.validate_on_submit():
        text = import_form.file.data.read().decode("utf-8", errors="replace")
        try:
            count = calendars.import_year(calendar, import_form.year.data, text)
        except calendars.CalendarError as error:
            import_form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("%(n)d days of %(year)d imported.", n=count, year=import_form.year.data),
                  "success")
            return _back_to(calendar, import_form.year.data)
    return _calendar_page(calendar, _calendar_form(calendar), 422, import_form=import_form,
                          year=import_form.year.data or _year_arg())


@bp.post("/admin/calendars/<int:calendar_id>/official")
@roles_required("admin")
def load_official(calendar_id: int):
    calendar = db.get_or_404(WorkCalendar, calendar_id)
    form = YearForm()
    year = form.year.data if form.validate_on_submit() else None
    try:
        count = calendars.load_official_year(calendar, year or 0)
    except calendars.CalendarError as error:
        flash(error.message, "error")
        return _back_to(calendar, year or _year_arg())
    db.session.commit()
    flash(_("%(n)d official days of %(year)d loaded.", n=count, year=year), "success")
    return _back_to(calendar, year)


@bp.get("/admin/calendars/<int:calendar_id>/<int:year>.csv")
@roles_required("admin")
def export_year(calendar_id: int, year: int):
    calendar = db.get_or_404(WorkCalendar, calendar_id)
    response = make_response(calendars.export_year(calendar, year))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename=calendar-{year}.csv"
    response.vary.add("HX-Request")
    return response


@bp.get("/admin/deadline-kinds")
@roles_required("admin")
def kinds_index():
    return render("deadlines/kinds.html", rules=rules.all_rules(), labels=kinds(),
                  basis_labels=BASIS_LABELS, role_labels=ROLE_LABELS)


KIND_FIELDS = ["basis", "duration_minutes"]


def _kind_form(kind: str, rule: rules.Rule, stored) -> KindForm:
    form = KindForm(data={"basis": rule.basis, "duration_minutes": rule.minutes,
                          "version": stored.version if stored else ""})
    if not form.is_submitted():
        for step in rule.ladder:
            form[f"role_{step.level}"].data = step.role
            form[f"delay_{step.level}"].data = step.delay_minutes
    return form


@bp.route("/admin/deadline-kinds/<kind>", methods=["GET", "POST"])
@roles_required("admin")
def edit_kind(kind: str):
    if kind not in kinds():
        abort(404)
    stored = rules.admin_rule(kind)
    form = _kind_form(kind, rules.rule_for(kind), stored)
    status, conflicts = 200, []
    if form.validate_on_submit():
        if stored and is_stale(form, stored):
            conflicts, status = reload_with_conflict(form, stored, KIND_FIELDS), 409
        else:
            try:
                rules.save_rule(kind, basis=form.basis.data,
                                minutes=form.duration_minutes.data,
                                steps=[(n, form[f"role_{n}"].data, form[f"delay_{n}"].data)
                                       for n in range(2, rules.MAX_LEVEL + 1)])
            except rules.RuleError as error:
                form.add_error(error.field, error.message)
                status = 422
            else:
                db.session.commit()
                flash(_("Deadline kind saved."), "success")
                return redirect(url_for("deadlines.kinds_index"))
    elif form.is_submitted():
        status = 422
    return render("deadlines/kind_form.html", status=status, form=form, kind=kind,
                  label=kinds()[kind], spec=kind_spec(kind), conflicts=conflicts,
                  levels=range(2, rules.MAX_LEVEL + 1))


@bp.get("/deadlines/<int:deadline_id>/countdown")
@login_required
def countdown(deadline_id: int):
    deadline = get_visible_or_404(Deadline, deadline_id)
    return render("deadlines/countdown.html", deadline=deadline,
                  clock=deadline_countdown(deadline))


def _clock_answer(deadline: Deadline, status: int = 200, error: str | None = None):
    if request.headers.get("HX-Request"):
        return render("deadlines/countdown.html", status=status, deadline=deadline,
                      clock=deadline_countdown(deadline), controls=True, error=error)
    if error:
        flash(error, "error")
    return redirect(url_for("followups.index"))


def _pause_or_resume(deadline_id: int, action):
    deadline = get_visible_or_404(Deadline, deadline_id)
    try:
        action(deadline)
    except services.ClockError as error:
        db.session.rollback()
        return _clock_answer(deadline, 409, error.message)
    db.session.commit()
    return _clock_answer(deadline)


@bp.post("/deadlines/<int:deadline_id>/pause")
@login_required
def pause(deadline_id: int):
    reason = request.form.get("reason", "")
    return _pause_or_resume(deadline_id, lambda d: services.pause(d, current_user.id, reason))


@bp.post("/deadlines/<int:deadline_id>/resume")
@login_required
def resume(deadline_id: int):
    return _pause_or_resume(deadline_id, lambda d: services.resume(d, current_user.id))
