"""Login, logout, own password and language."""

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from crm.auth import services
from crm.auth.demo import demo_logins
from crm.auth.forms import LoginForm, PasswordChangeForm
from crm.auth.session import end_session, start_session
from crm.errors import DomainError
from crm.extensions import db
from crm.settings.services import get_setting
from crm.web.edits import saved_redirect, submit_edit
from crm.web.redirects import safe_next
from crm.web.render import render

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"), 303)
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data,
                                         request.remote_addr or "")
        except DomainError as error:
            db.session.commit()  # the failure counts even though the login is refused
            form.add_error(error.field or "username", error.message)
        else:
            lang = session.get("lang")
            session.clear()  # a fresh session at login (no fixation)
            login_user(user)
            start_session(user)
            if user.locale is None and lang:
                services.set_locale(user, lang)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")), 303)
    status = 422 if form.is_submitted() else 200
    demo = demo_logins() if current_app.config["CRM_DEMO"] else None
    return render("auth/login.html", status=status, form=form, demo=demo)


@bp.post("/logout")
@login_required
def logout():
    lang = str(get_locale())
    end_session()
    db.session.commit()
    logout_user()
    session.clear()
    session["lang"] = lang  # the login page stays in the user's language
    flash(_("You have logged out."), "success")
    return redirect(url_for("auth.login"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    result = submit_edit(form, None, [], lambda: services.change_own_password(
        current_user, form.old_password.data, form.password.data))
    if result.done:
        # The nonce changed: this session is renewed, every other one ends.
        login_user(current_user._get_current_object())
        return saved_redirect(_("Your password was changed. Other sessions were logged out."),
                              url_for("dashboard.home"))
    return result.render("auth/password.html", form=form,
                         min_length=get_setting("password_min_length"))


@bp.post("/language")
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated:
            services.set_locale(current_user, lang)
            db.session.commit()
    return redirect(safe_next(request.form.get("next")), 303)
