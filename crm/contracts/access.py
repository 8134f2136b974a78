"""Who sees contracts (R-02): owners up their line, directors, admins, and finance."""

from crm.auth import scopes
from crm.contracts.models import Contract


def register_scopes() -> None:
    scopes.register(Contract, scopes.owned_rule(
        Contract.owner_id, all_roles=("director", "admin", "finance")))
