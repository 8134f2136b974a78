"""The agenda as an iCalendar feed (RFC 5545) behind a secret, revocable per-user token."""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urljoin

from flask import request, url_for
from flask_babel import force_locale
from icalendar import Calendar, Event
from sqlalchemy import delete, select

from crm.auth.models import User
from crm.base import utcnow
from crm.deadlines.models import Deadline
from crm.extensions import db
from crm.followups import agenda
from crm.followups.models import CalendarToken

PAST = timedelta(days=30)
FUTURE = timedelta(days=366)
EVENT_LENGTH = timedelta(minutes=30)
MAX_EVENTS = 2000


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(user_id: int) -> str:
    """A fresh secret for the user's feed; any earlier one stops working."""
    revoke(user_id)
    token = secrets.token_urlsafe(32)
    db.session.add(CalendarToken(user_id=user_id, token_hash=_hash(token)))
    return token


def revoke(user_id: int) -> None:
    db.session.execute(delete(CalendarToken).where(CalendarToken.user_id == user_id))
    db.session.flush()


def has_token(user_id: int) -> bool:
    return db.session.get(CalendarToken, user_id) is not None


def user_for(token: str | None) -> User | None:
    if not token:
        return None
    return db.session.scalar(
        select(User).join(CalendarToken, CalendarToken.user_id == User.id)
        .where(CalendarToken.token_hash == _hash(token), User.active)
    )


def feed(user: User, zone) -> bytes:
    """The user's open deadlines from a month ago to a year ahead, one event each."""
    now = utcnow()
    rows = db.session.scalars(
        agenda.agenda_query(user, zone=zone, now=now)
        .where(Deadline.due_at >= now - PAST, Deadline.due_at <= now + FUTURE)
        .order_by(Deadline.due_at, Deadline.id).limit(MAX_EVENTS)
    ).all()
    cal = Calendar()
    cal.add("prodid", "-//CRM//agenda//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"CRM · {user.name}")
    with force_locale(user.locale or "zh"):
        for item in agenda.items(rows, user, zone, now):
            cal.add_component(_event(item, now))
    return cal.to_ical()


def _event(item: agenda.AgendaItem, now) -> Event:
    event = Event()
    event.add("uid", f"deadline-{item.deadline.id}@crm")
    event.add("dtstamp", now)
    event.add("dtstart", item.deadline.due_at)
    event.add("dtend", item.deadline.due_at + EVENT_LENGTH)
    event.add("summary", f"{item.kind_label}: {item.title}" if item.title
              else str(item.kind_label))
    link = url_for("followups.show", followup_id=item.followup.id) if item.followup \
        else (item.ref.url if item.ref else None)
    if item.ref and item.ref.title:
        event.add("description", f"{item.ref.label}: {item.ref.title}")
    if link:
        event.add("url", urljoin(request.host_url, link))
    return event
