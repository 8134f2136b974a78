"""Who works with dealers (R-60..R-63).

The rules (营销中心, 渠道管理部) give channel work to 渠道管理部, under the 营销中心总监 who
oversees every marketing department: the channel role manages dealers, and the **channel
director** is a user with the `director` role (the rules name no separate head of 渠道管理部;
a `manager` role there would be a team lead, not the one who approves partners). Admins may do
everything. Everyone else sees a dealer only through their own deals: a rep reads the dealer
fields of a deal they may see, never the dealer list or page."""

from sqlalchemy import select

from crm.auth import scopes
from crm.auth.models import User, UserRole

CHANNEL_ROLES = ("channel", "director", "admin")
CHANNEL_DIRECTOR_ROLES = ("director", "admin")


def is_channel_director(user: User) -> bool:
    return user.has_role(*CHANNEL_DIRECTOR_ROLES)


def channel_managers(user: User, _of: str = ""):
    """The user picker's rule "channel": a dealer's channel manager is an active member of
    渠道管理部 (the channel role), chosen by those who work with dealers."""
    if not user.has_role(*CHANNEL_ROLES):
        return None
    return (select(User).join(UserRole, UserRole.user_id == User.id)
            .where(User.active, UserRole.role == "channel"))


def _dealer_rule(user: User):
    from crm.channel.models import Dealer
    from crm.sales.models import Deal

    if user.has_role(*CHANNEL_ROLES):
        return None
    own_deals = select(Deal.dealer_id).where(Deal.dealer_id.is_not(None),
                                             scopes.visible_filter(Deal, user))
    return Dealer.id.in_(own_deals)


def register_scopes() -> None:
    from crm.channel.models import (
        Agreement,
        Dealer,
        DealerApplication,
        DealerContact,
        DealerScore,
        DealerTraining,
        DealerWarning,
        MaterialHandout,
    )

    scopes.register(Dealer, _dealer_rule)
    for model in (Agreement, DealerApplication, DealerScore, DealerWarning, DealerTraining,
                  MaterialHandout, DealerContact):
        scopes.register(model, scopes.role_rule(*CHANNEL_ROLES))
