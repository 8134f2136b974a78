"""/service/complaints: the list, recording (from a call or directly), the complaint page with
its clocks, plan and history, and each step of its handling (R-33)."""

from datetime import UTC

from flask import Blueprint, abort, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from crm.audit.models import Approval
from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404, visible
from crm.base import utcnow
from crm.channel.access import CHANNEL_ROLES
from crm.channel.dealers import visible_dealer_name
from crm.customers.models import Customer
from crm.customers.views import customer_search
from crm.deadlines import services as deadlines
from crm.deadlines.countdown import deadline_countdown
from crm.deadlines.kinds import kind_label
from crm.deadlines.models import Deadline
from crm.errors import DomainError
from crm.extensions import db
from crm.sales.choices import customer_link
from crm.service import complaints as services
from crm.service.access import COMPLAINT_HANDLERS, COMPLAINT_READERS
from crm.service.choices import product_choices
from crm.service.forms import (
    CloseForm,
    ComplaintForm,
    DecideForm,
    NoteForm,
    PlanForm,
    ReassignForm,
)
from crm.service.models import (
    CLOSED,
    CONFIRMATION_WAYS,
    PLAN_STATES,
    SOURCES,
    STATES,
    Call,
    Complaint,
    ComplaintEvent,
)
from crm.storage import send_stored, store_upload
from crm.web.edits import saved_redirect, submit_edit
from crm.web.i18n import zoneinfo
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.pagination import CHECKED_COUNT_CAP
from crm.web.render import render

bp = Blueprint("complaints", __name__)
SIGNED_FORM_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg"})


def _overdue(value: str):
    """Open complaints with a running clock past its time (a closed one's clocks are stopped:
    saying so lets the list walk the index of an owner's open complaints)."""
    if value != "1":
        return None
    return (Complaint.state != CLOSED) & deadlines.late(services.SUBJECT, Complaint.id, utcnow(),
                                                       paused_too=False)


COMPLAINTS = ListSpec(
    name="complaint",
    query=lambda: visible(Complaint).options(
        joinedload(Complaint.customer).load_only(Customer.name), joinedload(Complaint.owner)),
    id_column=Complaint.id,
    columns=(
        Column("created", _l("Recorded on"), sort=(Complaint.created_at, True)),
        Column("summary", _l("Summary")),
        Column("customer", _l("Customer")),
        Column("state", _l("State"), sort=(Complaint.state, False), slow_sort=True),
        Column("owner", _l("Owner")),
    ),
    default_sort="created",
    filters=(
        Filter.equals("state", _l("State"), lambda: STATES, Complaint.state,
                      _l("All states")),
        Filter("owner", _l("Owner"), lambda: [("me", _("Mine"))],
               lambda v: Complaint.owner_id == current_user.id if v == "me" else None,
               _l("Everyone's")),
        Filter("overdue", _l("Clocks"), lambda: [("1", _("Overdue"))], _overdue,
               _l("Overdue or not")),
    ),
    links=(customer_link(Complaint),),
    search=lambda term: or_(Complaint.customer_id.in_(select(Customer.id).where(
        customer_search(term))), Complaint.summary.ilike(f"%{term}%")),
    search_hint=_l("Customer (name, pinyin, phone) or summary"),
    count_text=_l("%(n)s complaints"),
    count_cap=CHECKED_COUNT_CAP,
)


@bp.get("/service/complaints")
@roles_required(*COMPLAINT_READERS)
def index():
    return render_list("service/complaints.html", COMPLAINTS.run(), states=STATES,
                       can_record=current_user.has_role(*COMPLAINT_HANDLERS))


def _from_call(form: ComplaintForm) -> Call | None:
    """The call a complaint is recorded from (?call=): its customer, notes and product."""
    call_id = request.values.get("call", type=int)
    call = get_visible_or_404(Call, call_id) if call_id else None
    if call and request.method == "GET":
        form.customer_id.data, form.product_id.data = call.customer_id, call.product_id
        form.summary.data, form.details.data = call.notes[:200], call.notes
    return call


@bp.route("/service/complaints/new", methods=["GET", "POST"])
@roles_required(*COMPLAINT_HANDLERS)
def new():
    form = ComplaintForm()
    form.product_id.choices = product_choices()
    call = _from_call(form)
    result = submit_edit(form, None, [], lambda: services.open_complaint(
        form.customer_id.data, current_user.id, form.summary.data,
        "call" if call else "direct", details=form.details.data or "",
        call_id=call.id if call else None, product_id=form.product_id.data,
        feedback=form.feedback.data or "", by=current_user))
    if result.done:
        return saved_redirect(_("Complaint recorded: you own it (首问负责制)."),
                              url_for("complaints.show", complaint_id=result.saved.id))
    return result.render("service/complaint_form.html", form=form, call=call, complaint=None)


def _handled_or_403(complaint_id: int) -> Complaint:
    complaint = get_visible_or_404(Complaint, complaint_id)
    if not services.may_handle(current_user, complaint):
        abort(403)
    return complaint


@bp.route("/service/complaints/<int:complaint_id>/edit", methods=["GET", "POST"])
@roles_required(*COMPLAINT_HANDLERS)
def edit(complaint_id: int):
    """Changing the details; a closed complaint is archived read-only: 409, nothing changes."""
    complaint = _handled_or_403(complaint_id)
    if complaint.state == "closed":
        return render("service/complaint.html", status=409, **_page(complaint, message=_(
            "This complaint is closed and archived: it can no longer be changed.")))
    form = ComplaintForm(obj=complaint)
    del form.customer_id
    form.product_id.choices = product_choices()
    fields = ["summary", "details", "product_id", "feedback"]
    result = submit_edit(form, complaint, fields, lambda: services.edit(
        complaint, current_user, {k: form[k].data for k in fields}))
    if result.done:
        return saved_redirect(_("Changes saved."),
                              url_for("complaints.show", complaint_id=complaint.id))
    return result.render("service/complaint_form.html", form=form, call=None,
                         complaint=complaint)


def _forms(complaint: Complaint, given: dict) -> dict:
    """The forms of the steps the user may take now (a posted one keeps its values)."""
    forms = {}
    if complaint.state == "closed" or not services.may_handle(current_user, complaint):
        if complaint.state == "closed" and services.may_handle(current_user, complaint):
            forms["reopen"] = given.get("reopen") or NoteForm(prefix="reopen")
        return forms
    for action in _NOTE_ACTIONS:
        if _NOTE_ACTIONS[action][1](complaint):
            forms[action] = given.get(action) or NoteForm(prefix=action)
    if complaint.complex and complaint.plan_state in (None, "rejected"):
        forms["plan"] = given.get("plan") or PlanForm(obj=complaint)
    manager = services.is_service_manager(current_user, complaint)
    if manager and complaint.plan_state == "submitted":
        forms["decide"] = given.get("decide") or DecideForm()
    if manager:
        form = given.get("reassign") or ReassignForm()
        form.owner_id.of = str(complaint.id)
        forms["reassign"] = form
    if complaint.state != "new":
        form = given.get("close") or CloseForm()
        if form.confirmed_at.data is None:
            form.confirmed_at.data = utcnow().astimezone(zoneinfo(get_timezone())).replace(
                tzinfo=None, second=0, microsecond=0)
        forms["close"] = form
    return forms


_NOTE_ACTIONS = {  # action: (service, offered when)
    "respond": (services.respond, lambda c: c.state == "new"),
    "solution": (services.propose_solution, lambda c: c.state == "active" and not c.solution),
    "complex": (services.mark_complex, lambda c: not c.complex and c.state != "new"),
    "wait": (services.wait_for_customer, lambda c: c.state in ("new", "active")),
    "resume": (services.customer_replied, lambda c: c.state == "waiting"),
}


def _page(complaint: Complaint, given: dict | None = None, message: str | None = None) -> dict:
    clocks = list(db.session.scalars(select(Deadline).where(
        Deadline.subject_type == services.SUBJECT, Deadline.subject_id == complaint.id)
        .order_by(Deadline.id)))
    history = list(db.session.scalars(select(ComplaintEvent).options(
        joinedload(ComplaintEvent.user)).where(ComplaintEvent.complaint_id == complaint.id)
        .order_by(ComplaintEvent.id)))
    approvals = list(db.session.scalars(select(Approval).options(joinedload(Approval.user))
                                        .where(Approval.subject_type == services.SUBJECT,
                                               Approval.subject_id == complaint.id)
                                        .order_by(Approval.id)))
    return {"complaint": complaint, "message": message, "history": history,
            "approvals": approvals, "events": services.EVENTS, "states": STATES,
            "sources": SOURCES, "plan_states": PLAN_STATES, "ways": CONFIRMATION_WAYS,
            "clocks": [(kind_label(d.kind), d, deadline_countdown(d)) for d in clocks],
            "forms": _forms(complaint, given or {}), "step_titles": STEP_TITLES,
            "step_buttons": STEP_BUTTONS,
            "can_edit": complaint.state != "closed"
            and services.may_handle(current_user, complaint), **_dealer(complaint)}


def _dealer(complaint: Complaint) -> dict:
    """The dealer the customer came through (R-62's complaint rate): its name to who may see
    it, linked for the channel department."""
    dealer_id = complaint.customer.dealer_id
    name = visible_dealer_name(dealer_id)
    link = url_for("channel.dealer", dealer_id=dealer_id) if name and \
        current_user.has_role(*CHANNEL_ROLES) else None
    return {"dealer_name": name, "dealer_url": link}


@bp.get("/service/complaints/<int:complaint_id>")
@roles_required(*COMPLAINT_READERS)
def show(complaint_id: int):
    complaint = get_visible_or_404(Complaint, complaint_id)
    return render("service/complaint.html", **_page(complaint))


def _confirmation(form: CloseForm) -> services.Confirmation:
    local = form.confirmed_at.data
    at = local.replace(tzinfo=zoneinfo(get_timezone())).astimezone(UTC) if local else None
    upload = request.files.get(form.signed_form.name)
    stored = store_upload(upload, allowed_types=SIGNED_FORM_TYPES) if upload and \
        upload.filename else None
    return services.Confirmation(form.confirmed_by.data or "", form.confirmed_via.data, at,
                                 stored)


def _step(action: str, complaint: Complaint):
    """(the posted form, the use case to run once it validates)."""
    if action in _NOTE_ACTIONS:
        form = NoteForm(prefix=action)
        return form, lambda: _NOTE_ACTIONS[action][0](complaint, current_user, form.note.data or "")
    if action == "reopen":
        form = NoteForm(prefix=action)
        return form, lambda: services.reopen(complaint, current_user, form.note.data or "")
    if action == "plan":
        form = PlanForm()
        return form, lambda: services.submit_plan(complaint, current_user, form.plan.data)
    if action == "decide":
        form = DecideForm()
        return form, lambda: services.decide_plan(complaint, current_user, form.decision.data,
                                                  form.comment.data or "")
    if action == "reassign":
        form = ReassignForm()
        form.owner_id.of = str(complaint.id)
        return form, lambda: services.reassign(complaint, current_user, form.owner_id.data,
                                               form.reason.data)
    if action == "close":
        form = CloseForm()
        return form, lambda: services.close(complaint, current_user, _confirmation(form))
    abort(404)


STEP_TITLES = {"respond": _l("First response"), "solution": _l("Initial solution"),
               "complex": _l("Complex complaint?"), "plan": _l("Handling plan"),
               "decide": _l("Decide on the plan"), "wait": _l("Waiting for the customer"),
               "resume": _l("The customer replied"), "reassign": _l("Reassign"),
               "close": _l("Close with the customer's confirmation"),
               "reopen": _l("Reopen")}
STEP_BUTTONS = {"respond": _l("Record the response"), "solution": _l("Record the solution"),
                "complex": _l("Mark complex"), "plan": _l("Send the plan for approval"),
                "decide": _l("Record the decision"), "wait": _l("Pause the clocks"),
                "resume": _l("Resume the clocks"), "reassign": _l("Reassign"),
                "close": _l("Close the complaint"), "reopen": _l("Reopen")}
MANAGER_STEPS = {"decide", "reassign"}  # the service manager's alone
MESSAGES = {"respond": _l("Response recorded: the response clock stopped."),
            "solution": _l("Initial solution recorded."),
            "complex": _l("Marked complex: write the handling plan."),
            "plan": _l("Plan sent to the service manager."),
            "decide": _l("Decision recorded."), "wait": _l("Clocks paused."),
            "resume": _l("Clocks running again."), "reassign": _l("Complaint reassigned."),
            "close": _l("Complaint closed and archived."), "reopen": _l("Complaint reopened.")}


@bp.post("/service/complaints/<int:complaint_id>/<action>")
@roles_required(*COMPLAINT_HANDLERS)
def act(complaint_id: int, action: str):
    """One step of the handling; a closed complaint takes none but reopening (409)."""
    complaint = _handled_or_403(complaint_id)
    if complaint.state == "closed" and action != "reopen":
        return render("service/complaint.html", status=409, **_page(complaint, message=_(
            "This complaint is closed and archived: it can no longer be changed.")))
    if action in MANAGER_STEPS and not services.is_service_manager(current_user, complaint):
        abort(403)
    form, run = _step(action, complaint)
    if form.validate_on_submit():
        try:
            run()
        except DomainError as error:
            db.session.rollback()
            field = {"file": "signed_form"}.get(error.field, error.field)
            form.add_error(field if field in form else None, error.message)
        else:
            return saved_redirect(str(MESSAGES[action]),
                                  url_for("complaints.show", complaint_id=complaint.id))
        complaint = db.session.get(Complaint, complaint_id)
    return render("service/complaint.html", status=422, **_page(complaint, {action: form}))


@bp.get("/service/complaints/<int:complaint_id>/signed-form")
@roles_required(*COMPLAINT_READERS)
def signed_form(complaint_id: int):
    """The customer's signed form, as an attachment (nosniff), to those who may read it."""
    complaint = get_visible_or_404(Complaint, complaint_id)
    if not complaint.form_key:
        abort(404)
    return send_stored(complaint.form_key, complaint.form_name, complaint.form_type)

