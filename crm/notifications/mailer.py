"""E-mail for notifications when MAIL_SERVER / MAIL_PORT / MAIL_FROM are configured."""

import smtplib
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.auth.models import User
from crm.base import utcnow
from crm.extensions import db
from crm.notifications.models import Notification
from crm.notifications.services import shown

CHUNK = 50
# Rows older than this are not mailed (e.g. when mail is configured after months without it).
MAX_AGE = timedelta(days=2)


def mail_configured(config) -> bool:
    return all(config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM"))


def _pending(now) -> list[Notification]:
    stmt = (
        select(Notification).join(User, User.id == Notification.user_id)
        .where(Notification.emailed_at.is_(None), Notification.read_at.is_(None),
               Notification.created_at >= now - MAX_AGE, User.email.is_not(None), User.active)
        .options(joinedload(Notification.user), joinedload(Notification.about_user))
        .order_by(Notification.id).limit(CHUNK)
        .with_for_update(skip_locked=True, of=Notification)
    )
    return list(db.session.scalars(stmt).unique())


def _message(config, note: Notification, text: str, url: str | None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = note.user.email
    message["Subject"] = f"[{_('CRM')}] {text}"
    link = f"{config['CRM_BASE_URL'].rstrip('/')}{url}" if url else ""
    message.set_content(f"{text}\n\n{link}\n")
    return message


def _smtp(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=10)
    if config.get("MAIL_STARTTLS"):
        smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def send_pending_chunk(config) -> int:
    """Send up to CHUNK pending e-mails and stamp them (the caller commits). The rows stay
    locked until then, so two workers never send the same one."""
    now = utcnow()
    notes = _pending(now)
    if not notes:
        return 0
    with current_app.test_request_context(), _smtp(config) as smtp:
        for note in notes:
            with force_locale(note.user.locale or config["BABEL_DEFAULT_LOCALE"]):
                item = shown([note], note.user)[0]
                url = item.ref.url if item.ref else None
                smtp.send_message(_message(config, note, item.text, url))
            note.emailed_at = now
    return len(notes)
