"""/followups (my agenda), quick add from any record, inline complete and reschedule, the
follow-up page, and the public calendar feed /agenda.ics?token=..."""

from dataclasses import replace

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_htmx import make_response as htmx_response
from flask_login import current_user, login_required
from sqlalchemy import and_, select
from sqlalchemy.orm import selectinload

from crm.auth.picker import has_others, user_filter
from crm.auth.scopes import get_visible_or_404, visible
from crm.base import utcnow
from crm.deadlines.kinds import kinds
from crm.deadlines.models import Deadline
from crm.deadlines.pool import returning_soon
from crm.deadlines.subjects import get_visible_subject_or_404, load_refs
from crm.errors import DomainError
from crm.extensions import db, htmx
from crm.followups import KIND, agenda, calendar, services
from crm.followups.forms import CompleteForm, FollowUpForm, RescheduleForm
from crm.followups.models import FollowUp
from crm.followups.services import end_of_today
from crm.notifications import FLUSH_EMAIL_JOB, FLUSH_EMAIL_JOB_ID
from crm.notifications.mailer import mail_configured
from crm.queue import after_commit
from crm.web import submissions
from crm.web.conflict import is_stale
from crm.web.formatting import moment
from crm.web.i18n import local_time, user_zone
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.redirects import safe_next
from crm.web.render import render
from crm.web.search import like_term

bp = Blueprint("followups", __name__)
CHANGED = "followups-changed"
TEAM_VIEWERS = ("manager", "director")  # who may see their team's agenda
_FORM_ARG = {CompleteForm: "complete_form", RescheduleForm: "reschedule_form"}


@bp.context_processor
def _clock() -> dict:
    return {"now_utc": utcnow()}


def _whose_choices() -> list[tuple[str, str]]:
    """Managers and directors may see their team's agenda; anyone else sees only their own."""
    return [("mine", _("Mine")), ("team", _("My team's"))] \
        if current_user.has_role(*TEAM_VIEWERS) else []


def _in_view(view: str):
    now = utcnow()
    day_end = end_of_today(user_zone(), now)
    return {"overdue": Deadline.due_at < now,
            "today": and_(Deadline.due_at >= now, Deadline.due_at < day_end),
            "upcoming": Deadline.due_at >= day_end}.get(view)


def _followup_says(term: str):
    return and_(Deadline.kind == KIND, Deadline.subject_id.in_(
        select(FollowUp.id).where(FollowUp.what.ilike(like_term(term), escape="\\"))))


AGENDA = ListSpec(
    name="agenda",
    query=lambda: visible(Deadline).where(Deadline.done_at.is_(None)),
    id_column=Deadline.id,
    columns=(Column("due", _l("Due"), sort=(Deadline.due_at, False)),
             Column("what", _l("What"), sort=(Deadline.kind, False), slow_sort=True),
             Column("about", _l("About")),
             Column("actions", _l("Actions"))),
    default_sort="due",
    filters=(
        Filter("view", _l("Show"), lambda: [
            ("all", _("All open")), ("overdue", _("Overdue")), ("today", _("Today")),
            ("upcoming", _("Upcoming"))], _in_view, default="all"),
        Filter.equals("kind", _l("Kind"), kinds, Deadline.kind, _l("All kinds")),
        Filter("whose", _l("Whose"), _whose_choices,
               lambda v: None if v == "team" else Deadline.owner_id == current_user.id,
               default="mine"),
    ),
    search=_followup_says,
    search_hint=_l("What the follow-up says"),
    count_text=_l("%(n)s open"),
)
# The team view names each deadline's owner and may show one member's.
TEAM_AGENDA = replace(
    AGENDA, query=lambda: AGENDA.query().options(selectinload(Deadline.owner)),
    columns=(*AGENDA.columns[:3], Column("owner", _l("Owner")), AGENDA.columns[3]),
    picks=(user_filter("owner", _l("Owner"), "colleague", lambda v: Deadline.owner_id == v),))


@bp.get("/followups")
@login_required
def index():
    return _agenda_page()


def _agenda_page(feed_url: str | None = None):
    team = request.args.get("whose") == "team" and current_user.has_role(*TEAM_VIEWERS)
    listing = (TEAM_AGENDA if team else AGENDA).run()
    listing.page.rows = agenda.items(listing.page.rows, current_user, user_zone())
    return render_list("followups/agenda.html", listing,
                       form=_add_form(None, None), has_token=calendar.has_token(current_user.id),
                       feed_url=feed_url, returning=returning_soon(current_user.id, utcnow()))


def _add_form(subject_type: str | None, subject_id: int | None, formdata=None) -> FollowUpForm:
    form = FollowUpForm(formdata=formdata)
    form.owner_id.offered = has_others("colleague")  # hidden when only oneself is offered
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


def panel_context(subject_type: str | None, subject_id: int | None,
                  form: FollowUpForm | None = None) -> dict:
    """What the follow-up panel shows: the record's open follow-ups and the quick-add form
    (a fresh one unless given). A record's page renders it with itself (templates/macros/
    followups.html): loaded after the page, it pushed the column below it down under the
    user's pointer (a click meant for the timeline's chips landed beside them)."""
    return {"followups": services.open_on_subject(subject_type, subject_id),
            "form": form if form is not None else _add_form(subject_type, subject_id),
            "now_utc": utcnow(),
            "subject_type": subject_type, "subject_id": subject_id}


def _panel(subject_type, subject_id, form, status=200, trigger=None):
    template = "followups/add_form.html" if htmx.target == "followup-add" else \
        "followups/panel.html"
    return htmx_response(render(template, status=status,
                                **panel_context(subject_type, subject_id, form)),
                         trigger=trigger)


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
                due=services.due_at(form.due_date.data, form.due_time.data, user_zone()),
                subject_type=subject_type, subject_id=subject_id, by=current_user)
        except DomainError as error:
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
                          trigger=_events(message))
    return _panel(subject_type, subject_id, form, status=422)


def _email_soon(followup: FollowUp) -> None:
    """Someone else's follow-up: their notification is mailed once this commit is in."""
    if followup.owner_id != current_user.id and mail_configured(current_app.config):
        after_commit(FLUSH_EMAIL_JOB, job_id=FLUSH_EMAIL_JOB_ID)


def _events(message: str, list_changed: bool = True) -> dict:
    """The events of a saved change: the bell, a toast and (unless `list_changed` is False)
    the agenda reloading itself."""
    events = {"notifications-changed": True, "toast": {"text": message, "kind": "success"}}
    return events | ({CHANGED: True} if list_changed else {})


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
                      trigger=_events(message) if status == 200 else None)
    if htmx:
        deadline = db.session.scalar(select(Deadline).where(
            Deadline.subject_type == KIND, Deadline.subject_id == followup.id,
            Deadline.kind == KIND))
        item = agenda.items([deadline], current_user, user_zone())[0]
        # Done: the row says so in place; the list is not reloaded under it.
        return htmx_response(
            render("followups/agenda.html", status=status, block="row", row=item,
                   listing=AGENDA, row_error=form.form_errors[0] if form.form_errors else ""),
            trigger=_events(message, list_changed=False) if status == 200 else None)
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
    except DomainError as error:
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
                                                      user_zone()))
    except DomainError as error:
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
    body = calendar.feed(user, user_zone(user))
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
