"""R-12's pool clock warns first: the owner of a lead that will return to the shared pool is
told `pool_warning_days` before, once per follow-up (UNIQUE(lead, last touch)), and sees it in
the agenda. Set-based like the return itself; running it twice or at once warns once."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import literal, select

from crm.base import UTCDateTime
from crm.deadlines.countdown import Countdown, countdown
from crm.deadlines.models import PoolWarning
from crm.deadlines.services import dialect_insert, rows_inserted
from crm.extensions import db
from crm.notifications.models import Notification
from crm.sales.leads import open_stage_ids
from crm.sales.models import Lead, lead_last_touch
from crm.settings.services import get_setting

KIND = "pool_warning"


def _warn_before(now: datetime) -> datetime | None:
    """Leads last touched before this return within the warning window (None: no warning)."""
    days = get_setting("pool_warning_days")
    if not days:
        return None
    return now - timedelta(days=max(get_setting("pool_return_days") - days, 0))


def _returning(before: datetime):
    return (select(Lead.id, lead_last_touch().label("touched_at"), Lead.owner_id)
            .where(Lead.owner_id.is_not(None), Lead.stage_id.in_(open_stage_ids()),
                   lead_last_touch() < before))


def warn_returning_leads(now: datetime) -> int:
    """Record and notify the warnings due at `now` (no commit); how many owners were told."""
    before = _warn_before(now)
    if before is None:
        return 0
    due = _returning(before).subquery()
    rows = select(due.c.id, due.c.touched_at, due.c.owner_id, literal(now, UTCDateTime))
    stmt = dialect_insert(PoolWarning).from_select(
        ["lead_id", "touched_at", "owner_id", "warned_at"], rows.order_by(due.c.id))
    if not rows_inserted(stmt.on_conflict_do_nothing()):
        return 0
    notes = (select(PoolWarning.owner_id, literal(KIND), Lead.company_name, literal("lead"),
                    Lead.id, literal(now, UTCDateTime))
             .join(Lead, Lead.id == PoolWarning.lead_id)
             .where(PoolWarning.warned_at == now).order_by(PoolWarning.id))
    return rows_inserted(dialect_insert(Notification).from_select(
        ["user_id", "kind", "text", "subject_type", "subject_id", "created_at"], notes))


@dataclass(frozen=True)
class Returning:
    lead_id: int
    company_name: str
    returns_at: datetime
    clock: Countdown


def returning_soon(owner_id: int, now: datetime, limit: int = 10) -> list[Returning]:
    """The owner's leads that return to the pool within the warning window, soonest first."""
    before = _warn_before(now)
    if before is None:
        return []
    return_after = timedelta(days=get_setting("pool_return_days"))
    touched = lead_last_touch()
    rows = db.session.execute(
        select(Lead.id, Lead.company_name, touched)
        .where(Lead.owner_id == owner_id, Lead.stage_id.in_(open_stage_ids()), touched < before)
        .order_by(touched, Lead.id).limit(limit))
    return [Returning(lead_id, name, at + return_after, countdown(at + return_after, now, at))
            for lead_id, name, at in rows]
