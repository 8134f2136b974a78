"""Who sees which customers and whose personal data (R-02, R-05)."""

from flask import g
from sqlalchemy import select

from crm.auth import scopes
from crm.auth.models import User, UserRole
from crm.customers.models import Contact, Customer
from crm.extensions import db

CUSTOMER_ROLES = ("sales", "manager", "director", "admin", "service")
EDITOR_ROLES = ("sales", "manager", "director", "admin")


def is_service_staff(user: User) -> bool:
    """A service agent, or a manager heading a team of them (the service manager): they read
    every customer (R-02). Read once per request."""
    if user.has_role("service"):
        return True
    if not user.has_role("manager"):
        return False
    cache = g.setdefault("crm_service_staff", {})
    if user.id not in cache:
        cache[user.id] = db.session.scalar(
            select(UserRole.user_id).join(User, User.id == UserRole.user_id)
            .where(UserRole.role == "service",
                   User.team_id.in_(scopes.team_subtree_ids(user.team_id))).limit(1)) is not None
    return cache[user.id]


def _customer_rule(user: User):
    if is_service_staff(user):  # the service desk reads every customer
        return None
    return scopes.owned_rule(Customer.owner_id)(user)


def _contact_rule(user: User):
    """The contacts of the customers the user sees, by the owner each contact carries (kept
    by triggers from its customer): a rep's are read in name order from the owner index."""
    if is_service_staff(user):
        return None
    return scopes.owned_rule(Contact.owner_id)(user)


def may_see_personal_data(user: User, owner_id: int | None) -> bool:
    """R-05, the one rule: phones, e-mail and WeChat are shown in full only to the record's
    owner, their managers, directors and admins, and service agents; masked for everyone
    else and in every list."""
    return is_service_staff(user) or scopes.manages(user, owner_id)


def register_scopes() -> None:
    scopes.register(Customer, _customer_rule)
    scopes.register(Contact, _contact_rule)
