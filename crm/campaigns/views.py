"""/campaigns: the list, the campaign page, its form, submission, decisions and costs."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from crm.auth.access import roles_required
from crm.auth.models import Team
from crm.auth.scopes import (
    get_editable_or_404,
    get_visible_or_404,
    manages,
    team_subtree_ids,
    visible,
)
from crm.campaigns import CAMPAIGN_ROLES, attribution, documents, phases, services
from crm.campaigns.forms import (
    CampaignForm,
    CostForm,
    DecisionForm,
    DocumentForm,
    MinutesForm,
    StatusForm,
    SubmitForm,
)
from crm.campaigns.models import (
    APPROVER_ROLES,
    DECISIONS,
    KINDS,
    PHASES,
    REQUEST_KINDS,
    REQUEST_STATUSES,
    STATUSES,
    Campaign,
    CampaignDocument,
    CampaignMinutes,
    CampaignPhase,
    CampaignRequest,
    MinutesAction,
)
from crm.errors import DomainError
from crm.extensions import db
from crm.settings.services import get_setting
from crm.storage import send_stored
from crm.web.edits import saved_redirect, submit_edit
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")
AUTHORS = ("marketing", "manager", "director", "admin")
APPROVERS = ("manager", "director", "finance", "ceo")
COMPARED = 40  # campaigns on the comparison page


@bp.context_processor
def labels() -> dict:
    return {"campaign_kinds": KINDS, "campaign_statuses": STATUSES,
            "approver_roles": APPROVER_ROLES, "request_kinds": REQUEST_KINDS,
            "request_statuses": REQUEST_STATUSES, "decisions": DECISIONS,
            "phase_kinds": PHASES}


CAMPAIGNS = ListSpec(
    name="campaign",
    query=lambda: visible(Campaign).options(joinedload(Campaign.owner),
                                              joinedload(Campaign.department)),
    id_column=Campaign.id,
    columns=(Column("name", _l("Name"), sort=(Campaign.search_key, False)),
             Column("kind", _l("Type")), Column("status", _l("Status")),
             Column("starts", _l("Dates"), sort=(Campaign.starts_on, True)),
             Column("budget", _l("Budget"), sort=(Campaign.budget, True)),
             Column("owner", _l("Owner")), Column("department", _l("Department")),
             Column("created", _l("Created"), sort=(Campaign.created_at, True))),
    default_sort="created",
    filters=(
        Filter.equals("status", _l("Status"), lambda: STATUSES, Campaign.status,
                      _l("All statuses")),
        Filter.equals("kind", _l("Type"), lambda: KINDS, Campaign.kind,
                      _l("All types")),
    ),
    search=lambda term: matches(term, Campaign.search_key),
    search_hint=_l("Name, pinyin or initials"),
    count_text=_l("%(n)s campaigns"),
)


@bp.get("")
@roles_required(*CAMPAIGN_ROLES)
def index():
    return render_list("campaigns/index.html", CAMPAIGNS.run(),
                       can_create=current_user.has_role(*AUTHORS))


def _departments() -> list[tuple[int, str]]:
    stmt = select(Team.id, Team.name).where(Team.level != "hq").order_by(Team.name)
    if not current_user.has_role("director", "admin"):
        stmt = stmt.where(Team.id.in_(team_subtree_ids(current_user.team_id)))
    return [tuple(row) for row in db.session.execute(stmt)]


def _campaign_form(campaign: Campaign | None) -> CampaignForm:
    form = CampaignForm(obj=campaign)
    form.department_id.choices = _departments()
    if campaign is None and form.department_id.data is None:
        form.department_id.data = current_user.team_id
    return form


def _values(form: CampaignForm) -> dict:
    values = {key: form[key].data for key in services.CAMPAIGN_FIELDS}
    values["goal_leads"], values["goal_deals"] = values["goal_leads"] or 0, \
        values["goal_deals"] or 0
    values["goal_revenue"] = values["goal_revenue"] or 0
    return values


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new():
    form = _campaign_form(None)
    result = submit_edit(form, None, list(services.CAMPAIGN_FIELDS),
                         lambda: services.save_campaign(None, _values(form), current_user))
    if result.done:
        return saved_redirect(_("Campaign created."),
                              url_for("campaigns.show", campaign_id=result.saved.id))
    return result.render("campaigns/form.html", form=form, campaign=None,
                         threshold=get_setting("campaign_approval_threshold"))


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def edit(campaign_id: int):
    campaign = get_editable_or_404(Campaign, campaign_id)
    form = _campaign_form(campaign)
    result = submit_edit(form, campaign, list(services.CAMPAIGN_FIELDS),
                         lambda: services.save_campaign(campaign, _values(form), current_user))
    if result.done:
        return saved_redirect(_("Changes saved."),
                              url_for("campaigns.show", campaign_id=campaign.id))
    return result.render("campaigns/form.html", form=form, campaign=campaign,
                         threshold=get_setting("campaign_approval_threshold"))


def _status_form(campaign: Campaign) -> StatusForm | None:
    moves = services.MOVES.get(campaign.status, ())
    if not moves:
        return None
    form = StatusForm()
    form.status.choices = [(status, STATUSES[status]) for status in moves]
    return form


def _page(campaign: Campaign, status: int = 200, **forms):
    requests = services.requests_of(campaign.id)
    can_edit = manages(current_user, campaign.owner_id)
    failed = forms.get("failed")
    decide_forms = {r.id: failed if failed and failed.request_id == r.id
                    else DecisionForm(id_prefix=f"r{r.id}")
                    for r in requests if r.waiting_role
                    and current_user.id not in (r.author_id, campaign.owner_id)
                    and services.may_decide(current_user, r.waiting_role, campaign)}
    costs = services.costs_of(campaign.id)
    return render("campaigns/show.html", status=status, campaign=campaign, requests=requests,
                  approvals=services.approvals_of(campaign.id), costs=costs,
                  spent=sum((c.amount for c in costs), 0), can_edit=can_edit,
                  may_add_cost=can_edit and campaign.status in services.COST_STATUSES,
                  phases=phases.phases_of(campaign.id), minutes=phases.minutes_of(campaign.id),
                  model=(model := _model()), models=attribution.MODELS,
                  figures=attribution.for_campaigns([campaign.id], model).of(campaign.id),
                  reached=attribution.recent_leads(campaign.id),
                  documents=documents.documents_of(campaign.id),
                  today=date.today(),
                  decide_forms=decide_forms,
                  submit_form=SubmitForm() if can_edit and campaign.status
                  in services.EDITABLE else None,
                  status_form=_status_form(campaign) if can_edit else None)


@bp.get("/<int:campaign_id>")
@roles_required(*CAMPAIGN_ROLES)
def show(campaign_id: int):
    return _page(get_visible_or_404(Campaign, campaign_id))


def _done(campaign: Campaign, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id), 303)


def _refused(campaign: Campaign, error: DomainError):
    db.session.rollback()
    flash(error.message, "error")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id), 303)


@bp.post("/<int:campaign_id>/submit")
@roles_required(*AUTHORS)
def submit(campaign_id: int):
    campaign = get_editable_or_404(Campaign, campaign_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(422)
    try:
        services.submit(campaign, current_user, emergency=form.emergency.data)
    except DomainError as error:
        return _refused(campaign, error)
    return _done(campaign, _("Executed in an emergency: record its approval afterwards.")
                 if form.emergency.data else _("Submitted for approval."))


@bp.post("/<int:campaign_id>/status")
@roles_required(*AUTHORS)
def move(campaign_id: int):
    campaign = get_editable_or_404(Campaign, campaign_id)
    form = _status_form(campaign) or abort(422)
    if not form.validate_on_submit():
        abort(422)
    try:
        services.move(campaign, form.status.data)
    except DomainError as error:
        return _refused(campaign, error)
    return _done(campaign, _("Status changed."))


def _visible_request(request_id: int) -> CampaignRequest:
    asked = db.session.get(CampaignRequest, request_id)
    if asked is None:
        abort(404)
    get_visible_or_404(Campaign, asked.campaign_id)
    return asked


@bp.post("/requests/<int:request_id>/decide")
@roles_required(*APPROVERS)
def decide(request_id: int):
    asked = _visible_request(request_id)
    form = DecisionForm(id_prefix=f"r{asked.id}")
    form.request_id = asked.id
    if form.validate_on_submit():
        try:
            services.decide(asked, current_user, form.decision.data == "approve",
                            form.comment.data)
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return _done(asked.campaign, _("Decision recorded."))
    return _page(asked.campaign, status=422, failed=form)


@bp.post("/requests/<int:request_id>/resubmit")
@roles_required(*AUTHORS)
def resubmit(request_id: int):
    asked = _visible_request(request_id)
    try:
        services.resubmit(asked, current_user)
    except DomainError as error:
        return _refused(asked.campaign, error)
    return _done(asked.campaign, _("Submitted for approval."))


@bp.route("/<int:campaign_id>/costs/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_cost(campaign_id: int):
    """Costs only while the campaign's status allows them (approved to closing): else 409."""
    campaign = get_editable_or_404(Campaign, campaign_id)
    if campaign.status not in services.COST_STATUSES:
        flash(_("Costs are recorded once the campaign is under way."), "error")
        return _page(campaign, 409)
    form = CostForm()
    if not form.is_submitted():
        form.spent_on.data = date.today()
    result = submit_edit(form, None, ["what", "amount", "spent_on", "is_purchase"],
                         lambda: services.add_cost(
                             campaign, {k: form[k].data for k in
                                        ("what", "amount", "spent_on", "is_purchase")},
                             current_user, emergency=form.emergency.data))
    if result.done:
        return saved_redirect(_("Cost recorded."),
                              url_for("campaigns.show", campaign_id=campaign.id) + "#costs")
    return result.render("campaigns/cost_form.html", form=form, campaign=campaign)


@bp.get("/approvals")
@roles_required(*APPROVERS, "admin")  # an admin opens every page; nothing waits for them
def approvals():
    stmt = services.waiting_for(current_user).options(
        joinedload(CampaignRequest.campaign), joinedload(CampaignRequest.author))
    waiting = list(db.session.scalars(stmt.order_by(CampaignRequest.submitted_at).limit(100)))
    return render("campaigns/approvals.html", waiting=waiting)


def _minutes_form(campaign: Campaign) -> MinutesForm:
    form = MinutesForm()
    open_phases = [p for p in phases.phases_of(campaign.id) if p.done_at is None]
    form.phase_id.choices = [("", _("None: another meeting"))] + [
        (p.id, f"{PHASES[p.kind]} · {p.due_on.isoformat()}") for p in open_phases]
    if not form.is_submitted():
        chosen = request.args.get("phase", type=int)
        phase = next((p for p in open_phases if p.id == chosen), None)
        form.phase_id.data = phase.id if phase else None
        form.held_on.data = date.today()
        form.title.data = f"{campaign.name} · {PHASES[phase.kind]}" if phase else ""
        form.record.data = phases.record_template(phase.kind if phase else None)
        for row in form.actions:
            row.owner_id.data = current_user.id
    return form


@bp.route("/<int:campaign_id>/minutes/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_minutes(campaign_id: int):
    campaign = get_editable_or_404(Campaign, campaign_id)
    form = _minutes_form(campaign)
    fields = ["held_on", "title", "topics", "decisions", "record"]
    result = submit_edit(form, None, fields, lambda: phases.record_minutes(
        campaign, phases.open_phase(campaign, form.phase_id.data),
        {k: form[k].data for k in fields}, form.action_items(), current_user))
    if result.done:
        return saved_redirect(_("Minutes recorded."),
                              url_for("campaigns.minutes", minutes_id=result.saved.id))
    return result.render("campaigns/minutes_form.html", form=form, campaign=campaign)


@bp.get("/minutes/<int:minutes_id>")
@roles_required(*CAMPAIGN_ROLES)
def minutes(minutes_id: int):
    """The minutes with their action items and owners, loaded together (however many)."""
    record = db.session.scalar(visible(CampaignMinutes).where(
        CampaignMinutes.id == minutes_id).options(
        joinedload(CampaignMinutes.campaign), joinedload(CampaignMinutes.created_by),
        selectinload(CampaignMinutes.actions).joinedload(MinutesAction.owner)))
    if record is None:
        abort(404)
    return render("campaigns/minutes.html", minutes=record, phase=phases.phase_of(record.id))


@bp.get("/phases/<int:phase_id>")
@roles_required(*CAMPAIGN_ROLES)
def phase(phase_id: int):
    """Where a phase's alert leads: the phase on its campaign's page."""
    found = get_visible_or_404(CampaignPhase, phase_id)
    return redirect(url_for("campaigns.show", campaign_id=found.campaign_id)
                    + f"#phase-{found.id}", 303)


def _model() -> str:
    model = request.args.get("model", "first")
    return model if model in attribution.MODELS else "first"


def _day(name: str, default: date) -> date:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return default


@bp.get("/compare")
@roles_required(*CAMPAIGN_ROLES)
def compare():
    """Campaigns that start in a period side by side: figures by model, and a bar chart."""
    today = date.today()
    start, end = _day("from", date(today.year, 1, 1)), _day("to", date(today.year, 12, 31))
    model = _model()
    rows = list(db.session.scalars(
        visible(Campaign).where(Campaign.starts_on >= start, Campaign.starts_on <= end)
        .order_by(Campaign.starts_on, Campaign.id).limit(COMPARED)))
    found = attribution.for_campaigns([c.id for c in rows], model)
    figures = [(c, found.of(c.id)) for c in rows]
    return render("campaigns/compare.html", figures=figures, model=model,
                  models=attribution.MODELS, start=start, end=end, limit=COMPARED,
                  chart=attribution.chart(figures))


@bp.route("/<int:campaign_id>/documents/new", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def new_document(campaign_id: int):
    campaign = get_editable_or_404(Campaign, campaign_id)
    form = DocumentForm()
    if not form.is_submitted():
        form.name.data = documents.proposed_name(campaign, date.today())
    result = submit_edit(form, None, ["name", "is_contract"], lambda: documents.upload(
        campaign, form.name.data, request.files.get("file"), form.is_contract.data,
        current_user))
    if result.done:
        return saved_redirect(_("Document uploaded."),
                              url_for("campaigns.show", campaign_id=campaign.id) + "#documents")
    return result.render("campaigns/document_form.html", form=form, campaign=campaign,
                         pattern=documents.PATTERN)


@bp.get("/documents/<int:document_id>")
@login_required
def document(document_id: int):
    """A version of a document, as a download. Whoever may not read it gets 404, whatever
    their role (R-03: a contract only for directors, finance and its uploader)."""
    found = get_visible_or_404(CampaignDocument, document_id)
    return send_stored(found.storage_key, f"{found.name}{_suffix(found.original_name)}",
                       found.content_type)


def _suffix(file_name: str) -> str:
    return "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
