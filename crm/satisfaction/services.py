"""Use cases of satisfaction (R-34): open a round (a survey for every active customer, once),
enter the answers, and close the loop: a score below the threshold gets one improvement plan
owned by the service director, a detractor one complaint owned by the agent who spoke with the
customer (首问负责制), a promoter is a referral candidate. Nothing here commits."""

from datetime import date, datetime

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, literal, select, update
from sqlalchemy.orm import joinedload

from crm.audit.hooks import audit_created_rows
from crm.auth.models import User, UserRole
from crm.base import UTCDateTime, utcnow
from crm.contracts.models import Contract
from crm.customers.models import Customer
from crm.customers.services import TIMELINE_LIMIT, TimelineEvent, newest_before
from crm.deadlines.services import dialect_insert, rows_inserted
from crm.errors import DomainError
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.notifications.services import notify
from crm.sales.models import Product
from crm.satisfaction.models import (
    ANSWERED,
    OPEN,
    PLAN_DONE,
    PLAN_OPEN,
    PROMOTER_NPS,
    ImprovementPlan,
    Survey,
    SurveyRound,
)
from crm.service import complaints
from crm.settings.services import get_setting

PLAN_SUBJECT = "improvement_plan"
LAPSED = ("draft", "terminated")  # contracts that make nobody an active customer


def survey_months(text: str) -> list[int]:
    """"6,12" -> [6, 12]; anything else is refused beside the setting."""
    try:
        months = sorted({int(part) for part in text.replace("，", ",").split(",") if
                         part.strip()})
    except ValueError:
        months = []
    if not months or any(m < 1 or m > 12 for m in months):
        raise DomainError(_l("Give months as numbers 1-12 separated by commas, e.g. 6,12."),
                          "survey_months")
    return months


def check_months(values: dict) -> None:
    survey_months(values["survey_months"])


def round_key(day: date) -> str | None:
    """The round of a survey month ("2026-06"), None outside the months of the setting."""
    if day.month not in survey_months(get_setting("survey_months")):
        return None
    return f"{day.year}-{day.month:02d}"


def active_customers():
    """Customers with a signed contract that is not terminated: who is surveyed."""
    return select(Contract.customer_id).where(Contract.status.not_in(LAPSED))


def open_round(key: str, at: datetime | None = None) -> tuple[SurveyRound, int]:
    """The round and a survey for each active customer not yet in it; run twice, it adds
    nothing (a unique key on round and customer makes a concurrent run harmless too)."""
    at = at or utcnow()
    survey_round = db.session.scalar(select(SurveyRound).where(SurveyRound.key == key))
    if survey_round is None:
        survey_round = SurveyRound(key=key, opened_at=at)
        db.session.add(survey_round)
        db.session.flush()
    missing = (select(literal(survey_round.id), Customer.id, literal(OPEN), literal(""),
                      literal(1), literal(at, UTCDateTime), literal(at, UTCDateTime))
               .where(Customer.id.in_(active_customers()), ~exists().where(
                   Survey.round_id == survey_round.id, Survey.customer_id == Customer.id)))
    columns = ["round_id", "customer_id", "state", "feedback", "version", "created_at",
               "updated_at"]
    added = rows_inserted(dialect_insert(Survey).from_select(columns, missing)
                          .on_conflict_do_nothing())
    audit_created_rows(Survey, Survey.round_id == survey_round.id,
                       ("round_id", "customer_id", "state"))
    survey_round.total = db.session.scalar(select(func.count()).select_from(Survey).where(
        Survey.round_id == survey_round.id))
    return survey_round, added


def answer(survey: Survey, by: User, nps: int, csat: int, feedback: str = "",
           product_id: int | None = None, at: datetime | None = None) -> Survey:
    """The customer's answers (again, to correct them); the loop closes once: one plan, one
    complaint per survey, whatever is saved after."""
    if not 0 <= nps <= 10:
        raise DomainError(_l("NPS is a number from 0 to 10."), "nps")
    if not 0 <= csat <= 100:
        raise DomainError(_l("CSAT is a number from 0 to 100."), "csat")
    if product_id is not None and not db.session.scalar(
            select(Product.active).where(Product.id == product_id)):
        raise DomainError(_l("Choose a product from the list."), "product_id")
    at = at or utcnow()
    if survey.state == OPEN:
        db.session.execute(update(SurveyRound).where(SurveyRound.id == survey.round_id)
                           .values(answered=SurveyRound.answered + 1))
        survey.state, survey.answered_at, survey.agent_id = ANSWERED, at, by.id
    survey.nps, survey.csat = nps, csat
    survey.feedback, survey.product_id = (feedback or "").strip(), product_id
    db.session.flush()
    if csat < get_setting("satisfaction_threshold"):
        plan_for(survey, at)
    if survey.detractor and survey.complaint_id is None:
        _open_complaint(survey, at)
    return survey


def service_director_id() -> int | None:
    """The director heading the service desk: one whose own team holds service agents; else
    any active director."""
    agents_teams = (select(User.team_id).join(UserRole, UserRole.user_id == User.id)
                    .where(UserRole.role == "service", User.active))
    directors = (select(User.id).join(UserRole, UserRole.user_id == User.id)
                 .where(UserRole.role == "director", User.active))
    return db.session.scalar(directors.where(User.team_id.in_(agents_teams))
                             .order_by(User.id).limit(1)) or \
        db.session.scalar(directors.order_by(User.id).limit(1))


def plan_for(survey: Survey, at: datetime | None = None) -> ImprovementPlan:
    """The survey's improvement plan, created (and its owner told) the first time."""
    if survey.plan is not None:
        return survey.plan
    owner_id = service_director_id()
    if owner_id is None:
        raise DomainError(_l("Nobody is the service director: ask an admin to appoint one."))
    at = at or utcnow()
    name = db.session.scalar(select(Customer.name).where(Customer.id == survey.customer_id))
    with _company_language():
        goal = _("Raise %(name)s's satisfaction (CSAT %(csat)s, NPS %(nps)s).", name=name,
                 csat=survey.csat, nps=survey.nps)
    plan = ImprovementPlan(survey_id=survey.id, customer_id=survey.customer_id,
                           owner_id=owner_id, goal=goal, created_at=at, updated_at=at)
    db.session.add(plan)
    db.session.flush()
    survey.plan = plan
    with _company_language():
        notify(owner_id, _("Improvement plan to lead: %(goal)s", goal=goal), PLAN_SUBJECT,
               plan.id)
    return plan


def _company_language():
    """What the loop writes (a plan's goal, a complaint's summary) reads in the company's
    language, whoever saved the answers."""
    return force_locale(current_app.config["BABEL_DEFAULT_LOCALE"])


def _open_complaint(survey: Survey, at: datetime) -> None:
    """A detractor's complaint, with its clocks, owned by the agent who took the answers."""
    with _company_language():
        summary = _("Satisfaction survey: NPS %(nps)s (detractor)", nps=survey.nps)
    complaint = complaints.open_complaint(
        survey.customer_id, survey.agent_id, summary, "survey",
        details=survey.feedback, product_id=survey.product_id,
        feedback=survey.feedback, by=db.session.get(User, survey.agent_id), at=at)
    survey.complaint_id = complaint.id


def before_merge(keep_id: int, drop_id: int) -> None:
    """Two merged customers surveyed in the same round keep one survey: the answered one (the
    kept customer's when both are); a plan of the other moves to it when it has none."""
    kept = {s.round_id: s for s in db.session.scalars(select(Survey).where(
        Survey.customer_id == keep_id))}
    for dropped in db.session.scalars(select(Survey).where(Survey.customer_id == drop_id,
                                                          Survey.round_id.in_(kept))).all():
        survivor, gone = kept[dropped.round_id], dropped
        if survivor.state == OPEN and dropped.state == ANSWERED:
            survivor, gone = dropped, survivor
        if gone.plan is not None:
            if survivor.plan is None:
                gone.plan.survey_id = survivor.id
            else:
                db.session.delete(gone.plan)
            db.session.flush()
        db.session.execute(update(SurveyRound).where(SurveyRound.id == gone.round_id).values(
            total=SurveyRound.total - 1,
            answered=SurveyRound.answered - (1 if gone.state == ANSWERED else 0)))
        db.session.delete(gone)
    db.session.flush()


def task_counts(plan_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Per plan: (tasks done, tasks) in one query."""
    if not plan_ids:
        return {}
    rows = db.session.execute(
        select(FollowUp.subject_id, func.count(FollowUp.done_at), func.count())
        .where(FollowUp.subject_type == PLAN_SUBJECT, FollowUp.subject_id.in_(plan_ids))
        .group_by(FollowUp.subject_id))
    return {plan_id: (done, total) for plan_id, done, total in rows}


def tasks_changed(plan_id: int, at) -> None:
    """A task added or done: the plan is completed when every task is, open again when a
    new one comes."""
    plan = db.session.get(ImprovementPlan, plan_id)
    if plan is None:
        return
    db.session.flush()
    done, total = task_counts([plan_id]).get(plan_id, (0, 0))
    finished = total > 0 and done == total
    if finished and plan.state == PLAN_OPEN:
        plan.state, plan.done_at = PLAN_DONE, at
    elif not finished and plan.state == PLAN_DONE:
        plan.state, plan.done_at = PLAN_OPEN, None


def promoter_flags(customer_id: int) -> list[str]:
    """The customer page's flag: a promoter of the latest answered survey is a referral
    candidate."""
    nps = db.session.scalar(select(Survey.nps).where(
        Survey.customer_id == customer_id, Survey.answered_at.is_not(None))
        .order_by(Survey.answered_at.desc()).limit(1))
    if nps is None or nps < PROMOTER_NPS:
        return []
    return [_("Referral candidate (NPS %(nps)s)", nps=nps)]


def survey_events(customer_id: int, before: datetime | None = None,
                  limit: int = TIMELINE_LIMIT) -> list[TimelineEvent]:
    """The customer's survey answers for its timeline, newest first
    (ix_surveys_customer_answered)."""
    stmt = newest_before(
        select(Survey).options(joinedload(Survey.agent))
            .where(Survey.customer_id == customer_id, Survey.answered_at.is_not(None)),
        Survey.answered_at, Survey.id, before, limit)
    return [TimelineEvent(s.answered_at, "survey",
                          _("Satisfaction survey: NPS %(nps)s, CSAT %(csat)s", nps=s.nps,
                            csat=s.csat), s.agent.name if s.agent else None,
                          url_for("surveys.show", survey_id=s.id), s.id)
            for s in db.session.scalars(stmt)]
