"""Use cases for people: logging in under a rate limit, passwords, users and teams."""

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from crm.auth.models import ROLES, LoginFailure, Team, User, UserRole
from crm.auth.passwords import hash_password, password_problem, verify_password
from crm.base import utcnow
from crm.errors import DomainError
from crm.extensions import db
from crm.settings.services import get_setting


def _keys(username: str, ip: str) -> tuple[str, str]:
    return f"user:{username.strip().lower()}", f"ip:{ip}"


def _lockout_minutes(key: str, limit: int) -> int | None:
    """Minutes until `key` may try again, or None when it is under its limit."""
    window = timedelta(minutes=get_setting("login_window_minutes"))
    since = utcnow() - window
    count, oldest = db.session.execute(
        select(func.count(), func.min(LoginFailure.at)).where(
            LoginFailure.key == key, LoginFailure.at > since
        )
    ).one()
    if count < limit:
        return None
    return max(1, int((oldest + window - utcnow()).total_seconds() // 60) + 1)


def _record_failure(keys: tuple[str, str]) -> None:
    since = utcnow() - timedelta(minutes=get_setting("login_window_minutes"))
    db.session.execute(
        delete(LoginFailure).where(LoginFailure.key.in_(keys), LoginFailure.at <= since)
    )
    db.session.add_all([LoginFailure(key=key) for key in keys])


def authenticate(username: str, password: str, ip: str) -> User:
    """The user whose credentials these are, unless the account or IP is locked out."""
    user_key, ip_key = _keys(username, ip)
    for key, limit in (
        (user_key, get_setting("login_max_failures")),
        (ip_key, get_setting("login_ip_max_failures")),
    ):
        if minutes := _lockout_minutes(key, limit):
            raise DomainError(
                _("Too many failed attempts. Try again in %(n)d minutes.", n=minutes)
            )
    user = db.session.scalar(select(User).where(func.lower(User.username) == user_key[5:]))
    if not verify_password(user.password_hash if user else None, password) or not user.active:
        _record_failure((user_key, ip_key))
        raise DomainError(_("Wrong username or password."), "password")
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == user_key))
    # A plain UPDATE: two simultaneous logins of one user must not conflict on `version`.
    db.session.execute(
        update(User).where(User.id == user.id).values(last_login_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return user


def set_locale(user: User, locale: str) -> None:
    """A preference, not a business change: no version bump, no conflict with an admin's edit."""
    db.session.execute(
        update(User).where(User.id == user.id).values(locale=locale),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(user, ["locale"])


def _renew_sessions(user: User) -> None:
    user.session_nonce = secrets.token_hex(16)


def set_password(user: User, password: str) -> None:
    if problem := password_problem(password, user.username):
        raise DomainError(problem, "password")
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    _renew_sessions(user)


def change_own_password(user: User, old: str, new: str) -> None:
    if not verify_password(user.password_hash, old):
        raise DomainError(_("The current password is wrong."), "old_password")
    set_password(user, new)


def _set_roles(user: User, roles: list[str]) -> None:
    wanted = [r for r in ROLES if r in roles]
    user.role_rows = [row for row in user.role_rows if row.role in wanted]
    have = set(user.roles)
    user.role_rows.extend(UserRole(role=r) for r in wanted if r not in have)


def save_user(user: User | None, *, username: str, name: str, email: str | None,
              team_id: int | None, roles: list[str], password: str | None = None) -> User:
    """Create (user=None, password required) or update a user."""
    taken = db.session.scalar(
        select(User.id).where(func.lower(User.username) == username.lower())
    )
    if taken and (user is None or taken != user.id):
        raise DomainError(_("This username is taken."), "username")
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise DomainError(_("Choose an existing team."), "team_id")
    if user is None:
        user = User(username=username, session_nonce=secrets.token_hex(16))
        set_password(user, password or "")
        db.session.add(user)
    user.username, user.name, user.email, user.team_id = username, name, email or None, team_id
    user.refresh_search_key()
    _set_roles(user, roles)
    return user


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        _renew_sessions(user)


def save_team(team: Team | None, *, name: str, level: str, parent_id: int | None) -> Team:
    taken = db.session.scalar(select(Team.id).where(Team.name == name))
    if taken and (team is None or taken != team.id):
        raise DomainError(_("A team with this name exists."), "name")
    parent = db.session.get(Team, parent_id) if parent_id else None
    allowed_parents = {"hq": {None}, "region": {"hq"}, "team": {"region", "hq"}}[level]
    if (parent.level if parent else None) not in allowed_parents:
        raise DomainError(_level_message(level), "parent_id")
    team = team or Team()
    team.name, team.level, team.parent_id = name, level, parent_id
    db.session.add(team)
    return team


def _level_message(level: str) -> str:
    return {
        "hq": _("Headquarters has no parent."),
        "region": _("A region belongs to headquarters."),
        "team": _("A team belongs to a region or to headquarters."),
    }[level]
