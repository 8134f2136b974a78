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
from crm.auth.scopes import get_editable_or_404, get_visible_or_404
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
from crm.errors import DomainError
from crm.extensions import db, htmx
from crm.settings.registry import BY_KEY
from crm.web.edits import saved_redirect, submit_edit
from crm.web.render import render

bp = Blueprint("deadlines", __name__)

@bp.app_template_filter("minutes_span")
def minutes_span(minutes: int) -> str:
    return span(timedelta(minutes=minutes))


DAY_PREFIX = "newday"  # the calendar's own form on the page has a `name` field too
OFFICIAL_PREFIX = "official"  # the import form has a `year` field too
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
    return calendars.save_calendar(
        calendar, name=form.name.data.strip(), timezone=form.timezone.data,
        is_default=form.is_default.data, national_holidays=form.national_holidays.data,
        hours=[form[f"hours_{d}"].data or "" for d in WEEKDAYS],
        team_ids=form.team_ids.data or [])


def _year_arg() -> int:
    year = request.args.get("year", type=int)
    return year if year and 2000 <= year <= 2100 else utcnow().year


def _calendar_context(calendar: WorkCalendar | None, form: CalendarForm, *, year=None,
                      **forms) -> dict:
    """The calendar page: its form and, for a stored calendar, the year's days and the forms
    that add, import and load days (`forms` replaces one that was just refused)."""
    year = year or _year_arg()
    context = {"calendar": calendar, "form": form, "year": year,
               "weekdays": list(zip(WEEKDAYS, WEEKDAY_LABELS, strict=True))}
    if calendar is not None:
        context |= {
            "days": calendars.days_of_year(calendar.id, year),
            "year_data": calendars.year_status(calendar.id, [year])[0],
            "day_form": DayForm(formdata=None, prefix=DAY_PREFIX),
            "import_form": ImportForm(formdata=None, year=year),
            "official_form": YearForm(formdata=None, prefix=OFFICIAL_PREFIX, year=year),
            "official_years": [y for y in official.official_years() if y >= year - 1],
            "day_kinds": DAY_KINDS,
        } | forms
    return context


def _refused(calendar: WorkCalendar, year: int | None, **forms):
    """The calendar page again, 422, with the refused form's errors beside its fields."""
    return render("deadlines/calendar_form.html", status=422, **_calendar_context(
        calendar, _calendar_form(calendar), year=year, **forms))


@bp.route("/admin/calendars/new", methods=["GET", "POST"], defaults={"calendar_id": None})
@bp.route("/admin/calendars/<int:calendar_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_calendar(calendar_id: int | None):
    calendar = get_editable_or_404(WorkCalendar, calendar_id, owner_of=_no_owner) \
        if calendar_id else None
    form = _calendar_form(calendar)
    result = submit_edit(form, calendar, CALENDAR_FIELDS,
                         lambda: _save_calendar_from(form, calendar))
    if result.done:
        return saved_redirect(_("Calendar saved."), url_for(
            "deadlines.edit_calendar", calendar_id=result.saved.id))
    return result.render("deadlines/calendar_form.html", **_calendar_context(calendar, form))


def _no_owner(_record) -> None:
    """Calendars are the company's: an admin (who alone sees them) edits them."""


def _calendar_of(calendar_id: int) -> WorkCalendar:
    return get_editable_or_404(WorkCalendar, calendar_id, owner_of=_no_owner)


def _back_to(calendar: WorkCalendar, year: int, message: str):
    return saved_redirect(message, url_for("deadlines.edit_calendar", calendar_id=calendar.id,
                                           year=year))


@bp.post("/admin/calendars/<int:calendar_id>/days")
@roles_required("admin")
def add_day(calendar_id: int):
    calendar = _calendar_of(calendar_id)
    day_form = DayForm(prefix=DAY_PREFIX)
    result = submit_edit(day_form, None, [], lambda: calendars.save_day(
        calendar, day=day_form.day.data, kind=day_form.kind.data,
        hours=day_form.hours.data or "", name=day_form.name.data or "",
        source=_("Entered by %(name)s", name=current_user.name)))
    if result.done:
        return _back_to(calendar, day_form.day.data.year, _("Day saved."))
    return _refused(calendar, day_form.day.data.year if day_form.day.data else None,
                    day_form=day_form)


@bp.post("/admin/calendars/<int:calendar_id>/days/<int:day_id>/delete")
@roles_required("admin")
def delete_day(calendar_id: int, day_id: int):
    calendar = _calendar_of(calendar_id)
    if not calendars.delete_day(calendar, day_id):
        abort(404)
    return _back_to(calendar, _year_arg(), _("Day removed."))


@bp.post("/admin/calendars/<int:calendar_id>/import")
@roles_required("admin")
def import_year(calendar_id: int):
    calendar = _calendar_of(calendar_id)
    import_form = ImportForm()
    result = submit_edit(import_form, None, [], lambda: calendars.import_year(
        calendar, import_form.year.data,
        import_form.file.data.read().decode("utf-8", errors="replace")))
    if result.done:
        year = import_form.year.data
        return _back_to(calendar, year, _("%(n)d days of %(year)d imported.", n=result.saved,
                                          year=year))
    return _refused(calendar, import_form.year.data, import_form=import_form)


@bp.post("/admin/calendars/<int:calendar_id>/official")
@roles_required("admin")
def load_official(calendar_id: int):
    calendar = _calendar_of(calendar_id)
    form = YearForm(prefix=OFFICIAL_PREFIX)
    result = submit_edit(form, None, [], lambda: calendars.load_official_year(
        calendar, form.year.data))
    if result.done:
        year = form.year.data
        return _back_to(calendar, year, _("%(n)d official days of %(year)d loaded.",
                                          n=result.saved, year=year))
    return _refused(calendar, None, official_form=form)


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
    if kind_spec(kind).minutes is None:
        del form.duration_minutes  # chosen each time (a follow-up's date) or a setting
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
    fields = [name for name in KIND_FIELDS if name in form]
    result = submit_edit(form, stored, fields, lambda: rules.save_rule(
        kind, basis=form.basis.data,
        minutes=form.duration_minutes.data if "duration_minutes" in form else None,
        steps=[(n, form[f"role_{n}"].data, form[f"delay_{n}"].data)
               for n in range(2, rules.MAX_LEVEL + 1)]))
    if result.done:
        return saved_redirect(_("Deadline kind saved."), url_for("deadlines.kinds_index"))
    return result.render("deadlines/kind_form.html", form=form, kind=kind, label=kinds()[kind],
                         levels=range(2, rules.MAX_LEVEL + 1),
                         duration_setting=BY_KEY.get(kind_spec(kind).duration_setting or ""))


@bp.get("/deadlines/<int:deadline_id>/countdown")
@login_required
def countdown(deadline_id: int):
    deadline = get_visible_or_404(Deadline, deadline_id)
    return render("deadlines/countdown.html", deadline=deadline,
                  clock=deadline_countdown(deadline))


def _clock_answer(deadline: Deadline, status: int = 200, error: str | None = None):
    if htmx:
        return render("deadlines/countdown.html", status=status, deadline=deadline,
                      clock=deadline_countdown(deadline), controls=True, error=error)
    if error:
        flash(error, "error")
    return redirect(url_for("followups.index"), 303)


def _pause_or_resume(deadline_id: int, action):
    deadline = get_visible_or_404(Deadline, deadline_id)
    try:
        action(deadline)
    except DomainError as error:
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
