"""Admin pages: users (create, edit, roles, team, deactivate, reset password) and teams."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from crm.auth import services
from crm.auth.access import roles_required
from crm.auth.forms import LEVEL_LABELS, ResetPasswordForm, TeamForm, UserForm
from crm.auth.models import ROLES, Team, User, UserRole
from crm.auth.scopes import get_visible_or_404, visible
from crm.extensions import db
from crm.web import submissions
from crm.web.conflict import is_stale, reload_with_conflict
from crm.web.pagination import keyset_page
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("admin", __name__, url_prefix="/admin")

USER_SORTS = {"name": User.search_key, "username": User.username, "created": User.created_at}
USER_FIELDS = ["username", "name", "email", "team_id", "roles"]
TEAM_FIELDS = ["name", "level", "parent_id"]


def _team_choices(blank: str) -> list[tuple]:
    teams = db.session.scalars(select(Team).order_by(Team.level, Team.name)).all()
    return [("", blank)] + [(t.id, f"{t.name} · {LEVEL_LABELS[t.level]}") for t in teams]


def _user_filters() -> dict:
    return {
        "q": request.args.get("q", "").strip(),
        "role": request.args.get("role", ""),
        "team": request.args.get("team", type=int),
        "status": request.args.get("status", "active"),
        "sort": request.args.get("sort", "name"),
    }


def _user_query(f: dict):
    stmt = visible(User)
    if f["q"]:
        stmt = stmt.where(matches(f["q"], User.search_key, User.username, User.email))
    if f["role"] in ROLES:
        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == f["role"])))
    if f["team"]:
        stmt = stmt.where(User.team_id == f["team"])
    if f["status"] in ("active", "inactive"):
        stmt = stmt.where(User.active.is_(f["status"] == "active"))
    return stmt


@bp.get("/users")
@roles_required("admin")
def users():
    f = _user_filters()
    sort_col = USER_SORTS.get(f["sort"], User.search_key)
    page = keyset_page(_user_query(f), sort_col, User.id, request.args.get("after"),
                       descending=f["sort"] == "created")
    teams = {t.id: t for t in db.session.scalars(select(Team))}
    return render("admin/users.html", page=page, filters=f, teams=teams,
                  team_choices=_team_choices(_("All teams")))


def _save_user_from(form: UserForm, user: User | None) -> User | None:
    try:
        return services.save_user(
            user, username=form.username.data.strip(), name=form.name.data.strip(),
            email=form.email.data, team_id=form.team_id.data, roles=form.roles.data or [],
            password=form.password.data if user is None else None,
        )
    except services.AuthError as error:
        form.add_error(error.field, error.message)
        return None


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = UserForm()
    form.team_id.choices = _team_choices(_("No team"))
    if form.validate_on_submit():
        if earlier := submissions.claim(form):
            return redirect(earlier, 303)
        if user := _save_user_from(form, None):
            db.session.flush()
            return submissions.created(form, url_for("admin.edit_user", user_id=user.id),
                                       _("User %(name)s created.", name=user.name))
    status = 422 if form.is_submitted() else 200
    return render("admin/user_form.html", status=status, form=form, user=None, conflicts=[])


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    user = get_visible_or_404(User, user_id)
    form = UserForm(obj=user)
    del form.password  # set at creation only; a reset has its own form
    form.team_id.choices = _team_choices(_("No team"))
    status, conflicts = 200, []
    if form.validate_on_submit():
        if is_stale(form, user):
            conflicts, status = reload_with_conflict(form, user, USER_FIELDS), 409
        elif _save_user_from(form, user):
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
        else:
            status = 422
    elif form.is_submitted():
        status = 422
    return render("admin/user_form.html", status=status, form=form, user=user,
                  conflicts=conflicts, reset_form=ResetPasswordForm())


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
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/password")
@roles_required("admin")
def reset_password(user_id: int):
    user = get_visible_or_404(User, user_id)
    reset_form = ResetPasswordForm()
    if reset_form.validate_on_submit():
        try:
            services.set_password(user, reset_form.password.data)
        except services.AuthError as error:
            reset_form.add_error("password", error.message)
        else:
            db.session.commit()
            flash(_("Password reset; %(name)s's sessions were ended.", name=user.name), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    form = UserForm(formdata=None, obj=user)
    form.team_id.choices = _team_choices(_("No team"))
    return render("admin/user_form.html", status=422, form=form, user=user, conflicts=[],
                  reset_form=reset_form)


@bp.get("/teams")
@roles_required("admin")
def teams():
    all_teams = db.session.scalars(select(Team).order_by(Team.name)).all()
    counts = dict(db.session.execute(
        select(User.team_id, db.func.count()).where(User.active).group_by(User.team_id)).all())
    managers = _managers_by_team()
    return render("admin/teams.html", tree=_tree(all_teams), counts=counts, managers=managers,
                  level_labels=LEVEL_LABELS)


def _managers_by_team() -> dict[int, list[str]]:
    rows = db.session.execute(
        select(User.team_id, User.name).join(UserRole).where(
            UserRole.role == "manager", User.active)
    )
    found: dict[int, list[str]] = {}
    for team_id, name in rows:
        found.setdefault(team_id, []).append(name)
    return found


def _tree(teams: list[Team]) -> list[tuple[int, Team]]:
    """Teams in display order with their depth (headquarters, regions, teams)."""
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        children.setdefault(team.parent_id, []).append(team)
    ordered: list[tuple[int, Team]] = []

    def walk(parent_id, depth):
        for team in children.get(parent_id, []):
            ordered.append((depth, team))
            walk(team.id, depth + 1)

    walk(None, 0)
    return ordered


def _save_team_from(form: TeamForm, team: Team | None) -> Team | None:
    try:
        return services.save_team(team, name=form.name.data.strip(), level=form.level.data,
                                  parent_id=form.parent_id.data)
    except services.AuthError as error:
        form.add_error(error.field, error.message)
        return None


@bp.route("/teams/new", methods=["GET", "POST"], defaults={"team_id": None})
@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_team(team_id: int | None):
    team = get_visible_or_404(Team, team_id) if team_id else None
    form = TeamForm(obj=team)
    form.parent_id.choices = _team_choices(_("No parent"))
    status, conflicts = 200, []
    if form.validate_on_submit():
        if team and is_stale(form, team):
            conflicts, status = reload_with_conflict(form, team, TEAM_FIELDS), 409
        elif team is None and (earlier := submissions.claim(form)):
            return redirect(earlier, 303)
        elif _save_team_from(form, team):
            submissions.fulfil(form, url_for("admin.teams"))
            db.session.commit()
            flash(_("Team saved."), "success")
            return redirect(url_for("admin.teams"))
        else:
            status = 422
    elif form.is_submitted():
        status = 422
    return render("admin/team_form.html", status=status, form=form, team=team,
                  conflicts=conflicts)
