"""R-62 as a job: score the finished quarter (final, frozen; warnings and terminations follow)
and refresh the current quarter's preview. Daily; a finished quarter is acted on once."""

from crm.base import utcnow
from crm.channel import scoring
from crm.channel.figures import Quarter
from crm.extensions import db
from jobs.context import app_context


def score_dealers() -> dict[str, int]:
    with app_context():
        now = utcnow()
        current = Quarter.of(now.date())
        final = scoring.score_quarter(current.previous(), final=True, now=now)
        preview = scoring.score_quarter(current, final=False, now=now)
        db.session.commit()
        return {"final": final, "preview": preview}
