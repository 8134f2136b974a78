"""In-app alerts with an unread count, and e-mail where configured (R-42)."""

FLUSH_EMAIL_JOB = "jobs.notifications.flush_emails"  # enqueued by name: crm never imports jobs
FLUSH_EMAIL_JOB_ID = "notifications-email-flush"


def init_app(app) -> None:
    from crm.auth import scopes
    from crm.domains import Periodic, add_periodic
    from crm.notifications.models import Notification
    from crm.notifications.views import bp

    scopes.register(Notification, lambda user: Notification.user_id == user.id)
    app.register_blueprint(bp)
    add_periodic(app, Periodic("notifications.flush_email", FLUSH_EMAIL_JOB,
                               interval=app.config["CRM_SWEEP_SECONDS"]))
