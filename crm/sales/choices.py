"""Choices and list links the sales forms and lists share: which team, which owner or
customer a list is narrowed to (people are chosen in the user picker, crm/auth/picker.py)."""

from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.models import Team, User
from crm.auth.scopes import assignable_teams, record_name
from crm.customers.models import Customer
from crm.extensions import db
from crm.web.lists import Link


def team_choices(current_id: int | None = None) -> list[tuple]:
    """The user's sales teams; a lead's current team stays listed so an edit keeps it."""
    choices = [("", "—")] + [(t.id, t.name) for t in assignable_teams(current_user)]
    if current_id and current_id not in dict(choices):
        choices.append((current_id, db.session.get(Team, current_id).name))
    return choices


def owner_link(model) -> Link:
    return Link("owner", lambda v: _("Owner: %(name)s", name=record_name(User, int(v))),
                lambda v: model.owner_id == int(v))


def customer_link(model) -> Link:
    return Link("customer", lambda v: _("Customer: %(name)s", name=record_name(Customer, int(v))),
                lambda v: model.customer_id == int(v))

