"""Use cases of leads: save, stage moves, the shared pool (claim, release, assign, return)
(R-10..R-12). Services take ids and values, raise DomainError with a message, never commit."""

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from crm.audit.hooks import current_actor_id
from crm.audit.models import AuditEntry
from crm.auth.models import User, UserRole
from crm.auth.scopes import team_subtree_ids
from crm.base import utcnow
from crm.campaigns import attribution
from crm.errors import DomainError
from crm.extensions import db
from crm.sales import funnel
from crm.sales.models import FunnelStage, Lead, StageChange, lead_last_touch
from crm.settings.services import get_setting

LEAD_FIELDS = ("company_name", "customer_id", "contact_name", "contact_phone", "source",
               "campaign_id", "dealer_id", "grade", "team_id", "note")


def _audit_owner_changes(changes: list[tuple[int, int | None, int | None]]) -> None:
    """Audit rows for owner changes made by set-based UPDATEs (the ORM hook does not see
    them): (lead_id, old owner, new owner)."""
    if not changes:
        return
    actor, now = current_actor_id(), utcnow()
    db.session.execute(AuditEntry.__table__.insert(), [
        {"at": now, "user_id": actor, "model": "leads", "record_id": lead_id,
         "action": "update", "field": "owner_id",
         "old": None if old is None else str(old), "new": None if new is None else str(new)}
        for lead_id, old, new in changes])


def record_stage_change(*, lead_id: int | None = None, deal_id: int | None = None,
                        from_stage_id: int | None, to_stage_id: int,
                        lost_reason_id: int | None = None) -> None:
    db.session.add(StageChange(lead_id=lead_id, deal_id=deal_id, from_stage_id=from_stage_id,
                               to_stage_id=to_stage_id, lost_reason_id=lost_reason_id,
                               user_id=current_actor_id()))


def save_lead(lead: Lead | None, values: dict, *, owner_id: int | None = None) -> Lead:
    """Create or edit a lead. A new lead without an owner goes to the pool, or to the next rep
    of its team when round-robin is on (R-12)."""
    is_new = lead is None
    lead = lead or Lead(stage_id=funnel.stage("potential").id)
    for key in LEAD_FIELDS:
        if key in values:
            setattr(lead, key, values[key])
    lead.company_name = (lead.company_name or "").strip()
    if not lead.company_name:
        raise DomainError(_("Enter the company name."), "company_name")
    lead.refresh_keys()
    if is_new:
        if owner_id is None and get_setting("lead_round_robin"):
            owner_id = next_rep_in_turn(lead.team_id)
        lead.owner_id = owner_id
        lead.assigned_at = utcnow() if owner_id else None
    db.session.add(lead)
    db.session.flush()
    if is_new:
        record_stage_change(lead_id=lead.id, from_stage_id=None, to_stage_id=lead.stage_id)
    if lead.campaign_id:  # the campaign reached the lead
        attribution.touch(lead.id, lead.campaign_id)
    return lead


def next_rep_in_turn(team_id: int | None) -> int | None:
    """Round-robin within the team (and the teams below it): the active rep whose latest
    assignment is the oldest (never assigned first)."""
    if team_id is None:
        return None
    latest = (select(Lead.owner_id, func.max(Lead.assigned_at).label("last"))
              .where(Lead.owner_id.is_not(None)).group_by(Lead.owner_id).subquery())
    stmt = (select(User.id).join(UserRole, UserRole.user_id == User.id)
            .outerjoin(latest, latest.c.owner_id == User.id)
            .where(User.active, UserRole.role == "sales",
                   User.team_id.in_(team_subtree_ids(team_id)))
            .order_by(latest.c.last.is_not(None), latest.c.last, User.id).limit(1))
    return db.session.scalar(stmt)


def move_lead(lead: Lead, stage: FunnelStage, lost_reason_id: int | None = None) -> None:
    """Move a lead to an open or lost stage. It is signed by signing its deal's contract
    (R-15), never here."""
    if stage.id == lead.stage_id:
        return
    if stage.is_won:
        raise DomainError(_("A lead is signed by signing the contract of its deal."), "stage_id")
    if stage.is_lost and not funnel.is_lost_reason(lost_reason_id):
        raise DomainError(_("Choose why the lead was lost."), "lost_reason_id")
    record_stage_change(lead_id=lead.id, from_stage_id=lead.stage_id, to_stage_id=stage.id,
                        lost_reason_id=lost_reason_id if stage.is_lost else None)
    lead.stage_id, lead.last_followup_at = stage.id, utcnow()
    lead.lost_reason_id = lost_reason_id if stage.is_lost else None
    db.session.flush()


def record_followup(lead: Lead, at: datetime | None = None) -> None:
    lead.last_followup_at = at or utcnow()


def claim_lead(lead_id: int, user_id: int) -> None:
    """Take a lead from the pool (公海). Atomic: the UPDATE only matches while the lead has no
    owner, so of two reps claiming at once exactly one wins; the other gets a DomainError."""
    now = utcnow()
    result = db.session.execute(
        update(Lead).where(Lead.id == lead_id, Lead.owner_id.is_(None))
        .values(owner_id=user_id, assigned_at=now, last_followup_at=now,
                version=Lead.version + 1),
        execution_options={"synchronize_session": False})
    if result.rowcount != 1:
        raise DomainError(_("Someone else claimed this lead a moment ago."))
    _audit_owner_changes([(lead_id, None, user_id)])


def release_lead(lead: Lead) -> None:
    """Back to the pool."""
    if lead.owner_id is None:
        raise DomainError(_("The lead is already in the pool."))
    lead.former_owner_id, lead.owner_id, lead.assigned_at = lead.owner_id, None, None
    db.session.flush()


def assign_lead(lead: Lead, owner_id: int) -> None:
    lead.owner_id, lead.assigned_at = owner_id, utcnow()
    db.session.flush()


def open_stage_ids():
    return select(FunnelStage.id).where(~FunnelStage.is_won, ~FunnelStage.is_lost)


def _owned_open_untouched_since(cutoff: datetime) -> tuple:
    return (Lead.owner_id.is_not(None), Lead.stage_id.in_(open_stage_ids()),
            lead_last_touch() < cutoff)


def returning_soon(now: datetime) -> tuple:
    """WHERE clauses of the owned leads that go back to the pool within `pool_warning_days`
    unless someone follows them up (R-12)."""
    days_left = get_setting("pool_return_days") - get_setting("pool_warning_days")
    return _owned_open_untouched_since(now - timedelta(days=max(days_left, 0)))


def return_stale_leads_to_pool(now: datetime) -> list[tuple[int, int]]:
    """R-12: an open lead with no follow-up for `pool_return_days` goes back to the pool.
    One set-based UPDATE (the former owner is kept in the row, which also lets SQLite's
    RETURNING name it); returns (lead id, former owner id) for the alerts."""
    stmt = (update(Lead)
            .where(*_owned_open_untouched_since(now - timedelta(
                days=get_setting("pool_return_days"))))
            .values(former_owner_id=Lead.owner_id, owner_id=None, assigned_at=None,
                    version=Lead.version + 1)
            .returning(Lead.id, Lead.former_owner_id))
    returned = sorted((lead_id, owner) for lead_id, owner in db.session.execute(
        stmt, execution_options={"synchronize_session": False}))
    _audit_owner_changes([(lead_id, owner, None) for lead_id, owner in returned])
    return returned


def lead_history(lead_id: int) -> list[StageChange]:
    stmt = (select(StageChange).where(StageChange.lead_id == lead_id)
            .order_by(StageChange.id))
    return list(db.session.scalars(stmt))
