"""Who sees leads, deals and products (R-02, R-12)."""

from crm.auth import scopes
from crm.auth.models import User
from crm.sales.models import Deal, DealStageTotal, Lead, Product

SELLER_ROLES = ("sales", "manager", "director", "admin")
DEAL_READER_ROLES = (*SELLER_ROLES, "service")
PRODUCT_EDITOR_ROLES = ("product", "admin")
FEEDBACK_READERS = ("product", "director", "admin")  # a product's feedback page


def _deal_rule(owner_column) -> scopes.Rule:
    def rule(user: User):
        if user.has_role("service"):  # service agents read every deal
            return None
        return scopes.owned_rule(owner_column)(user)

    return rule


def register_scopes() -> None:
    scopes.register(Lead, scopes.owned_rule(Lead.owner_id))
    scopes.register(Deal, _deal_rule(Deal.owner_id))
    # the board's column totals: the same owners' deals, summed per owner
    scopes.register(DealStageTotal, _deal_rule(DealStageTotal.owner_id))
    scopes.register(Product, lambda user: None)
