"""Who logs and reads calls (R-02, R-32): everyone who works with customers; each sees the
calls of the customers they may see (service agents: every customer's)."""

from sqlalchemy import select

from crm.auth import scopes
from crm.auth.models import User
from crm.customers.access import CUSTOMER_ROLES
from crm.customers.models import Customer
from crm.service.models import Call

CALL_ROLES = CUSTOMER_ROLES


def _call_rule(user: User):
    if user.has_role("service", "director", "admin"):
        return None
    return Call.customer_id.in_(select(Customer.id).where(scopes.visible_filter(Customer, user)))


def register_scopes() -> None:
    scopes.register(Call, _call_rule)
