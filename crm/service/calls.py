"""Use cases of the call log (R-32): log a call (with its next step as a follow-up), the
agent's last direction and channel, the calls on a customer's timeline. Nothing commits."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.auth.models import User
from crm.base import utcnow
from crm.customers.models import Contact
from crm.customers.services import TIMELINE_LIMIT, TimelineEvent, newest_before
from crm.errors import DomainError
from crm.extensions import db
from crm.followups import services as followups
from crm.sales.models import Product
from crm.service.models import CHANNELS, DIRECTIONS, INBOUND, Call

NOTE_IN_TIMELINE = 120


@dataclass
class CallValues:
    customer_id: int
    direction: str
    channel: str
    contact_id: int | None = None
    duration_minutes: int | None = None
    notes: str = ""
    product_id: int | None = None
    next_step: str = ""
    next_date: date | None = None


def last_choice(agent_id: int) -> tuple[str, str]:
    """The direction and channel of the agent's latest call: what the next one starts with."""
    row = db.session.execute(select(Call.direction, Call.channel)
                             .where(Call.agent_id == agent_id)
                             .order_by(Call.at.desc()).limit(1)).first()
    return tuple(row) if row else (INBOUND, next(iter(CHANNELS)))


def log_call(values: CallValues, agent: User, zone) -> Call:
    """The call, and its next step as a follow-up of the agent's about the customer. The
    customer was checked visible by the form; the contact must be one of its people."""
    if values.contact_id is not None and db.session.scalar(
            select(Contact.customer_id).where(Contact.id == values.contact_id)) != \
            values.customer_id:
        raise DomainError(_("Choose a contact of this customer."), "contact_id")
    if values.product_id is not None and not db.session.scalar(
            select(Product.active).where(Product.id == values.product_id)):
        raise DomainError(_("Choose a product from the list."), "product_id")
    if values.next_step.strip() and values.next_date is None:
        raise DomainError(_("Say by when."), "next_date")
    call = Call(customer_id=values.customer_id, contact_id=values.contact_id,
                agent_id=agent.id, direction=values.direction, channel=values.channel,
                duration_minutes=values.duration_minutes, notes=values.notes.strip(),
                product_id=values.product_id, at=utcnow())
    if values.next_step.strip():
        call.followup_id = followups.add(
            what=values.next_step, owner_id=agent.id,
            due=followups.due_at(values.next_date, None, zone),
            subject_type="customer", subject_id=values.customer_id, by=agent).id
    db.session.add(call)
    db.session.flush()
    return call


def call_title(call: Call) -> str:
    """来电 · 400 热线 · 12 分钟"""
    parts = [str(DIRECTIONS[call.direction]), str(CHANNELS[call.channel])]
    if call.duration_minutes:
        parts.append(_("%(n)s min", n=call.duration_minutes))
    return " · ".join(parts)


def call_events(customer_id: int, before: datetime | None = None,
                limit: int = TIMELINE_LIMIT) -> list[TimelineEvent]:
    """The customer's calls for its timeline, newest first, only those before `before`: one
    query along ix_service_calls_customer_at."""
    stmt = newest_before(
        select(Call).options(joinedload(Call.agent)).where(Call.customer_id == customer_id),
        Call.at, Call.id, before, limit)
    url = url_for("calls.index", customer=customer_id)
    return [TimelineEvent(call.at, "call", _call_text(call), call.agent.name,
                          f"{url}#call-{call.id}", call.id) for call in db.session.scalars(stmt)]


def _call_text(call: Call) -> str:
    notes = call.notes if len(call.notes) <= NOTE_IN_TIMELINE else \
        call.notes[:NOTE_IN_TIMELINE] + "…"
    return f"{call_title(call)}: {notes}" if notes else call_title(call)
