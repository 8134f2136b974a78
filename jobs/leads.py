"""R-12 as a job: leads without follow-up for N days return to the shared pool (daily)."""

from sqlalchemy import insert, select

from crm.base import utcnow
from crm.deadlines.pool import warn_returning_leads
from crm.extensions import db
from crm.notifications.models import Notification
from crm.sales.leads import return_stale_leads_to_pool
from crm.sales.models import Lead
from jobs.context import app_context

KIND = "pool_return"


def _company_names(lead_ids: list[int], chunk: int = 5_000) -> dict[int, str]:
    names: dict[int, str] = {}
    for start in range(0, len(lead_ids), chunk):
        part = lead_ids[start:start + chunk]
        names.update(db.session.execute(
            select(Lead.id, Lead.company_name).where(Lead.id.in_(part))).all())
    return names


def return_leads_to_pool() -> int:
    """One UPDATE returns the leads, one INSERT tells each former owner; one transaction, so
    a second run finds nothing left to return and notifies nobody twice."""
    with app_context():
        now = utcnow()
        returned = return_stale_leads_to_pool(now)
        if returned:
            # The former owner may no longer see the lead: its name goes into the note.
            names = _company_names([lead_id for lead_id, _owner in returned])
            db.session.execute(insert(Notification), [
                {"user_id": owner, "kind": KIND, "text": names[lead_id], "subject_type": "lead",
                 "subject_id": lead_id, "created_at": now} for lead_id, owner in returned])
        db.session.commit()
        return len(returned)


def warn_leads_returning_soon() -> int:
    """R-12's early warning, daily: owners hear `pool_warning_days` ahead, once per lead and
    follow-up (a unique key makes a second run, or two at once, harmless)."""
    with app_context():
        told = warn_returning_leads(utcnow())
        db.session.commit()
        return told
