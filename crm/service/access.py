"""Who logs and reads calls (R-02, R-32): everyone who works with customers; each sees the
calls of the customers they may see (service agents: every customer's)."""

from sqlalchemy import select

from crm.auth import scopes
from crm.auth.models import User
from crm.customers.access import CUSTOMER_ROLES, is_service_staff
from crm.customers.models import Customer
from crm.service.models import Call, Complaint

CALL_ROLES = CUSTOMER_ROLES
COMPLAINT_READERS = CUSTOMER_ROLES
# Who records and handles complaints: service agents, the managers above them, oversight.
COMPLAINT_HANDLERS = ("service", "manager", "director", "admin")


def customer_rule(model):
    """Rows about the customers the user may see (service agents: every customer's)."""

    def rule(user: User):
        if user.has_role("director", "admin") or is_service_staff(user):
            return None
        return model.customer_id.in_(select(Customer.id).where(
            scopes.visible_filter(Customer, user)))

    return rule


def register_scopes() -> None:
    scopes.register(Call, customer_rule(Call))
    scopes.register(Complaint, customer_rule(Complaint))
