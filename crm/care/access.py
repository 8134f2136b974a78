"""Who reads and works archives and revisits (R-02): everyone who works with customers reads
the records of the customers they may see (service agents and directors: every customer's);
the responsible agent, the managers above them, directors and admins change them."""

from crm.auth import scopes
from crm.auth.models import User
from crm.care.models import Revisit, ServiceArchive
from crm.customers.access import CUSTOMER_ROLES
from crm.service.access import customer_rule

CARE_READERS = CUSTOMER_ROLES
CARE_HANDLERS = ("service", "manager", "director", "admin")


def may_handle(user: User, record: ServiceArchive | Revisit) -> bool:
    return scopes.manages(user, record.agent_id)


def register_scopes() -> None:
    scopes.register(ServiceArchive, customer_rule(ServiceArchive))
    scopes.register(Revisit, customer_rule(Revisit))
