"""Flask-Login wiring: the session id carries a nonce, so changing it ends every session."""

from flask import jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.auth.models import User
from crm.extensions import db, htmx, login_manager


def load_user(session_id: str) -> User | None:
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.scalar(select(User).where(User.id == int(user_id))
                             .options(joinedload(User.role_rows)))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def unauthorized():
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if htmx:
        return "", 401, {"HX-Redirect": login_url}
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error="login required"), 401
    return redirect(login_url)


def init_login(app) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.session_protection = "basic"
