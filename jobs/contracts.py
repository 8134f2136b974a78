"""The collection ladder's daily run (R-21): clocks for newly overdue instalments, promises to
pay checked. Safe twice: a ladder starts once, a promise is judged once."""

from crm.base import utcnow
from crm.contracts import collection
from crm.extensions import db
from jobs.context import app_context


def run_collection_ladder() -> dict[str, int]:
    with app_context():
        now = utcnow()
        counts = collection.run_daily(now.astimezone(collection.COMPANY_ZONE).date(), now)
        db.session.commit()
        return counts
