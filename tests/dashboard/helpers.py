"""Records for home page tests: follow-ups due on a given local day."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.followups import services as followups
from tests.clock import ZONE, local_today


def user_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def add_followup(owner: str, what: str, days: int) -> None:
    """A follow-up of `owner` due `days` from today: late that day (still ahead for today)."""
    user = db.session.scalar(select(User).where(User.username == owner))
    due = datetime.combine(local_today() + timedelta(days=days), time(23, 58), tzinfo=ZONE)
    followups.add(what=what, owner_id=user.id, due=due, subject_type=None, subject_id=None,
                  by=user)
