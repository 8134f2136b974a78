"""Reading notifications: the unread count, how each one reads, marking them read."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from crm.base import utcnow
from crm.deadlines.kinds import kind_label
from crm.deadlines.subjects import SubjectRef, load_refs
from crm.extensions import db
from crm.notifications.models import Notification
from crm.settings.services import get_setting
from crm.web.formatting import moment

UNREAD_CAP = 99


@dataclass
class Shown:
    """A notification as a page shows it."""

    note: Notification
    text: str
    ref: SubjectRef | None


def unread_count(user_id: int) -> int:
    """Unread notifications, counted up to UNREAD_CAP + 1 (the badge says 99+)."""
    rows = (select(Notification.id).where(Notification.user_id == user_id,
                                          Notification.read_at.is_(None))
            .limit(UNREAD_CAP + 1).subquery())
    return db.session.scalar(select(func.count()).select_from(rows))


def describe(note: Notification, ref: SubjectRef | None) -> str:
    what = str(kind_label(note.deadline_kind))
    title = ref.title if ref and ref.title else (str(ref.label) if ref else "")
    values = {"kind": what, "title": title, "due": moment(note.due_at)}
    if note.kind == "overdue":
        return _("%(kind)s overdue: %(title)s (due %(due)s)", **values)
    if note.kind == "escalated":
        owner = note.about_user.name if note.about_user else ""
        return _("%(owner)s's %(kind)s is overdue: %(title)s (due %(due)s)", owner=owner,
                 **values)
    if note.kind == "pool_warning":
        return _("No follow-up on %(title)s: it returns to the shared pool within %(days)s "
                 "days unless it is followed up.", days=get_setting("pool_warning_days"),
                 title=ref.title if ref and ref.title else note.text)
    if note.kind == "pool_return":
        return _("No follow-up for %(days)s days: %(title)s went back to the shared pool.",
                 days=get_setting("pool_return_days"),
                 title=ref.title if ref and ref.title else note.text)
    return note.text or ""


def shown(notes: list[Notification], user=None) -> list[Shown]:
    refs = load_refs(((n.subject_type, n.subject_id) for n in notes), user)
    out = []
    for note in notes:
        ref = refs.get((note.subject_type, note.subject_id))
        out.append(Shown(note, describe(note, ref), ref))
    return out


def mark_read(note: Notification) -> None:
    if note.read_at is None:
        note.read_at = utcnow()


def mark_all_read(user_id: int) -> int:
    return db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    ).rowcount


def notify(user_id: int, text: str, subject_type: str | None = None,
           subject_id: int | None = None, kind: str = "message") -> Notification:
    """A plain notification (e.g. "a follow-up was assigned to you")."""
    note = Notification(user_id=user_id, kind=kind, text=text, subject_type=subject_type,
                        subject_id=subject_id)
    db.session.add(note)
    return note
