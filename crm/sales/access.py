"""Who sees leads and the pool (R-02, R-12)."""

from crm.auth import scopes
from crm.sales.models import Lead

SELLER_ROLES = ("sales", "manager", "director", "admin")


def register_scopes() -> None:
    scopes.register(Lead, scopes.owned_rule(Lead.owner_id))
