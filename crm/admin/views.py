"""Admin pages: users (create, edit, roles, team, deactivate, reset password) and teams."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from crm.auth import services
from crm.auth.access import roles_required
from crm.auth.forms import LEVEL_LABELS, ROLE_LABELS, ResetPasswordForm, TeamForm, UserForm
from crm.auth.models import Team, User, UserRole
from crm.auth.scopes import get_visible_or_404, visible
from crm.extensions import db
from crm.web.edits import saved_redirect, submit_edit
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.search import like_term, matches

bp = Blueprint("admin", __name__, url_prefix="/admin")

USER_FIELDS = ["username", "name", "email", "team_id", "roles"]
TEAM_FIELDS = ["name", "level", "parent_id"]


def _team_choices(blank: str) -> list[tuple]:
    teams = db.session.scalars(select(Team).order_by(Team.level, Team.name)).all()
    return [("", blank)] + [(t.id, f"{t.name} · {LEVEL_LABELS[t.level]}") for t in teams]


USERS = ListSpec(
    name="user",
    query=lambda: visible(User).options(selectinload(User.role_rows)),
    id_column=User.id,
    columns=(
        Column("name", _l("Full name"), sort=(User.search_key, False)),
        Column("username", _l("Username"), sort=(User.username, False)),
        Column("team", _l("Team")),
        Column("roles", _l("Roles")),
        Column("status", _l("Status")),
        Column("created", _l("Created"), sort=(User.created_at, True)),
    ),
    default_sort="name",
    filters=(
        Filter("role", _l("Role"), lambda: ROLE_LABELS, lambda v: User.id.in_(
            select(UserRole.user_id).where(UserRole.role == v)), _l("All roles")),
        Filter("team", _l("Team"), lambda: _team_choices(_("All teams"))[1:],
               lambda v: User.team_id == int(v), _l("All teams")),
        Filter("status", _l("Status"), lambda: [
            ("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("All"))],
            lambda v: None if v == "all" else User.active.is_(v == "active"),
            default="active"),
    ),
    search=lambda term: matches(term, User.search_key, User.username, User.email),
    search_hint=_l("Name, pinyin, username or e-mail"),
    count_text=_l("%(n)s users"),
)


@bp.get("/users")
@roles_required("admin")
def users():
    teams = {t.id: t for t in db.session.scalars(select(Team))}
    return render_list("admin/users.html", USERS.run(), teams=teams)


def _user_page(user: User | None):
    form = UserForm(obj=user)
    if user:
        del form.password  # set at creation only; a reset has its own form
    form.team_id.choices = _team_choices(_("No team"))
    result = submit_edit(form, user, USER_FIELDS, lambda: services.save_user(
        user, username=form.username.data.strip(), name=form.name.data.strip(),
        email=form.email.data, team_id=form.team_id.data, roles=form.roles.data or [],
        password=form.password.data if user is None else None))
    if result.done:
        saved = result.saved
        message = _("Changes saved.") if user else _("User %(name)s created.", name=saved.name)
        return saved_redirect(message, url_for("admin.edit_user", user_id=saved.id))
    return result.render("admin/user_form.html", form=form, user=user,
                         reset_form=ResetPasswordForm() if user else None)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    return _user_page(None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    return _user_page(get_visible_or_404(User, user_id))


@bp.post("/users/<int:user_id>/active")
@roles_required("admin")
def toggle_active(user_id: int):
    user = get_visible_or_404(User, user_id)
    activate = request.form.get("active") == "1"
    services.set_active(user, activate)
    db.session.commit()
    message = _("%(name)s can log in again.") if activate else _(
        "%(name)s was deactivated and logged out everywhere.")
    flash(message % {"name": user.name}, "success")
    return redirect(url_for("admin.edit_user", user_id=user.id), 303)


@bp.post("/users/<int:user_id>/password")
@roles_required("admin")
def reset_password(user_id: int):
    user = get_visible_or_404(User, user_id)
    reset_form = ResetPasswordForm()
    result = submit_edit(reset_form, None, [], lambda: services.set_password(
        user, reset_form.password.data))
    if result.done:
        return saved_redirect(_("Password reset; %(name)s's sessions were ended.",
                                name=user.name), url_for("admin.edit_user", user_id=user.id))
    form = UserForm(formdata=None, obj=user)
    form.team_id.choices = _team_choices(_("No team"))
    return result.render("admin/user_form.html", form=form, user=user, reset_form=reset_form)


TEAMS = ListSpec(
    name="team",
    query=lambda: visible(Team).options(joinedload(Team.parent)),
    id_column=Team.id,
    columns=(
        Column("name", _l("Name"), sort=(Team.name, False)),
        Column("level", _l("Level"), sort=(Team.level, False)),  # hq, region, team
        Column("parent", _l("Part of")),
        Column("managers", _l("Managers")),
        Column("members", _l("Active members")),
    ),
    default_sort="level",
    filters=(Filter.equals("level", _l("Level"), lambda: LEVEL_LABELS, Team.level,
                           _l("All levels")),),
    search=lambda term: Team.name.ilike(like_term(term), escape="\\"),
    search_hint=_l("Team name"),
    count_text=_l("%(n)s teams"),
)


@bp.get("/teams")
@roles_required("admin")
def teams():
    counts = dict(db.session.execute(
        select(User.team_id, db.func.count()).where(User.active).group_by(User.team_id)).all())
    return render_list("admin/teams.html", TEAMS.run(), counts=counts,
                       managers=_managers_by_team(), level_labels=LEVEL_LABELS)


def _managers_by_team() -> dict[int, list[str]]:
    rows = db.session.execute(
        select(User.team_id, User.name).join(UserRole).where(
            UserRole.role == "manager", User.active)
    )
    found: dict[int, list[str]] = {}
    for team_id, name in rows:
        found.setdefault(team_id, []).append(name)
    return found


@bp.route("/teams/new", methods=["GET", "POST"], defaults={"team_id": None})
@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_team(team_id: int | None):
    team = get_visible_or_404(Team, team_id) if team_id else None
    form = TeamForm(obj=team)
    form.parent_id.choices = _team_choices(_("No parent"))
    result = submit_edit(form, team, TEAM_FIELDS, lambda: services.save_team(
        team, name=form.name.data.strip(), level=form.level.data,
        parent_id=form.parent_id.data))
    if result.done:
        return saved_redirect(_("Team saved."), url_for("admin.teams"))
    return result.render("admin/team_form.html", form=form, team=team)
