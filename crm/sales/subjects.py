"""Leads and deals as subjects of follow-ups, deadlines and notifications."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from crm.deadlines.subjects import register_subject
from crm.extensions import db


def _lead_followed_up(lead_id: int, at) -> None:
    """A follow-up restarts the lead's R-12 clock; a plain UPDATE, so no edit conflicts."""
    from crm.sales.models import Lead

    db.session.execute(update(Lead).where(Lead.id == lead_id).values(last_followup_at=at),
                       execution_options={"synchronize_session": False})


def register() -> None:
    from crm.sales.models import Deal, Lead

    register_subject("lead", Lead, _l("Lead"), "leads.show", "lead_id",
                     lambda lead: lead.company_name, touched=_lead_followed_up)
    register_subject("deal", Deal, _l("Deal"), "deals.show", "deal_id", lambda d: d.title)
