"""Who sees which customers and whose personal data (R-02, R-05)."""

from sqlalchemy import select

from crm.auth import scopes
from crm.auth.models import User
from crm.customers.models import Contact, Customer

CUSTOMER_ROLES = ("sales", "manager", "director", "admin", "service")
EDITOR_ROLES = ("sales", "manager", "director", "admin")


def _customer_rule(user: User):
    if user.has_role("service"):  # service agents read every customer
        return None
    return scopes.owned_rule(Customer.owner_id)(user)


def _contact_rule(user: User):
    clause = _customer_rule(user)
    if clause is None:
        return None
    return Contact.customer_id.in_(select(Customer.id).where(clause))


def may_see_personal_data(user: User, owner_id: int | None) -> bool:
    """R-05, the one rule: phones, e-mail and WeChat are shown in full only to the record's
    owner, their managers, directors and admins, and service agents; masked for everyone
    else and in every list."""
    return user.has_role("service") or scopes.manages(user, owner_id)


def register_scopes() -> None:
    scopes.register(Customer, _customer_rule)
    scopes.register(Contact, _contact_rule)
