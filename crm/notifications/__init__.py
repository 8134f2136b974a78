"""In-app alerts with an unread count, and e-mail where configured (R-42)."""


def register() -> None:
    from crm.auth import scopes
    from crm.notifications.models import Notification

    scopes.register(Notification, lambda user: Notification.user_id == user.id)
