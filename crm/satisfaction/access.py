"""Who reads and answers surveys, who reads improvement plans (R-02, R-34): surveys and plans
are read with their customer (service agents: every customer's); the service desk (agents,
their managers, directors, admins) enters the answers."""

from crm.auth import scopes
from crm.auth.models import User
from crm.customers.access import CUSTOMER_ROLES, is_service_staff
from crm.satisfaction.models import ImprovementPlan, Survey
from crm.service.access import customer_rule

SURVEY_READERS = CUSTOMER_ROLES
SURVEY_TAKERS = ("service", "manager", "director", "admin")


def may_answer(user: User) -> bool:
    """Agents and the service manager (not a sales manager), directors and admins."""
    return user.has_role("director", "admin") or is_service_staff(user)


def register_scopes() -> None:
    scopes.register(Survey, customer_rule(Survey))
    scopes.register(ImprovementPlan, customer_rule(ImprovementPlan))
