"""/notifications: the list (keyset, newest first), mark read, mark all read, the bell."""

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from crm.auth.scopes import get_visible_or_404, visible
from crm.extensions import db, htmx
from crm.notifications import services
from crm.notifications.models import Notification
from crm.web.pagination import keyset_page
from crm.web.render import render

bp = Blueprint("notifications", __name__, url_prefix="/notifications")
CHANGED = {"HX-Trigger": "notifications-changed"}


def _list_query(show: str):
    stmt = visible(Notification).options(selectinload(Notification.about_user))
    if show == "unread":
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt


@bp.get("")
@login_required
def index():
    show = request.args.get("show", "all")
    page = keyset_page(_list_query(show), Notification.id, Notification.id,
                       request.args.get("after"), count=False)
    page.rows = services.shown(page.rows)
    return render("notifications/index.html", page=page, show=show,
                  unread=services.unread_count(current_user.id))


@bp.get("/bell")
@login_required
def bell():
    return render("notifications/bell.html", unread=services.unread_count(current_user.id),
                  polling=True)


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    note = get_visible_or_404(Notification, notification_id)
    services.mark_read(note)
    db.session.commit()
    if htmx:
        item = services.shown([note])[0]
        return render("notifications/index.html", block="notification_row", item=item), CHANGED
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/open")
@login_required
def open_subject(notification_id: int):
    """Mark read and go to the record the notification is about."""
    note = get_visible_or_404(Notification, notification_id)
    services.mark_read(note)
    db.session.commit()
    ref = services.shown([note])[0].ref
    return redirect(ref.url if ref and ref.url else url_for("notifications.index"), 303)


@bp.post("/read-all")
@login_required
def mark_all_read():
    services.mark_all_read(current_user.id)
    db.session.commit()
    return redirect(url_for("notifications.index", show=request.form.get("show", "all")), 303)
