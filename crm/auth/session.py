"""Flask-Login wiring. A session is alive while three things hold:
- the user's nonce in the session id is current (a password change or deactivation changes it
  and so ends every session of the user);
- the login it belongs to (`UserSession`, named by the cookie) was not ended by a logout and is
  younger than the session lifetime;
- the user was active within the idle timeout (setting `session_idle_minutes`): the cookie
  carries the signed time of the last request, refreshed at most once a minute, and polling
  (the alert bell) does not count as activity."""

import secrets
from datetime import timedelta

from flask import current_app, jsonify, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_htmx import make_response as htmx_response
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import joinedload

from crm.auth.models import User, UserSession
from crm.base import utcnow
from crm.extensions import db, htmx, login_manager
from crm.settings.services import get_setting

SESSION_ID, LAST_SEEN = "sid", "seen"
SEEN_RESOLUTION = 60  # seconds: how stale the cookie's "last seen" may get before a rewrite
PASSIVE_ENDPOINTS = frozenset({"notifications.bell"})


def _now() -> int:
    return int(utcnow().timestamp())


def _lifetime() -> timedelta:
    return current_app.permanent_session_lifetime


def _idle_expired() -> bool:
    seen = session.get(LAST_SEEN)
    idle = get_setting("session_idle_minutes") * 60
    return not isinstance(seen, int) or _now() - seen > idle


def _mark_activity() -> None:
    if request.endpoint not in PASSIVE_ENDPOINTS and \
            _now() - session[LAST_SEEN] >= SEEN_RESOLUTION:
        session[LAST_SEEN] = _now()


def load_user(session_id: str) -> User | None:
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not session.get(SESSION_ID) or _idle_expired():
        return None
    user = db.session.scalar(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(user_id), UserSession.id == session[SESSION_ID],
               UserSession.ended_at.is_(None), UserSession.created_at > utcnow() - _lifetime())
        .options(joinedload(User.role_rows), joinedload(User.team)))  # every page shows both
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    _mark_activity()
    return user


def start_session(user: User) -> None:
    """Record a login (after `login_user`); also forgets the user's ended and expired ones."""
    db.session.execute(delete(UserSession).where(
        UserSession.user_id == user.id,
        or_(UserSession.ended_at.is_not(None), UserSession.created_at < utcnow() - _lifetime())))
    session[SESSION_ID] = secrets.token_urlsafe(32)
    session[LAST_SEEN] = _now()
    db.session.add(UserSession(id=session[SESSION_ID], user_id=user.id))


def end_session() -> None:
    """Logout: this login ends on the server, whatever copies of its cookie exist."""
    if sid := session.get(SESSION_ID):
        db.session.execute(update(UserSession).where(UserSession.id == sid)
                           .values(ended_at=utcnow()))


def unauthorized():
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if htmx:
        return htmx_response("", 401, redirect=login_url)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error="login required"), 401
    return redirect(login_url, 303)


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.session_protection = "basic"
