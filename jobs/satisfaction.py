"""R-34 as a job: in a survey month, open the month's round (a survey for every active
customer). Daily; a round is created once and a customer surveyed once in it, so a second run
(or a retry) adds nothing."""

from datetime import date

from crm.base import utcnow
from crm.extensions import db
from crm.satisfaction import services
from jobs.context import app_context


def open_survey_round(day: str | None = None) -> dict[str, object]:
    """`day` (ISO date, for a catch-up run) defaults to today (UTC)."""
    with app_context():
        key = services.round_key(date.fromisoformat(day) if day else utcnow().date())
        if key is None:
            return {"round": None, "added": 0}
        survey_round, added = services.open_round(key)
        db.session.commit()
        return {"round": key, "added": added, "total": survey_round.total}
