"""/leads and /pool: leads, the shared pool (公海), claim, release, assign, stage moves."""

from dataclasses import replace

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from crm.auth.access import roles_required
from crm.auth.picker import allowed_name
from crm.auth.scopes import (
    get_editable_or_404,
    get_visible_or_404,
    manages,
    visible,
)
from crm.base import utcnow
from crm.campaigns.attribution import campaign_choices
from crm.channel.dealers import dealer_choices
from crm.customers.models import Customer, grade_choices
from crm.errors import DomainError
from crm.extensions import db
from crm.sales import deals, funnel, leads
from crm.sales.access import SELLER_ROLES
from crm.sales.choices import customer_link, owner_link, team_choices
from crm.sales.forms import AssignForm, LeadForm, StageForm
from crm.sales.models import LEAD_SOURCES, Lead, LeadSearchKey
from crm.web.edits import saved_redirect, submit_edit
from crm.web.i18n import translated
from crm.web.lists import Column, Filter, Link, ListSpec, render_list
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("leads", __name__)

FORM_FIELDS = ["company_name", "customer_id", "contact_name", "contact_phone", "source",
               "grade", "campaign_id", "team_id", "note"]


@bp.context_processor
def labels() -> dict:
    return {"lead_sources": translated(LEAD_SOURCES)}






def _stage_is(code: str):
    return Lead.stage_id.in_([s.id for s in funnel.stages() if s.code == code])


def lead_search(term: str):
    """Company or contact, by characters, full pinyin or initials (one key row each)."""
    return Lead.id.in_(select(LeadSearchKey.lead_id).where(
        matches(term, LeadSearchKey.search_key)))


COMPANY = Column("company", _l("Company"), sort=(Lead.search_key, False))
STAGE, GRADE, SOURCE = Column("stage", _l("Stage")), Column("grade", _l("Grade")), \
    Column("source", _l("Source"))
CREATED = Column("created", _l("Created"), sort=(Lead.created_at, True))




def _returning(value: str):
    if value != "soon":
        raise ValueError(value)
    return and_(*leads.returning_soon(utcnow()))


LEADS = ListSpec(
    name="lead",
    query=lambda: visible(Lead).options(joinedload(Lead.owner)),
    id_column=Lead.id,
    columns=(COMPANY, Column("contact", _l("Contact")), STAGE, GRADE, SOURCE,
             Column("owner", _l("Owner")), Column("followup", _l("Last follow-up")), CREATED),
    default_sort="created",
    filters=(
        Filter("stage", _l("Stage"), funnel.stage_choices, _stage_is, _l("All stages")),
        Filter.equals("grade", _l("Grade"), grade_choices, Lead.grade,
                      _l("All grades")),
        Filter.equals("source", _l("Source"), lambda: LEAD_SOURCES, Lead.source,
                      _l("All sources")),
    ),
    # links from the home page and the customer page
    links=(owner_link(Lead), customer_link(Lead),
           Link("returning", lambda v: _("Back to the pool soon"), _returning)),
    search=lead_search,
    search_hint=_l("Company or contact, pinyin or initials"),
    count_text=_l("%(n)s leads"),
)
POOL = replace(LEADS, query=lambda: select(Lead).where(Lead.owner_id.is_(None)),
               columns=(COMPANY, STAGE, GRADE, SOURCE, CREATED, Column("actions", "")))


@bp.get("/leads")
@roles_required(*SELLER_ROLES)
def index():
    return render_list("sales/leads.html", LEADS.run())


@bp.get("/pool")
@roles_required(*SELLER_ROLES)
def pool():
    return render_list("sales/pool.html", POOL.run())


@bp.post("/pool/<int:lead_id>/claim")
@roles_required(*SELLER_ROLES)
def claim(lead_id: int):
    try:
        leads.claim_lead(lead_id, current_user.id)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("leads.pool"), 303)
    db.session.commit()
    flash(_("The lead is yours now."), "success")
    return redirect(url_for("leads.show", lead_id=lead_id), 303)




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
    if allowed_name("rep", owner_id or "") is None:
        owner_id = None
    hint = _customer_hint(request.args.get("company_name", ""),
                          request.args.get("customer_id", type=int), owner_id)
    return render("sales/lead_form.html", block="customer_hint", hint=hint)


def _lead_form(lead: Lead | None) -> LeadForm:
    form = LeadForm(obj=lead)
    form.team_id.choices = team_choices(lead.team_id if lead else None)
    form.dealer_id.choices = dealer_choices(lead.dealer_id if lead else None)
    form.campaign_id.choices = [("", "—")] + campaign_choices(lead.campaign_id if lead else None)
    if lead is None and request.method == "GET":
        form.owner_id.data = current_user.id
        form.team_id.data = current_user.team_id
    return form


@bp.route("/leads/new", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def new():
    form = _lead_form(None)
    result = submit_edit(form, None, FORM_FIELDS, lambda: leads.save_lead(
        None, {k: form[k].data for k in FORM_FIELDS}, owner_id=form.owner_id.data))
    if result.done:
        lead = result.saved
        if lead.owner_id and manages(current_user, lead.owner_id):
            target = url_for("leads.show", lead_id=lead.id)
        else:
            target = url_for("leads.pool" if not lead.owner_id else "leads.index")
        return saved_redirect(_("Lead created."), target)
    return result.render("sales/lead_form.html", form=form, lead=None,
                         hint=_form_hint(form, None))


@bp.route("/leads/<int:lead_id>/edit", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def edit(lead_id: int):
    lead = get_editable_or_404(Lead, lead_id)
    form = _lead_form(lead)
    del form.owner_id
    result = submit_edit(form, lead, FORM_FIELDS, lambda: leads.save_lead(
        lead, {k: form[k].data for k in FORM_FIELDS}))
    if result.done:
        return saved_redirect(_("Changes saved."), url_for("leads.show", lead_id=lead.id))
    return result.render("sales/lead_form.html", form=form, lead=lead,
                         hint=_form_hint(form, lead))


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
    form.owner_id.kept = lead.owner_id  # shown by name, whoever it is
    return form


@bp.get("/leads/<int:lead_id>")
@roles_required(*SELLER_ROLES)
def show(lead_id: int):
    lead = get_visible_or_404(Lead, lead_id)
    return render("sales/lead.html", lead=lead, history=leads.lead_history(lead.id),
                  stage_form=_stage_form(lead), assign_form=_assign_form(lead),
                  can_edit=manages(current_user, lead.owner_id))


@bp.post("/leads/<int:lead_id>/stage")
@roles_required(*SELLER_ROLES)
def move(lead_id: int):
    lead = get_editable_or_404(Lead, lead_id)
    form = _stage_form(lead)
    if form.validate_on_submit():
        stage = next(s for s in funnel.stages() if s.id == form.stage_id.data)
        try:
            leads.move_lead(lead, stage, form.lost_reason_id.data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("Moved to %(stage)s.", stage=stage.label), "success")
            return redirect(url_for("leads.show", lead_id=lead.id), 303)
    return render("sales/lead.html", status=422, lead=lead,
                  history=leads.lead_history(lead.id), stage_form=form,
                  assign_form=_assign_form(lead), can_edit=True)


@bp.post("/leads/<int:lead_id>/followup")
@roles_required(*SELLER_ROLES)
def followup(lead_id: int):
    lead = get_editable_or_404(Lead, lead_id)
    leads.record_followup(lead)
    db.session.commit()
    flash(_("Follow-up recorded."), "success")
    return redirect(url_for("leads.show", lead_id=lead.id), 303)


@bp.post("/leads/<int:lead_id>/release")
@roles_required(*SELLER_ROLES)
def release(lead_id: int):
    lead = get_editable_or_404(Lead, lead_id)
    try:
        leads.release_lead(lead)
    except DomainError as error:
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
    if not form.validate_on_submit():
        abort(422)
    leads.assign_lead(lead, form.owner_id.data)
    db.session.commit()
    flash(_("Lead assigned."), "success")
    return redirect(url_for("leads.show", lead_id=lead.id), 303)
