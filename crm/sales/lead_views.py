"""/leads and /pool: leads, the shared pool (公海), claim, release, assign, stage moves."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.auth.access import roles_required
from crm.auth.models import Team, User
from crm.auth.scopes import (
    assignable_owners,
    assignable_teams,
    get_visible_or_404,
    manages,
    record_name,
    visible,
)
from crm.base import utcnow
from crm.customers.models import GRADES, Customer, grade_choices
from crm.extensions import db
from crm.sales import deals, funnel, services
from crm.sales.access import SELLER_ROLES
from crm.sales.forms import AssignForm, LeadForm, StageForm
from crm.sales.models import LEAD_SOURCES, Lead, LeadSearchKey
from crm.web import submissions
from crm.web.chips import filter_chips
from crm.web.conflict import is_stale, reload_with_conflict
from crm.web.pagination import keyset_page
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("leads", __name__)

LEAD_SORTS = {"created": (Lead.created_at, True), "company": (Lead.search_key, False)}
FORM_FIELDS = ["company_name", "customer_id", "contact_name", "contact_phone", "source",
               "grade", "team_id", "note"]


@bp.context_processor
def labels() -> dict:
    return {"lead_sources": LEAD_SOURCES}


def rep_choices() -> list[tuple]:
    """Reps the current user may give a record to: themselves, or the reps they manage."""
    return [(user.id, user.name) for user in assignable_owners(current_user)]


def _team_choices(current_id: int | None = None) -> list[tuple]:
    """The user's sales teams; a lead's current team stays listed so an edit keeps it."""
    choices = [("", "—")] + [(t.id, t.name) for t in assignable_teams(current_user)]
    if current_id and current_id not in dict(choices):
        choices.append((current_id, db.session.get(Team, current_id).name))
    return choices


def _lead_filters() -> dict:
    return {"q": request.args.get("q", "").strip(), "stage": request.args.get("stage", ""),
            "grade": request.args.get("grade", ""), "source": request.args.get("source", ""),
            "sort": request.args.get("sort", "created"),
            # links from the home page and the customer page
            "owner": request.args.get("owner", type=int),
            "customer": request.args.get("customer", type=int),
            "returning": request.args.get("returning") == "soon" and "soon"}


def _filtered(stmt, f: dict):
    if f["q"]:
        stmt = stmt.where(Lead.id.in_(select(LeadSearchKey.lead_id).where(
            matches(f["q"], LeadSearchKey.search_key))))
    if f["stage"]:
        stmt = stmt.where(Lead.stage_id.in_([s.id for s in funnel.stages()
                                             if s.code == f["stage"]]))
    if f["grade"] in GRADES:
        stmt = stmt.where(Lead.grade == f["grade"])
    if f["source"] in LEAD_SOURCES:
        stmt = stmt.where(Lead.source == f["source"])
    if f["owner"]:
        stmt = stmt.where(Lead.owner_id == f["owner"])
    if f["customer"]:
        stmt = stmt.where(Lead.customer_id == f["customer"])
    if f["returning"]:
        stmt = stmt.where(*services.returning_soon(utcnow()))
    return stmt


def _page(stmt, f: dict):
    sort_col, descending = LEAD_SORTS.get(f["sort"], LEAD_SORTS["created"])
    return keyset_page(_filtered(stmt, f), sort_col, Lead.id, request.args.get("after"),
                       descending=descending)


def link_chips(f: dict, **more) -> list[tuple[str, str]]:
    """Chips of the filters the home and customer pages link with (owner, customer, `more`)."""
    return filter_chips(f, {
        "owner": lambda v: _("Owner: %(name)s", name=record_name(User, v)),
        "customer": lambda v: _("Customer: %(name)s", name=record_name(Customer, v)),
        **more,
    })


@bp.get("/leads")
@roles_required(*SELLER_ROLES)
def index():
    f = _lead_filters()
    page = _page(visible(Lead).options(joinedload(Lead.owner)), f)
    return render("sales/leads.html", page=page, filters=f, stages=funnel.stage_choices(),
                  grades=grade_choices(),
                  chips=link_chips(f, returning=lambda v: _("Back to the pool soon")))


@bp.get("/pool")
@roles_required(*SELLER_ROLES)
def pool():
    f = _lead_filters()
    page = _page(select(Lead).where(Lead.owner_id.is_(None)), f)
    return render("sales/pool.html", page=page, filters=f, stages=funnel.stage_choices(),
                  grades=grade_choices())


@bp.post("/pool/<int:lead_id>/claim")
@roles_required(*SELLER_ROLES)
def claim(lead_id: int):
    try:
        services.claim_lead(lead_id, current_user.id)
    except services.SalesError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("leads.pool"), 303)
    db.session.commit()
    flash(_("The lead is yours now."), "success")
    return redirect(url_for("leads.show", lead_id=lead_id), 303)


def customer_choices(current_id: int | None = None) -> list[tuple]:
    """The user's customers to link a record to (the first 500 by name)."""
    rows = db.session.execute(visible(Customer).with_only_columns(Customer.id, Customer.name)
                              .order_by(Customer.search_key).limit(500)).all()
    choices = [("", "—")] + [(cid, name) for cid, name in rows]
    if current_id and current_id not in dict(choices):
        choices.append((current_id, db.session.get(Customer, current_id).name))
    return choices


def _customer_hint(company_name: str, customer_id: int | None, owner_id: int | None) -> dict:
    """Which customer the lead's deal will be about: the chosen one, the owner's customer of
    that name, or a new one (as `deals.convert_lead` decides)."""
    name = (company_name or "").strip()
    if customer_id:
        return {"kind": "chosen", "customer": db.session.scalar(
            visible(Customer).where(Customer.id == customer_id))}
    if not name:
        return {"kind": None}
    if owner_id is None:
        return {"kind": "pool", "name": name}
    found = deals.owners_customer_named(owner_id, name)
    customer = found and db.session.scalar(visible(Customer).where(Customer.id == found))
    return {"kind": "existing", "customer": customer} if customer else {"kind": "new",
                                                                            "name": name}


def _form_hint(form: LeadForm, lead: Lead | None) -> dict:
    owner_id = lead.owner_id if lead else form.owner_id.data
    return _customer_hint(form.company_name.data, form.customer_id.data, owner_id)


@bp.get("/leads/customer-hint")
@roles_required(*SELLER_ROLES)
def customer_hint():
    """The hint under the company field, as it is typed."""
    owner_id = request.args.get("owner_id", type=int)
    if owner_id not in {user.id for user in assignable_owners(current_user)}:
        owner_id = None
    hint = _customer_hint(request.args.get("company_name", ""),
                          request.args.get("customer_id", type=int), owner_id)
    return render("sales/lead_form.html", block="customer_hint", hint=hint)


def _lead_form(lead: Lead | None) -> LeadForm:
    form = LeadForm(obj=lead)
    form.customer_id.choices = customer_choices(lead.customer_id if lead else None)
    form.team_id.choices = _team_choices(lead.team_id if lead else None)
    form.owner_id.choices = [("", _("Shared pool"))] + rep_choices()
    if lead is None and request.method == "GET":
        form.owner_id.data = current_user.id
        form.team_id.data = current_user.team_id
    return form


@bp.route("/leads/new", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def new():
    form = _lead_form(None)
    if form.validate_on_submit():
        if earlier := submissions.claim(form):
            return redirect(earlier, 303)
        try:
            lead = services.save_lead(None, {k: form[k].data for k in FORM_FIELDS},
                                      owner_id=form.owner_id.data)
        except services.SalesError as error:
            form.add_error(error.field, error.message)
        else:
            return submissions.created(form, _after_create(lead), _("Lead created."))
    status = 422 if form.is_submitted() else 200
    return render("sales/lead_form.html", status=status, form=form, lead=None, conflicts=[],
                  hint=_form_hint(form, None))


def _after_create(lead: Lead) -> str:
    if lead.owner_id and manages(current_user, lead.owner_id):
        return url_for("leads.show", lead_id=lead.id)
    return url_for("leads.pool" if not lead.owner_id else "leads.index")


def editable_lead(lead_id: int) -> Lead:
    lead = get_visible_or_404(Lead, lead_id)
    if not manages(current_user, lead.owner_id):
        abort(403)
    return lead


@bp.route("/leads/<int:lead_id>/edit", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def edit(lead_id: int):
    lead = editable_lead(lead_id)
    form = _lead_form(lead)
    del form.owner_id
    status, conflicts = 200, []
    if form.validate_on_submit():
        if is_stale(form, lead):
            conflicts, status = reload_with_conflict(form, lead, FORM_FIELDS), 409
        else:
            try:
                services.save_lead(lead, {k: form[k].data for k in FORM_FIELDS})
            except services.SalesError as error:
                form.add_error(error.field, error.message)
                status = 422
            else:
                db.session.commit()
                flash(_("Changes saved."), "success")
                return redirect(url_for("leads.show", lead_id=lead.id))
    elif form.is_submitted():
        status = 422
    return render("sales/lead_form.html", status=status, form=form, lead=lead,
                  conflicts=conflicts, hint=_form_hint(form, lead))


def _stage_form(lead: Lead) -> StageForm:
    form = StageForm(data={"stage_id": lead.stage_id, "lost_reason_id": lead.lost_reason_id})
    form.stage_id.choices = [(s.id, s.label) for s in funnel.stages()
                             if not s.is_won or s.id == lead.stage_id]
    form.lost_reason_id.choices = [("", "—")] + [(r.id, r.label) for r in funnel.lost_reasons()]
    return form


def _assign_form(lead: Lead) -> AssignForm | None:
    if not current_user.has_role("manager", "director", "admin"):
        return None
    form = AssignForm(data={"owner_id": lead.owner_id})
    form.owner_id.choices = rep_choices()
    return form


@bp.get("/leads/<int:lead_id>")
@roles_required(*SELLER_ROLES)
def show(lead_id: int):
    lead = get_visible_or_404(Lead, lead_id)
    return render("sales/lead.html", lead=lead, history=services.lead_history(lead.id),
                  stage_form=_stage_form(lead), assign_form=_assign_form(lead),
                  can_edit=manages(current_user, lead.owner_id))


@bp.post("/leads/<int:lead_id>/stage")
@roles_required(*SELLER_ROLES)
def move(lead_id: int):
    lead = editable_lead(lead_id)
    form = _stage_form(lead)
    if form.validate_on_submit():
        stage = next(s for s in funnel.stages() if s.id == form.stage_id.data)
        try:
            services.move_lead(lead, stage, form.lost_reason_id.data)
        except services.SalesError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("Moved to %(stage)s.", stage=stage.label), "success")
            return redirect(url_for("leads.show", lead_id=lead.id), 303)
    return render("sales/lead.html", status=422, lead=lead,
                  history=services.lead_history(lead.id), stage_form=form,
                  assign_form=_assign_form(lead), can_edit=True)


@bp.post("/leads/<int:lead_id>/followup")
@roles_required(*SELLER_ROLES)
def followup(lead_id: int):
    lead = editable_lead(lead_id)
    services.record_followup(lead)
    db.session.commit()
    flash(_("Follow-up recorded."), "success")
    return redirect(url_for("leads.show", lead_id=lead.id), 303)


@bp.post("/leads/<int:lead_id>/release")
@roles_required(*SELLER_ROLES)
def release(lead_id: int):
    lead = editable_lead(lead_id)
    try:
        services.release_lead(lead)
    except services.SalesError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The lead is back in the shared pool."), "success")
    return redirect(url_for("leads.pool"), 303)


@bp.post("/leads/<int:lead_id>/assign")
@roles_required("manager", "director", "admin")
def assign(lead_id: int):
    lead = db.session.scalar(select(Lead).where(Lead.id == lead_id))
    if lead is None or (lead.owner_id is not None and not manages(current_user, lead.owner_id)):
        abort(404)
    form = AssignForm()
    form.owner_id.choices = rep_choices()
    if not form.validate_on_submit():
        abort(422)
    services.assign_lead(lead, form.owner_id.data)
    db.session.commit()
    flash(_("Lead assigned."), "success")
    return redirect(url_for("leads.show", lead_id=lead.id), 303)
