"""Which rows a user may see (R-02, R-03): the one place that says so.

Each model registers a rule: a function of the user that returns a WHERE clause, or None for
"every row". Views load records only through `visible(...)` and `get_visible_or_404(...)`, so
search, lists and exports inherit the same answer, and someone else's id is a 404.
"""

from collections.abc import Callable

from flask import abort, g
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, false, select, true

from crm.auth.models import Team, User
from crm.extensions import db

Rule = Callable[[User], ColumnElement[bool] | None]
_RULES: dict[type, Rule] = {}


def register(model: type, rule: Rule) -> None:
    _RULES[model] = rule


def visible_filter(model: type, user: User | None = None) -> ColumnElement[bool]:
    user = user or current_user
    if not user or not user.is_authenticated:
        return false()
    clause = _RULES[model](user)
    return true() if clause is None else clause


def visible(model: type, user: User | None = None) -> Select:
    return select(model).where(visible_filter(model, user))


def get_visible_or_404(model: type, record_id: int, user: User | None = None):
    record = db.session.scalar(visible(model, user).where(model.id == record_id))
    if record is None:
        abort(404)
    return record


def get_editable_or_404(model: type, record_id: int, owner_of=lambda record: record.owner_id):
    """The record if the user may edit it: one they cannot see is a 404, one they see but do
    not manage (R-02; e.g. a service agent reading a customer) a 403."""
    record = get_visible_or_404(model, record_id)
    if not manages(current_user, owner_of(record)):
        abort(403)
    return record


def team_subtree_ids(team_id: int | None) -> set[int]:
    """The team and every team below it (headquarters > region > team)."""
    if team_id is None:
        return set()
    cache = g.setdefault("crm_team_children", {})
    if not cache:
        for tid, parent in db.session.execute(select(Team.id, Team.parent_id)):
            cache.setdefault(parent, []).append(tid)
    found, todo = set(), [team_id]
    while todo:
        tid = todo.pop()
        found.add(tid)
        todo.extend(cache.get(tid, []))
    return found


def managed_user_ids(user: User) -> Select:
    """Ids of the users in the teams a manager leads (their own team and below)."""
    return select(User.id).where(User.team_id.in_(team_subtree_ids(user.team_id)))


def choosable_team_ids(user: User) -> set[int] | None:
    """Teams the user may file a record under: any (None) for directors and admins, their
    team and the teams below it for managers, their own team for everyone else."""
    if user.has_role("director", "admin"):
        return None
    if user.has_role("manager"):
        return team_subtree_ids(user.team_id)
    return {user.team_id} if user.team_id is not None else set()


def owned_rule(owner_column, *, all_roles: tuple[str, ...] = ("director", "admin")) -> Rule:
    """Own rows for everyone, the team's for managers, all for `all_roles` (R-02)."""

    def rule(user: User):
        if user.has_role(*all_roles):
            return None
        if user.has_role("manager"):
            return owner_column.in_(managed_user_ids(user))
        return owner_column == user.id

    return rule


def manages(user: User, owner_id: int | None) -> bool:
    """The user owns the record, manages its owner, or oversees everything (R-02): who may
    edit the records they can see."""
    if user.has_role("director", "admin"):
        return True
    if owner_id is None:
        return False
    if owner_id == user.id:
        return True
    return user.has_role("manager") and owner_id in set(db.session.scalars(managed_user_ids(user)))


def role_rule(*roles: str) -> Rule:
    """Every row for the given roles, none for anyone else."""

    def rule(user: User):
        return None if user.has_role(*roles) else false()

    return rule


def _user_rule(user: User):
    if user.has_role("admin", "director"):
        return None
    if user.has_role("manager"):
        return User.id.in_(managed_user_ids(user))
    return User.id == user.id


def register_foundation() -> None:
    register(User, _user_rule)
    register(Team, lambda user: None)
