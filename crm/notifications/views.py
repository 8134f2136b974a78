"""/notifications: the list (keyset, newest first), mark read, mark all read, the bell."""

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_htmx import make_response as htmx_response
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from crm.auth.scopes import get_visible_or_404, visible
from crm.extensions import db, htmx
from crm.notifications import services
from crm.notifications.models import Notification
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.render import render
from crm.web.search import like_term

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _kinds() -> dict:
    return {"overdue": _("Overdue"), "escalated": _("Escalated"),
            "pool_warning": _("Returning to the pool soon"),
            "pool_return": _("Returned to the pool"), "message": _("Messages")}


NOTIFICATIONS = ListSpec(
    name="notification",
    query=lambda: visible(Notification).options(selectinload(Notification.about_user)),
    id_column=Notification.id,
    columns=(
        Column("what", _l("What")),
        Column("kind", _l("Kind"), sort=(Notification.kind, False), slow_sort=True),
        Column("when", _l("When"), sort=(Notification.id, True)),
        Column("actions", _l("Actions")),
    ),
    default_sort="when",
    filters=(
        Filter("show", _l("Show"), lambda: [("all", _("All")), ("unread", _("Unread"))],
               lambda v: Notification.read_at.is_(None) if v == "unread" else None,
               default="all"),
        Filter.equals("kind", _l("Kind"), _kinds, Notification.kind, _l("All kinds")),
    ),
    # Messages carry their text; alerts are worded when shown, so a search finds messages.
    search=lambda term: Notification.text.ilike(like_term(term), escape="\\"),
    search_hint=_l("Message text"),
    count=False,  # the sweep writes them by the hundred thousand: no total
)


@bp.get("")
@login_required
def index():
    listing = NOTIFICATIONS.run()
    listing.page.rows = services.shown(listing.page.rows)
    return render_list("notifications/index.html", listing, kinds=_kinds(),
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
        return htmx_response(render("notifications/index.html", block="row", row=item,
                                    kinds=_kinds(), listing=NOTIFICATIONS),
                             trigger="notifications-changed")
    return redirect(url_for("notifications.index"), 303)


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
