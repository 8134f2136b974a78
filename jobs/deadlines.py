"""The overdue sweep as a job: every minute from jobs/schedule.py; safe twice or at once."""

from crm.base import utcnow
from crm.deadlines import services
from crm.extensions import db
from crm.notifications import FLUSH_EMAIL_JOB, FLUSH_EMAIL_JOB_ID
from crm.notifications.mailer import mail_configured
from crm.queue import after_commit
from jobs.context import app_context


def sweep_deadlines() -> dict[str, int]:
    """Raise the missed alerts in one transaction (a killed run leaves nothing half-done), then
    have the e-mails sent."""
    with app_context() as app:
        counts = services.sweep(utcnow())
        if counts["notified"] and mail_configured(app.config):
            after_commit(FLUSH_EMAIL_JOB, job_id=FLUSH_EMAIL_JOB_ID)
        db.session.commit()
        return counts
