"""/followups (my agenda), quick add from any record, inline complete and reschedule, the
follow-up page, and the public calendar feed /agenda.ics?token=..."""

import json
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from crm.auth.models import User
from crm.auth.scopes import get_visible_or_404, visible
from crm.base import utcnow
from crm.deadlines.kinds import kinds
from crm.deadlines.models import Deadline
from crm.deadlines.pool import returning_soon
from crm.deadlines.subjects import get_visible_subject_or_404, load_refs
from crm.extensions import db, htmx
from crm.followups import KIND, agenda, calendar, services
from crm.followups.forms import CompleteForm, FollowUpForm, RescheduleForm
from crm.followups.models import FollowUp
from crm.notifications.mailer import mail_configured
from crm.queue import after_commit
from crm.web import submissions
from crm.web.conflict import is_stale
from crm.web.formatting import moment
from crm.web.i18n import local_time
from crm.web.pagination import keyset_page
from crm.web.redirects import safe_next
from crm.web.render import render

bp = Blueprint("followups", __name__)
CHANGED = "followups-changed"
TEAM_VIEWERS = ("manager", "director")  # who may see their team's agenda
_FORM_ARG = {CompleteForm: "complete_form", RescheduleForm: "reschedule_form"}


@bp.context_processor
def _clock() -> dict:
    return {"now_utc": utcnow()}


def _filters() -> dict:
    view = request.args.get("view", "all")
    whose = request.args.get("whose", "mine")
    team = whose == "team" and current_user.has_role(*TEAM_VIEWERS)
    return {
        "view": view if view in agenda.VIEWS else "all",
        "kind": request.args.get("kind", "") if request.args.get("kind") in kinds() else "",
        "whose": "team" if team else "mine",
        "owner": request.args.get("owner", type=int) if team else None,
    }


@bp.get("/followups")
@login_required
def index():
    return _agenda_page()


def _agenda_page(feed_url: str | None = None):
    f = _filters()
    zone = get_timezone()
    stmt = agenda.agenda_query(current_user, zone=zone, **f)
    page = keyset_page(stmt, Deadline.due_at, Deadline.id, request.args.get("after"),
                       descending=False)
    page.rows = agenda.items(page.rows, current_user, zone)
    owner = f["owner"] and db.session.scalar(visible(User).where(User.id == f["owner"]))
    return render("followups/agenda.html", page=page, filters=f, kinds=kinds(), owner=owner,
                  form=_add_form(None, None), has_token=calendar.has_token(current_user.id),
                  feed_url=feed_url, returning=returning_soon(current_user.id, utcnow()))


def _add_form(subject_type: str | None, subject_id: int | None, formdata=None) -> FollowUpForm:
    form = FollowUpForm(formdata=formdata)
    people = services.assignable_users(current_user)
    form.owner_id.choices = [(u.id, u.name) for u in people] or [
        (current_user.id, current_user.name)]
    if formdata is None:
        form.owner_id.data = current_user.id
        form.due_date.data = local_time(utcnow()).date()
        form.subject_type.data = subject_type or ""
        form.subject_id.data = subject_id
    return form


def _subject_args() -> tuple[str | None, int | None]:
    source = request.form if request.method == "POST" else request.args
    subject_type = source.get("subject_type") or None
    subject_id = source.get("subject_id", type=int)
    if subject_type:
        get_visible_subject_or_404(subject_type, subject_id)
    return subject_type, (subject_id if subject_type else None)


def _panel(subject_type, subject_id, form, status=200, **headers):
    followups = services.open_on_subject(subject_type, subject_id)
    template = "followups/add_form.html" if htmx.target == "followup-add" else \
        "followups/panel.html"
    response = render(template, status=status, form=form, followups=followups,
                      subject_type=subject_type, subject_id=subject_id)
    response.headers.update(headers)
    return response


@bp.get("/followups/panel")
@login_required
def panel():
    subject_type, subject_id = _subject_args()
    return _panel(subject_type, subject_id, _add_form(subject_type, subject_id))


@bp.post("/followups")
@login_required
def create():
    subject_type, subject_id = _subject_args()
    form = _add_form(subject_type, subject_id, formdata=request.form)
    if form.validate_on_submit():
        after = safe_next(request.form.get("next"), "followups.index")
        if earlier := submissions.claim(form):  # a repeat: the follow-up exists already
            if not htmx:
                return redirect(earlier, 303)
            return _panel(subject_type, subject_id, _add_form(subject_type, subject_id))
        try:
            followup = services.add(
                what=form.what.data, owner_id=form.owner_id.data or current_user.id,
                due=services.due_at(form.due_date.data, form.due_time.data, get_timezone()),
                subject_type=subject_type, subject_id=subject_id, by=current_user)
        except services.FollowUpError as error:
            form.add_error(error.field, error.message)
        else:
            _email_soon(followup)
            submissions.fulfil(form, after)
            db.session.commit()
            message = _("Follow-up added: %(what)s", what=followup.what)
            if not htmx:
                flash(message, "success")
                return redirect(after, 303)
            return _panel(subject_type, subject_id, _add_form(subject_type, subject_id),
                          **_events(message))
    return _panel(subject_type, subject_id, form, status=422)


def _email_soon(followup: FollowUp) -> None:
    """Someone else's follow-up: their notification is mailed once this commit is in."""
    from jobs.notifications import FLUSH_EMAIL_JOB_ID, flush_emails

    if followup.owner_id != current_user.id and mail_configured(current_app.config):
        after_commit(flush_emails, job_id=FLUSH_EMAIL_JOB_ID)


def _events(message: str, list_changed: bool = True) -> dict:
    events = {"notifications-changed": True, "toast": {"text": message, "kind": "success"}}
    return {"HX-Trigger": json.dumps(events | ({CHANGED: True} if list_changed else {}))}


@bp.get("/followups/<int:followup_id>")
@login_required
def show(followup_id: int):
    followup = get_visible_or_404(FollowUp, followup_id)
    return _show(followup)


def _show(followup: FollowUp, status: int = 200, complete_form=None, reschedule_form=None):
    ref = load_refs([(followup.subject_type, followup.subject_id)]).get(
        (followup.subject_type, followup.subject_id))
    return render("followups/show.html", status=status, followup=followup, ref=ref,
                  complete_form=complete_form or CompleteForm(version=followup.version),
                  reschedule_form=reschedule_form or _reschedule_form(followup))


def _reschedule_form(followup: FollowUp, formdata=None) -> RescheduleForm:
    form = RescheduleForm(formdata=formdata)
    if formdata is None:
        local = local_time(followup.due_at)
        form.due_date.data, form.due_time.data = local.date(), local.time()
        form.version.data = str(followup.version)
    return form


def _after_change(followup: FollowUp, message: str, form, status: int = 200):
    """The answer to complete/reschedule: the panel, the agenda row or the follow-up page."""
    if htmx.target == "followup-panel":
        return _panel(followup.subject_type, followup.subject_id,
                      _add_form(followup.subject_type, followup.subject_id), status,
                      **(_events(message) if status == 200 else {}))
    if htmx:
        deadline = db.session.scalar(select(Deadline).where(
            Deadline.subject_type == KIND, Deadline.subject_id == followup.id,
            Deadline.kind == KIND))
        item = agenda.items([deadline], current_user, get_timezone())[0]
        response = render("followups/agenda.html", status=status, block="agenda_row",
                          item=item, row_error=form.form_errors[0] if form.form_errors else "")
        if status == 200:  # the row shows "done" in place; the list is not reloaded under it
            response.headers.update(_events(message, list_changed=False))
        return response
    if status == 200:
        flash(message, "success")
        return redirect(url_for("followups.show", followup_id=followup.id), 303)
    return _show(followup, status, **{_FORM_ARG[type(form)]: form})


@bp.post("/followups/<int:followup_id>/complete")
@login_required
def complete(followup_id: int):
    followup = get_visible_or_404(FollowUp, followup_id)
    form = CompleteForm()
    if not form.validate_on_submit():
        return _after_change(followup, "", form, 422)
    if is_stale(form, followup):
        form.form_errors.append(_("Someone else changed this follow-up meanwhile."))
        return _after_change(followup, "", form, 409)
    try:
        services.complete(followup, form.outcome.data)
    except services.FollowUpError as error:
        form.add_error(error.field, error.message)
        return _after_change(followup, "", form, 422)
    db.session.commit()
    return _after_change(followup, _("Done: %(what)s", what=followup.what), form)


@bp.post("/followups/<int:followup_id>/reschedule")
@login_required
def reschedule(followup_id: int):
    followup = get_visible_or_404(FollowUp, followup_id)
    form = _reschedule_form(followup, formdata=request.form)
    if not form.validate_on_submit():
        form.form_errors.append(_("Choose a date."))
        return _after_change(followup, "", form, 422)
    if is_stale(form, followup):
        form.form_errors.append(_("Someone else changed this follow-up meanwhile."))
        return _after_change(followup, "", form, 409)
    try:
        services.reschedule(followup, services.due_at(form.due_date.data, form.due_time.data,
                                                      get_timezone()))
    except services.FollowUpError as error:
        form.add_error(None, error.message)
        return _after_change(followup, "", form, 422)
    db.session.commit()
    return _after_change(followup, _("Moved to %(day)s", day=moment(followup.due_at)), form)


@bp.post("/followups/calendar")
@login_required
def calendar_token():
    token = calendar.new_token(current_user.id)
    db.session.commit()
    feed_url = url_for("followups.agenda_ics", token=token, _external=True)
    if htmx:
        return render("followups/agenda.html", block="calendar_card", has_token=True,
                      feed_url=feed_url)
    return _agenda_page(feed_url)


@bp.post("/followups/calendar/revoke")
@login_required
def revoke_calendar():
    calendar.revoke(current_user.id)
    db.session.commit()
    if htmx:
        return render("followups/agenda.html", block="calendar_card", has_token=False,
                      feed_url=None)
    flash(_("Calendar link revoked."), "success")
    return redirect(url_for("followups.index"), 303)


@bp.get("/agenda.ics")
def agenda_ics():
    """Public: the secret token is the credential; a wrong or revoked one is a 404."""
    user = calendar.user_for(request.args.get("token"))
    if user is None:
        abort(404)
    body = calendar.feed(user, ZoneInfo(user.timezone or "Asia/Shanghai"))
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
