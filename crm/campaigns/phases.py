"""The three phases of R-52 and the minutes that close them (R-53). Nothing here commits.

Once a campaign's budget is approved (or it is executed in an emergency) it gets its phases:
the kickoff meeting due `campaign_kickoff_days` before the start, a mid-term review at each
quarter after the start while it runs, the closing acceptance within `campaign_closing_days`
after the end. Each is a deadline (kind `campaign_<phase>`, subject the phase) that alerts its
owner, then their manager, when missed; minutes naming the phase close it. Each action item of
the minutes becomes a follow-up of its owner about the minutes."""

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from crm.auth.models import User
from crm.base import utcnow
from crm.campaigns import MINUTES_SUBJECT, PHASE_SUBJECT
from crm.campaigns.models import Campaign, CampaignMinutes, CampaignPhase, MinutesAction
from crm.deadlines import services as deadlines
from crm.errors import DomainError
from crm.extensions import db
from crm.followups import services as followups
from crm.settings.services import get_setting

QUARTER_MONTHS = 3


def deadline_kind(phase_kind: str) -> str:
    return f"campaign_{phase_kind}"


def record_template(phase_kind: str | None) -> str:
    """The written record's headings: what each phase must put in writing (R-52)."""
    headings = {
        "kickoff": (_("Goals"), _("Division of work")),
        "midterm": (_("Progress"), _("Budget execution")),
        "closing": (_("Results"), _("ROI")),
    }.get(phase_kind or "", ())
    return "".join(f"{heading}：\n\n" for heading in headings)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def phase_days(campaign: Campaign) -> list[tuple[str, date]]:
    """(kind, due day) of the campaign's phases, in order."""
    found = [("kickoff", campaign.starts_on - timedelta(days=get_setting(
        "campaign_kickoff_days")))]
    quarter = 1
    while (review := add_months(campaign.starts_on, QUARTER_MONTHS * quarter)) < \
            campaign.ends_on:
        found.append(("midterm", review))
        quarter += 1
    found.append(("closing", campaign.ends_on + timedelta(days=get_setting(
        "campaign_closing_days"))))
    return found


def plan(campaign: Campaign) -> list[CampaignPhase]:
    """The campaign's phases and their clocks, once."""
    if db.session.scalar(select(CampaignPhase.id).where(
            CampaignPhase.campaign_id == campaign.id).limit(1)) is not None:
        return []
    zone = db.session.get(User, campaign.owner_id).timezone
    planned = []
    for kind, day in phase_days(campaign):
        phase = CampaignPhase(campaign_id=campaign.id, kind=kind, due_on=day)
        db.session.add(phase)
        db.session.flush()
        deadlines.create(deadline_kind(kind), PHASE_SUBJECT, phase.id, campaign.owner_id,
                         followups.due_at(day, None, zone))
        planned.append(phase)
    return planned


def cancel_open(campaign: Campaign) -> None:
    """A cancelled campaign holds no more meetings: its open clocks stop."""
    for phase in phases_of(campaign.id):
        if phase.done_at is None:
            deadlines.cancel(deadline_kind(phase.kind), PHASE_SUBJECT, phase.id)


def phases_of(campaign_id: int) -> list[CampaignPhase]:
    stmt = (select(CampaignPhase).where(CampaignPhase.campaign_id == campaign_id)
            .order_by(CampaignPhase.due_on, CampaignPhase.id))
    return list(db.session.scalars(stmt))


def open_phase(campaign: Campaign, phase_id: int | None) -> CampaignPhase | None:
    if phase_id is None:
        return None
    phase = db.session.get(CampaignPhase, phase_id)
    if phase is None or phase.campaign_id != campaign.id or phase.done_at is not None:
        raise DomainError(_("Choose an open phase of this campaign."), "phase_id")
    return phase


def record_minutes(campaign: Campaign, phase: CampaignPhase | None, values: dict,
                   actions: list[dict], by: User) -> CampaignMinutes:
    """The minutes; the phase they record is done; each action item a follow-up."""
    minutes = CampaignMinutes(campaign_id=campaign.id, held_on=values["held_on"],
                              title=values["title"].strip(), topics=values["topics"].strip(),
                              decisions=values["decisions"].strip(),
                              record=(values.get("record") or "").strip() or None,
                              created_by_id=by.id)
    db.session.add(minutes)
    db.session.flush()
    zone = by.timezone
    for index, item in enumerate(actions):
        try:
            followup = followups.add(what=item["what"], owner_id=item["owner_id"],
                                     due=followups.due_at(item["due_on"], None, zone),
                                     subject_type=MINUTES_SUBJECT, subject_id=minutes.id, by=by)
        except DomainError as error:
            raise DomainError(error.message, f"actions-{index}-{error.field or 'what'}") \
                from error
        db.session.add(MinutesAction(minutes_id=minutes.id, what=followup.what,
                                     owner_id=item["owner_id"], due_on=item["due_on"],
                                     followup_id=followup.id))
    if phase is not None:
        phase.done_at, phase.minutes_id = utcnow(), minutes.id
        deadlines.complete(deadline_kind(phase.kind), PHASE_SUBJECT, phase.id, phase.done_at)
    return minutes


def minutes_of(campaign_id: int) -> list[CampaignMinutes]:
    stmt = (select(CampaignMinutes).where(CampaignMinutes.campaign_id == campaign_id)
            .order_by(CampaignMinutes.held_on.desc(), CampaignMinutes.id.desc()))
    return list(db.session.scalars(stmt))


def phase_of(minutes_id: int) -> CampaignPhase | None:
    return db.session.scalar(select(CampaignPhase).where(CampaignPhase.minutes_id == minutes_id))
