"""Notifications (R-42): the list, the unread count in the header, mark read, links, e-mail."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from crm.auth.models import Team, User
from crm.base import utcnow
from crm.deadlines import services as deadlines
from crm.deadlines.subjects import register_subject, unregister_subject
from crm.extensions import db
from crm.notifications.models import Notification
from jobs.context import use_app
from jobs.notifications import flush_emails
from tests.conftest import count_queries
from tests.deadlines.helpers import user_id


@pytest.fixture
def user_subjects():
    """Teams and people as subject types, so links and visibility can be checked before the
    domains (customers, leads, ...) register theirs."""
    register_subject("team", Team, "Team", "admin.edit_team", "team_id", lambda t: t.name)
    register_subject("person", User, "Person", "admin.edit_user", "user_id", lambda u: u.name)
    yield
    unregister_subject("team")
    unregister_subject("person")


def _team_id(name="华东销售一组"):
    return db.session.scalar(select(Team.id).where(Team.name == name))


def _alert(app, owner="zhangwei", subject="team", n=1, hours_ago=1):
    with app.app_context():
        subject_id = _team_id() if subject == "team" else user_id("liuyang")
        for _ in range(n):
            deadlines.create("followup", subject, subject_id, user_id(owner),
                             utcnow() - timedelta(hours=hours_ago))
        db.session.commit()
        deadlines.sweep(utcnow())
        db.session.commit()


def _ids(app, username):
    with app.app_context():
        return list(db.session.scalars(select(Notification.id).where(
            Notification.user_id == user_id(username)).order_by(Notification.id)))


def test_the_header_counts_unread_and_the_list_reads_well(app, login, user_subjects):
    _alert(app, n=3)
    rep = login("zhangwei")
    page = rep.get("/").get_data(as_text=True)
    assert 'id="notification-bell"' in page and "load, every 30s" in page
    bell = rep.get("/notifications/bell", htmx=True).get_data(as_text=True)
    assert '<span class="bell-count">3</span>' in bell and "load," not in bell
    listing = rep.get("/notifications").get_data(as_text=True)
    assert listing.count("已逾期：华东销售一组（截止") == 3
    assert "3 条未读" in listing


def test_a_subject_the_user_cannot_see_gets_no_link(app, login, user_subjects):
    _alert(app, subject="person")  # zhangwei may not see liuyang's user record
    (note_id,) = _ids(app, "zhangwei")
    rep = login("zhangwei")
    assert "刘洋" not in rep.get("/notifications").get_data(as_text=True)
    response = rep.post(f"/notifications/{note_id}/open")
    assert response.headers["Location"] == "/notifications"


def test_mark_read_swaps_the_row_and_tells_the_bell(app, login, user_subjects):
    _alert(app, n=2)
    first, second = _ids(app, "zhangwei")
    rep = login("zhangwei")
    response = rep.post(f"/notifications/{first}/read", htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "notifications-changed"
    row = response.get_data(as_text=True)
    assert row.strip().startswith(f'<tr id="notification-{first}" class="read"')
    assert '<span class="bell-count">1</span>' in rep.get("/notifications/bell").get_data(
        as_text=True)
    rep.post("/notifications/read-all")
    assert "bell-count" not in rep.get("/notifications/bell").get_data(as_text=True)
    assert second


def test_opening_goes_to_the_record_and_others_notifications_are_404(app, login,
                                                                      user_subjects):
    _alert(app)
    (note_id,) = _ids(app, "zhangwei")
    rep = login("zhangwei")
    response = rep.post(f"/notifications/{note_id}/open")
    assert response.status_code == 303
    with app.app_context():
        assert response.headers["Location"] == f"/admin/teams/{_team_id()}"
        assert db.session.get(Notification, note_id).read_at is not None
    other = login("liuyang")
    assert other.post(f"/notifications/{note_id}/read").status_code == 404
    assert other.post(f"/notifications/{note_id}/open").status_code == 404


def test_the_list_runs_a_fixed_number_of_queries(app, login, user_subjects):
    _alert(app, n=5)
    rep = login("zhangwei")
    with count_queries(app) as small:
        assert rep.get("/notifications").status_code == 200
    _alert(app, n=80)
    with count_queries(app) as large:
        page = rep.get("/notifications").get_data(as_text=True)
    assert 'id="notification-rows-more"' in page
    assert large.n == small.n


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp(app):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port), MAIL_FROM="crm@example.cn")
    use_app(app)
    yield inbox
    use_app(None)
    app.config.update(MAIL_SERVER=None, MAIL_PORT=None, MAIL_FROM=None)
    controller.stop()


def test_alert_emails_are_sent_once_from_pending_rows(app, people, smtp, user_subjects):
    _alert(app, owner="zhangwei", n=2, hours_ago=30)  # also escalates to wangqiang
    assert flush_emails() == 4
    assert flush_emails() == 0
    recipients = sorted(r for rcpt, _ in smtp.messages for r in rcpt)
    assert recipients == ["wangqiang@example.cn"] * 2 + ["zhangwei@example.cn"] * 2
    assert "http://127.0.0.1:5000/admin/teams/" in smtp.messages[0][1]
    with app.app_context():
        pending = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.emailed_at.is_(None)))
        assert pending == 0


def test_without_mail_settings_nothing_is_sent_and_rows_stay_pending(app, people):
    use_app(app)
    try:
        _alert(app)
        assert flush_emails() == 0
    finally:
        use_app(None)
    with app.app_context():
        assert db.session.scalar(select(Notification.emailed_at)) is None
