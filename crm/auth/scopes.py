"""Which rows a user may see (R-02, R-03): the one place that says so.

Each model registers a rule: a function of the user that returns a WHERE clause, or None for
"every row". Views load records only through `visible(...)` and `get_visible_or_404(...)`, so
search, lists and exports inherit the same answer, and someone else's id is a 404.
"""

from collections.abc import Callable

from flask import abort, g
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, false, or_, select, true

from crm.auth.models import Team, User, UserRole
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


def _team_children() -> dict[int | None, list[int]]:
    """Each team's children, read once per request."""
    cache = g.setdefault("crm_team_children", {})
    if not cache:
        for tid, parent in db.session.execute(select(Team.id, Team.parent_id)):
            cache.setdefault(parent, []).append(tid)
    return cache


def record_name(model: type, record_id: int, column: str = "name") -> str:
    """A visible record's name (for a filter chip), or its id when it is not visible."""
    name = db.session.scalar(visible(model).with_only_columns(getattr(model, column))
                             .where(model.id == record_id))
    return name or f"#{record_id}"


def team_subtree_ids(team_id: int | None) -> set[int]:
    """The team and every team below it (headquarters > region > team)."""
    if team_id is None:
        return set()
    cache = _team_children()
    found, todo = set(), [team_id]
    while todo:
        tid = todo.pop()
        found.add(tid)
        todo.extend(cache.get(tid, []))
    return found


def managed_user_ids(user: User) -> Select:
    """Ids of the users in the teams a manager leads (their own team and below)."""
    return select(User.id).where(User.team_id.in_(team_subtree_ids(user.team_id)))


def _team_line_ids(team_id: int | None) -> set[int]:
    """The team and the teams above it, up to the headquarters."""
    parents = {child: parent for parent, children in _team_children().items()
               for child in children}
    found = set()
    while team_id is not None and team_id not in found:
        found.add(team_id)
        team_id = parents.get(team_id)
    return found


def assignable_owner_query(user: User, roles: tuple[str, ...] = ("sales",)) -> Select:
    """Who `user` may give a lead or deal to: themselves, and the active sales reps they can
    see (their team's for a manager, every rep for a director) (R-02, R-12); a customer also
    to the managers they see (`roles`)."""
    holders = select(UserRole.user_id).where(UserRole.role.in_(roles))
    return visible(User, user).where(User.active, or_(User.id == user.id, User.id.in_(holders)))


def managers_of(user: User) -> list[int]:
    """The active managers heading the user's team or a team above it."""
    return list(db.session.scalars(
        select(User.id).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "manager", User.active,
               User.team_id.in_(_team_line_ids(user.team_id))).order_by(User.id)))


def assignable_owners(user: User) -> list:
    """`assignable_owner_query` as rows of `id` and `name`: a director's list holds every rep
    (figures per rep; forms choose in the user picker)."""
    stmt = assignable_owner_query(user).with_only_columns(User.id, User.name)
    return list(db.session.execute(stmt.order_by(User.search_key)))


def assignable_teams(user: User) -> list[Team]:
    """The sales teams a record of `user` may belong to: a rep's own team, a
    manager's teams (their own and below), for directors and admins every team that holds
    sales reps. Never the headquarters nor a support department (法务部, 财务部)."""
    with_reps = set(db.session.scalars(
        select(User.team_id).join(UserRole, UserRole.user_id == User.id)
        .where(User.active, UserRole.role == "sales", User.team_id.is_not(None)).distinct()))
    selling = set().union(*(_team_line_ids(team_id) for team_id in with_reps))
    if user.has_role("director", "admin"):
        allowed = selling
    elif user.has_role("manager"):
        allowed = team_subtree_ids(user.team_id) & selling
    else:
        allowed = {user.team_id} & selling
    teams = db.session.scalars(select(Team).where(Team.id.in_(allowed), Team.level != "hq")
                               .order_by(Team.level, Team.name))
    return list(teams)


def choosable_team_ids(user: User) -> set[int] | None:
    """Teams the user may file a record under (the server's rule behind the choices of
    `assignable_teams`): any (None) for directors and admins."""
    if user.has_role("director", "admin"):
        return None
    return {team.id for team in assignable_teams(user)}


def owned_rule(owner_column, *, all_roles: tuple[str, ...] = ("director", "admin")) -> Rule:
    """Own rows for everyone, the team's for managers, all for `all_roles` (R-02)."""

    def rule(user: User):
        if user.has_role(*all_roles):
            return None
        if user.has_role("manager"):
            return walked(owner_column).in_(managed_user_ids(user))
        return owner_column == user.id

    return rule


def walked(owner_column):
    """The owner column of a team's scope. SQLite reads the team's rows through the owner
    index and sorts them all for a page of fifty; `+ 0` keeps it off that index, so it walks
    the list's sort index and filters by owner, stopping at the page (issue 13). PostgreSQL
    weighs both plans by itself."""
    return owner_column + 0 if db.session.get_bind().dialect.name == "sqlite" else owner_column


def owners_seen(user: User) -> list[int] | None:
    """The owners whose records `owned_rule` shows the user, as a list (None: everyone's).
    Figures summed per owner filter on this list: a database plans a literal list like any
    other condition, while the subquery of `owned_rule` makes SQLite walk the owner index
    (a team's every row) instead of a narrower one."""
    if user.has_role("director", "admin"):
        return None
    if user.has_role("manager"):
        return list(db.session.scalars(managed_user_ids(user)))
    return [user.id]


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
