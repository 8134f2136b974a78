"""The user picker: one type-ahead control for every choice of a person (owner, assignee,
reassignment, a list's owner filter). Pages carry the chosen person only, never a list of
everyone, so they stay the same size however many people the company has.

Who may be chosen is a named rule (`register_rule`): the users `user` may pick for that
purpose. The suggestions (`/users/suggest/<rule>`), the field's validation and a list
filter's chip all read the same rule."""

from collections.abc import Callable

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import ColumnElement, Select, select

from crm.auth.models import User
from crm.auth.scopes import assignable_owner_query, visible
from crm.extensions import db
from crm.web.lists import Pick
from crm.web.picker import PickedField, picker_html
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("user_picker", __name__)

SUGGESTIONS = 8
TERM_MAX = 50

# A rule: (user, context) -> a SELECT of the users they may choose, or None for nobody. The
# context is a record id some rules need (the complaint being reassigned), "" for most.
Rule = Callable[[User, str], Select | None]
_RULES: dict[str, Rule] = {}


def register_rule(name: str, rule: Rule) -> None:
    _RULES[name] = rule


def choosable(rule: str, of: str = "", user: User | None = None) -> Select | None:
    return _RULES[rule](user or current_user, of)


def suggestions(rule: str, term: str, of: str = "") -> list:
    """The first users the rule allows whose name, pinyin, initials or username contain
    `term`, by pinyin order: one bounded query."""
    term = term.strip()[:TERM_MAX]
    stmt = choosable(rule, of)
    if not term or stmt is None:
        return []
    return list(db.session.execute(
        stmt.with_only_columns(User.id, User.name, User.username)
        .where(matches(term, User.search_key, User.username))
        .order_by(User.search_key, User.id).limit(SUGGESTIONS)))


def allowed_name(rule: str, user_id, of: str = "", user: User | None = None) -> str | None:
    """The user's name if the rule allows `user` (the current user) to choose them, else None."""
    stmt = choosable(rule, of, user)
    if stmt is None or not str(user_id).isdigit():
        return None
    return db.session.scalar(stmt.with_only_columns(User.name).where(User.id == int(user_id)))


def has_others(rule: str, of: str = "") -> bool:
    """Whether the rule offers anyone besides the user (forms hide a choice of only oneself)."""
    stmt = choosable(rule, of)
    return stmt is not None and db.session.scalar(
        stmt.with_only_columns(User.id).where(User.id != current_user.id).limit(1)) is not None


def suggest_url(rule: str, of: str = "") -> str:
    return url_for("user_picker.suggest", rule=rule, **({"of": of} if of else {}))


@bp.get("/users/suggest/<rule>")
@login_required
def suggest(rule: str):
    """The picker's options for what was typed (a fetch fragment); everyone may ask, each
    rule answers with whom the user may choose (nobody, for most rules and roles)."""
    if rule not in _RULES:
        abort(404)
    found = suggestions(rule, request.args.get("q", ""), request.args.get("of", ""))
    return render("auth/_user_suggestions.html", found=found)


class UserField(PickedField):
    """A person chosen in the user picker under `rule`: their id, or None. `kept` (the
    record's current owner) is accepted as it is, though the rule may no longer offer it;
    `of` is the rule's context."""

    placeholder = _l("Name, pinyin or initials")
    invalid_message = _l("Choose someone from the suggestions.")

    def __init__(self, label=None, validators=None, *, rule: str, placeholder=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.rule, self.of, self.kept = rule, "", None
        if placeholder is not None:
            self.placeholder = placeholder

    def suggest_url(self) -> str:
        return suggest_url(self.rule, self.of)

    def allowed_name(self, record_id: int) -> str | None:
        if record_id is not None and record_id == self.kept:
            return db.session.scalar(select(User.name).where(User.id == record_id))
        return allowed_name(self.rule, record_id, self.of)


def user_filter(key: str, label, rule: str, where: Callable[[int], ColumnElement],
                shown: Callable[[], bool] | None = None) -> Pick:
    """A list filter by one person the rule allows: a picker in the filter bar, a chip
    naming them."""

    return Pick(key, label, lambda v: allowed_name(rule, v), lambda v: where(int(v)),
                lambda value, name: filter_picker(key, label, rule, value, name),
                shown or (lambda: choosable(rule) is not None))


def filter_picker(key: str, label, rule: str, value, name: str, shown_label: bool = False
                  ) -> Markup:
    """The picker of a filter bar. Its label is read out; unless the bar shows it
    (`shown_label`, a <label for="filter-KEY">), the placeholder names the filter too."""
    placeholder = UserField.placeholder if shown_label else _(
        "%(filter)s: %(value)s", filter=label, value=UserField.placeholder)
    return picker_html(id=f"filter-{key}", name=key, label=str(label), url=suggest_url(rule),
                       value=value, text=name, placeholder=str(placeholder),
                       text_attrs={} if shown_label else {"aria-label": str(label)})


def register_foundation_rules() -> None:
    """The rules of people in general; domains register their own (complaints, dealers)."""
    register_rule("rep", lambda user, of: assignable_owner_query(user))
    register_rule("owner", lambda user, of: assignable_owner_query(user, ("sales", "manager")))
    register_rule("colleague", lambda user, of: visible(User, user).where(User.active))
