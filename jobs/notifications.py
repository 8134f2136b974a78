"""E-mail for notifications, sent from the pending rows (emailed_at IS NULL)."""

from crm.extensions import db
from crm.notifications import mailer
from jobs.context import app_context


def flush_emails() -> int:
    """Send every pending e-mail, a chunk per transaction: a crash loses nothing (at worst one
    chunk is sent again). Returns how many were sent."""
    sent = 0
    with app_context() as app:
        if not mailer.mail_configured(app.config):
            return 0
        while True:
            count = mailer.send_pending_chunk(app.config)
            db.session.commit()
            sent += count
            if count < mailer.CHUNK:
                return sent
