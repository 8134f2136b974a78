"""Sessions end on the server (issue 10, defect 1): logout, idle timeout, absolute lifetime."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.auth import session as login_session
from crm.auth.models import UserSession
from crm.base import utcnow
from crm.extensions import db
from tests.conftest import Client
from tests.settings.test_settings import _form as settings_form


def _replay(app, client: Client) -> Client:
    """A second browser holding a copy of `client`'s session cookie."""
    thief = Client(app)
    thief.http.set_cookie("session", client.http.get_cookie("session").value)
    return thief


def _opens_customers(client: Client) -> bool:
    response = client.get("/customers")
    if response.status_code == 303:
        assert response.headers["Location"].startswith("/login")
        return False
    assert response.status_code == 200
    return True


@pytest.fixture
def clock(monkeypatch):
    """Moves the sessions' clock: clock(minutes=61)."""

    def move(**delta):
        later = utcnow() + timedelta(**delta)
        monkeypatch.setattr(login_session, "utcnow", lambda: later)

    return move


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, login):
    rep = login("zhangwei")
    copy = _replay(app, rep)
    assert _opens_customers(copy)
    assert rep.post("/logout").status_code == 303
    assert not _opens_customers(copy)
    assert not _opens_customers(rep)
    with app.app_context():
        assert db.session.scalar(select(UserSession.ended_at)) is not None


def test_logout_ends_only_that_login_not_the_users_other_devices(app, login):
    desk, phone = login("zhangwei"), login("zhangwei")
    phone.post("/logout")
    assert _opens_customers(desk)
    assert not _opens_customers(phone)


def test_an_idle_session_ends_after_the_idle_timeout_setting(app, login, clock):
    rep = login("zhangwei")
    clock(minutes=59)
    assert _opens_customers(rep)  # activity restarts the idle clock
    clock(minutes=59 + 59)
    assert _opens_customers(rep)
    clock(minutes=59 + 59 + 61)
    assert not _opens_customers(rep)


def test_the_idle_timeout_is_a_setting(app, login, clock):
    admin = login("admin")
    response = admin.post("/admin/settings", settings_form(session_idle_minutes=10))
    assert response.status_code == 303
    clock(minutes=11)
    assert not _opens_customers(admin)


def test_polling_the_alert_bell_does_not_keep_a_session_alive(app, login, clock):
    rep = login("zhangwei")
    for minutes in range(10, 60, 10):
        clock(minutes=minutes)
        assert rep.get("/notifications/bell", htmx=True).status_code == 200
    clock(minutes=61)
    response = rep.get("/notifications/bell", htmx=True)
    assert response.status_code == 401 and response.headers["HX-Redirect"].startswith("/login")


def test_a_login_older_than_the_session_lifetime_is_over_even_when_active(app, login, clock):
    rep = login("zhangwei")
    lifetime = int(app.permanent_session_lifetime.total_seconds() // 60)
    for minutes in range(45, lifetime, 45):  # active: never idle for long
        clock(minutes=minutes)
        assert _opens_customers(rep)
    clock(minutes=lifetime + 1)
    assert not _opens_customers(rep)
