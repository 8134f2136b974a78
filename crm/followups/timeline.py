"""The follow-ups about a customer on its timeline: the ones the user may see (their own, their
team's for a manager), each at the time it was planned."""

from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from crm.auth.scopes import visible
from crm.customers.models import Customer
from crm.customers.services import TIMELINE_LIMIT, TimelineEvent, newest_before
from crm.deadlines.subjects import subject_keys
from crm.extensions import db
from crm.followups.models import FollowUp


def followup_events(customer_id: int, before: datetime | None = None,
                    limit: int = TIMELINE_LIMIT) -> list[TimelineEvent]:
    """One query along ix_followups_subject."""
    stmt = newest_before(
        visible(FollowUp).options(joinedload(FollowUp.owner))
            .where(FollowUp.subject_type.in_(subject_keys(Customer)),
            FollowUp.subject_id == customer_id),
        FollowUp.created_at, FollowUp.id, before, limit)
    return [TimelineEvent(f.created_at, "followup", _text(f), f.owner.name,
                          url_for("followups.show", followup_id=f.id), f.id)
            for f in db.session.scalars(stmt)]


def _text(followup: FollowUp) -> str:
    if followup.done_at is None:
        return _("Follow-up planned: %(what)s", what=followup.what)
    return _("Follow-up done: %(what)s", what=followup.what)
