"""/surveys: the survey list with the round's progress, entering a customer's answers, and the
improvement plans with their tasks (R-34)."""

from dataclasses import replace

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from crm.auth.access import roles_required
from crm.auth.models import User
from crm.auth.scopes import get_visible_or_404, visible
from crm.customers.models import Customer
from crm.customers.views import customer_search
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.sales.choices import customer_link
from crm.sales.models import Product
from crm.satisfaction import services
from crm.satisfaction.access import SURVEY_READERS, SURVEY_TAKERS, may_answer
from crm.satisfaction.forms import AnswerForm
from crm.satisfaction.models import (
    DETRACTOR_NPS,
    PLAN_STATES,
    PROMOTER_NPS,
    SURVEY_STATES,
    ImprovementPlan,
    Survey,
    SurveyRound,
)
from crm.service.choices import product_choices
from crm.settings.services import get_setting
from crm.web.edits import saved_redirect, submit_edit
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.render import render

bp = Blueprint("surveys", __name__)
FORM_FIELDS = ["nps", "csat", "product_id", "feedback"]


def _rounds() -> list[tuple[str, str]]:
    rows = db.session.execute(select(SurveyRound.id, SurveyRound.key)
                              .order_by(SurveyRound.key.desc()))
    return [(str(i), key) for i, key in rows]


def _band(value: str):
    return {"detractor": Survey.nps <= DETRACTOR_NPS, "promoter": Survey.nps >= PROMOTER_NPS,
            "passive": Survey.nps.between(DETRACTOR_NPS + 1, PROMOTER_NPS - 1),
            "low": Survey.csat < get_setting("satisfaction_threshold")}.get(value)


def _bands() -> list[tuple[str, str]]:
    return [("detractor", _("Detractors (NPS 0-6)")), ("passive", _("Passives (NPS 7-8)")),
            ("promoter", _("Promoters (NPS 9-10)")),
            ("low", _("CSAT below %(n)s", n=get_setting("satisfaction_threshold")))]


SURVEYS = ListSpec(
    name="survey",
    query=lambda: visible(Survey).options(
        joinedload(Survey.customer).load_only(Customer.name), joinedload(Survey.agent),
        joinedload(Survey.product).load_only(Product.name),
        selectinload(Survey.plan).load_only(ImprovementPlan.id)),
    id_column=Survey.id,
    columns=(
        Column("customer", _l("Customer"), sort=(Survey.id, False)),
        Column("state", _l("State")),
        Column("nps", _l("NPS"), sort=(Survey.nps, False)),
        Column("csat", _l("CSAT"), sort=(Survey.csat, False)),
        Column("product", _l("Product concerned")),
        Column("answered", _l("Answered"), sort=(Survey.answered_at, True)),
        Column("loop", _l("Follow-through")),
    ),
    default_sort="customer",
    filters=(
        Filter.equals("state", _l("State"), lambda: SURVEY_STATES, Survey.state,
                      _l("Answered or not")),
        Filter("score", _l("Score"), _bands, _band, _l("Any score")),
        Filter("round", _l("Round"), _rounds, lambda v: Survey.round_id == int(v),
               _l("All rounds")),
        Filter("agent", _l("Agent"), lambda: [("me", _("Answered by me"))],
               lambda v: Survey.agent_id == current_user.id if v == "me" else None,
               _l("Anyone")),
    ),
    links=(customer_link(Survey),),
    search=lambda term: Survey.customer_id.in_(select(Customer.id).where(
        customer_search(term))),
    search_hint=_l("Customer: name, pinyin, initials or phone"),
    count_text=_l("%(n)s surveys"),
)


def _survey_spec(latest: SurveyRound | None) -> ListSpec:
    """The list opens on the latest round."""
    if latest is None:
        return SURVEYS
    return replace(SURVEYS, filters=tuple(
        replace(f, default=str(latest.id)) if f.key == "round" else f for f in SURVEYS.filters))


@bp.get("/surveys")
@roles_required(*SURVEY_READERS)
def index():
    latest = db.session.scalar(select(SurveyRound).order_by(SurveyRound.key.desc()).limit(1))
    listing = _survey_spec(latest).run()
    chosen = listing.values.get("round")
    shown = db.session.get(SurveyRound, int(chosen)) if chosen else None
    return render_list("satisfaction/surveys.html", listing, survey_round=shown,
                       states=SURVEY_STATES, threshold=get_setting("satisfaction_threshold"),
                       can_answer=may_answer(current_user))


def _product_choices(survey: Survey) -> list[tuple]:
    choices = product_choices()
    if survey.product_id and survey.product_id not in {c[0] for c in choices}:
        choices.append((survey.product_id, survey.product.name))
    return choices


@bp.route("/surveys/<int:survey_id>", methods=["GET", "POST"])
@roles_required(*SURVEY_READERS)
def show(survey_id: int):
    """The survey; for the service desk, the form of its answers (saved again to correct)."""
    survey = get_visible_or_404(Survey, survey_id)
    if request.method == "POST" and not (current_user.has_role(*SURVEY_TAKERS)
                                         and may_answer(current_user)):
        abort(403)
    form = AnswerForm(obj=survey) if may_answer(current_user) else None
    if form is None:
        return render("satisfaction/survey.html", survey=survey, form=None)
    form.product_id.choices = _product_choices(survey)
    result = submit_edit(form, survey, FORM_FIELDS, lambda: services.answer(
        survey, current_user, form.nps.data, form.csat.data, form.feedback.data or "",
        form.product_id.data))
    if result.done:
        return saved_redirect(_answered_message(survey),
                              url_for("surveys.show", survey_id=survey.id))
    return result.render("satisfaction/survey.html", survey=survey, form=form)


def _answered_message(survey: Survey) -> str:
    parts = [_("Answers saved.")]
    if survey.plan is not None:
        parts.append(_("The score is below the threshold: an improvement plan is open."))
    if survey.complaint_id:
        parts.append(_("A detractor: a complaint is open in your name."))
    return " ".join(parts)


PLANS = ListSpec(
    name="plan",
    query=lambda: visible(ImprovementPlan).options(
        joinedload(ImprovementPlan.customer).load_only(Customer.name),
        joinedload(ImprovementPlan.owner), joinedload(ImprovementPlan.survey)),
    id_column=ImprovementPlan.id,
    columns=(
        Column("created", _l("Opened on"), sort=(ImprovementPlan.created_at, True)),
        Column("customer", _l("Customer")),
        Column("score", _l("Score")),
        Column("state", _l("State"), sort=(ImprovementPlan.state, False)),
        Column("progress", _l("Tasks done")),
        Column("owner", _l("Owner")),
    ),
    default_sort="created",
    filters=(
        Filter.equals("state", _l("State"), lambda: PLAN_STATES,
                      ImprovementPlan.state, _l("All states")),
    ),
    links=(customer_link(ImprovementPlan),),
    search=lambda term: or_(ImprovementPlan.customer_id.in_(select(Customer.id).where(
        customer_search(term)))),
    search_hint=_l("Customer: name, pinyin, initials or phone"),
    count_text=_l("%(n)s improvement plans"),
)


@bp.get("/surveys/plans")
@roles_required(*SURVEY_READERS)
def plans():
    listing = PLANS.run()
    counts = services.task_counts([plan.id for plan in listing.rows])
    return render_list("satisfaction/plans.html", listing, counts=counts, states=PLAN_STATES)


@bp.get("/surveys/plans/<int:plan_id>")
@roles_required(*SURVEY_READERS)
def plan(plan_id: int):
    """The plan, its tasks done and open, and the follow-up panel that adds and completes
    them (the task list reloads itself when a follow-up changes)."""
    plan = get_visible_or_404(ImprovementPlan, plan_id)
    tasks = list(db.session.scalars(
        select(FollowUp).options(joinedload(FollowUp.owner))
        .where(FollowUp.subject_type == services.PLAN_SUBJECT, FollowUp.subject_id == plan.id)
        .order_by(FollowUp.done_at.is_not(None), FollowUp.due_at, FollowUp.id)))
    done = sum(1 for task in tasks if task.done_at is not None)
    return render("satisfaction/plan.html", plan=plan, tasks=tasks, done=done,
                  states=PLAN_STATES, can_add=_may_add(plan))


def _may_add(plan: ImprovementPlan) -> bool:
    """The plan's owner, the service desk's managers, directors and admins give it tasks."""
    user: User = current_user
    return user.id == plan.owner_id or user.has_role("director", "admin") or (
        user.has_role("manager") and may_answer(user))
