"""Use cases of campaigns and their approvals (R-50, R-51). Nothing here commits.

Budget approval by amount: up to `campaign_approval_threshold` the supervisor (a manager heading
the campaign's department), above it a director. A purchase goes department head → finance →
CEO, strictly in order. Nobody decides a request they wrote or a campaign they own; a
rejection needs a reason and returns the request to its author, who may submit it again. An
emergency execution goes ahead at once, visibly marked, with a clock (kind
`campaign_emergency`) until its approvals are recorded afterwards."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import and_, false, or_, select

from crm.audit.models import Approval
from crm.auth.models import User, UserRole
from crm.auth.scopes import team_subtree_ids
from crm.base import utcnow
from crm.campaigns import EMERGENCY_KIND, SUBJECT, phases
from crm.campaigns.models import PURCHASE_CHAIN, Campaign, CampaignCost, CampaignRequest
from crm.deadlines import services as deadlines
from crm.errors import DomainError
from crm.extensions import db
from crm.notifications.services import notify
from crm.settings.services import get_setting
from crm.web.formatting import money

CAMPAIGN_FIELDS = ("name", "kind", "starts_on", "ends_on", "department_id", "budget",
                   "goal_leads", "goal_deals", "goal_revenue", "note")
EDITABLE = ("draft", "rejected")
# Where the status may go by hand (approval moves it from awaiting_approval).
MOVES = {
    "draft": ("cancelled",),
    "rejected": ("cancelled",),
    "approved": ("running", "cancelled"),
    "running": ("closing",),
    "closing": ("closed",),
}
DEPARTMENT_ROLES = ("supervisor", "department_head")
COST_STATUSES = ("approved", "running", "closing")  # costs once approved, until closed


def save_campaign(campaign: Campaign | None, values: dict, by: User) -> Campaign:
    if campaign is not None and campaign.status not in EDITABLE:
        raise DomainError(_("Only a draft or a rejected campaign can be changed."))
    if values["ends_on"] < values["starts_on"]:
        raise DomainError(_("The end is before the start."), "ends_on")
    if campaign is None:
        campaign = Campaign(owner_id=by.id, status="draft")
        db.session.add(campaign)
    for key in CAMPAIGN_FIELDS:
        setattr(campaign, key, values[key])
    campaign.name = campaign.name.strip()
    campaign.refresh_keys()
    db.session.flush()
    return campaign


def budget_chain(amount: Decimal) -> tuple[str, ...]:
    """R-51: up to the threshold (inclusive) the supervisor, above it the director."""
    return ("supervisor",) if amount <= get_setting("campaign_approval_threshold") \
        else ("director",)


def _open_request(chain: tuple[str, ...], campaign: Campaign, kind: str, amount: Decimal,
                  by: User, emergency: bool, cost: CampaignCost | None = None):
    request = CampaignRequest(campaign_id=campaign.id, cost=cost, kind=kind, amount=amount,
                              chain=",".join(chain), step=0, waiting_role=chain[0],
                              status="pending", emergency=emergency, author_id=by.id,
                              submitted_at=utcnow())
    db.session.add(request)
    db.session.flush()
    _notify_approvers(request, campaign, by)
    if emergency:
        deadlines.start_clock(EMERGENCY_KIND, SUBJECT, campaign.id, by.id)
    return request


def submit(campaign: Campaign, by: User, emergency: bool = False) -> CampaignRequest:
    """Ask for the budget's approval (again, after a rejection). An emergency execution
    approves the campaign at once and waits for the approval afterwards."""
    if campaign.status not in EDITABLE:
        raise DomainError(_("Only a draft or a rejected campaign can be submitted."))
    request = _open_request(budget_chain(campaign.budget), campaign, "budget", campaign.budget,
                            by, emergency)
    campaign.status = "approved" if emergency else "awaiting_approval"
    campaign.emergency = campaign.emergency or emergency
    if emergency:
        phases.plan(campaign)
    return request


def add_cost(campaign: Campaign, values: dict, by: User,
             emergency: bool = False) -> CampaignCost:
    """An actual cost line; a purchase starts its approval chain (R-51)."""
    if campaign.status not in COST_STATUSES:
        raise DomainError(_("Costs are recorded once the campaign is under way."))
    if values["amount"] <= 0:
        raise DomainError(_("Must be more than zero."), "amount")
    cost = CampaignCost(campaign_id=campaign.id, what=values["what"].strip(),
                        amount=values["amount"], spent_on=values["spent_on"],
                        is_purchase=values["is_purchase"], created_by_id=by.id)
    db.session.add(cost)
    db.session.flush()
    if cost.is_purchase:
        _open_request(PURCHASE_CHAIN, campaign, "purchase", cost.amount, by, emergency, cost)
        campaign.emergency = campaign.emergency or emergency
    return cost


def resubmit(request: CampaignRequest, by: User) -> CampaignRequest:
    """A rejected purchase, asked again by its author (a budget goes through `submit`)."""
    if request.status != "rejected" or request.kind != "purchase":
        raise DomainError(_("Only a rejected purchase can be submitted again."))
    if request.author_id != by.id:
        raise DomainError(_("Only its author submits a request again."))
    return _open_request(PURCHASE_CHAIN, request.campaign, "purchase", request.amount, by,
                         False, request.cost)


def may_decide(user: User, role: str, campaign: Campaign) -> bool:
    """The user plays this approver role for the campaign."""
    if role in DEPARTMENT_ROLES:
        return user.has_role("manager") and campaign.department_id in team_subtree_ids(
            user.team_id)
    return user.has_role(role)


def decide(request: CampaignRequest, by: User, approve: bool, comment: str | None) -> Approval:
    """One step of the chain, recorded as an Approval row (who, when, decision, comment)."""
    comment = (comment or "").strip() or None
    campaign = request.campaign
    if request.status != "pending":
        raise DomainError(_("This request has already been decided."))
    if by.id in (request.author_id, campaign.owner_id):
        raise DomainError(_("Nobody approves their own request."))
    if not may_decide(by, request.waiting_role, campaign):
        raise DomainError(_("This step waits for someone else."))
    if not approve and not comment:
        raise DomainError(_("Give the reason for the rejection."), "comment")
    decision = "rejected" if not approve else (
        "recorded_after" if request.emergency else "approved")
    approval = Approval(user_id=by.id, subject_type=SUBJECT, subject_id=campaign.id,
                        action=f"{request.kind}:{request.waiting_role}", decision=decision,
                        note=comment, at=utcnow())
    db.session.add(approval)
    if approve:
        _advance(request, by)
    else:
        _reject(request, by, comment)
    return approval


def approvers(role: str, campaign: Campaign) -> list[User]:
    """The active users who play this approver role for the campaign."""
    held = "manager" if role in DEPARTMENT_ROLES else role
    users = db.session.scalars(select(User).join(UserRole, UserRole.user_id == User.id)
                               .where(UserRole.role == held, User.active))
    return [user for user in users if may_decide(user, role, campaign)]


def _notify_approvers(request: CampaignRequest, campaign: Campaign, by: User) -> None:
    for user in approvers(request.waiting_role, campaign):
        if user.id not in (request.author_id, campaign.owner_id):
            notify(user.id, _("%(name)s asks for your approval: %(campaign)s, %(amount)s",
                              name=by.name, campaign=campaign.name,
                              amount=money(request.amount)), SUBJECT, campaign.id)


def _advance(request: CampaignRequest, by: User) -> None:
    request.step += 1
    if request.step < len(request.roles):
        request.waiting_role = request.roles[request.step]
        _notify_approvers(request, request.campaign, request.author)
        return
    request.status, request.waiting_role = "approved", None
    campaign = request.campaign
    if request.kind == "budget" and campaign.status == "awaiting_approval":
        campaign.status = "approved"
        phases.plan(campaign)
    if request.emergency:
        deadlines.complete(EMERGENCY_KIND, SUBJECT, campaign.id, utcnow())
    notify(request.author_id, _("%(name)s approved: %(campaign)s", name=by.name,
                                campaign=campaign.name), SUBJECT, campaign.id)


def _reject(request: CampaignRequest, by: User, reason: str) -> None:
    request.status, request.waiting_role = "rejected", None
    campaign = request.campaign
    if request.kind == "budget":
        campaign.status = "rejected"
    if request.emergency:
        deadlines.complete(EMERGENCY_KIND, SUBJECT, campaign.id, utcnow())
    notify(request.author_id, _("%(name)s rejected %(campaign)s: %(reason)s", name=by.name,
                                campaign=campaign.name, reason=reason), SUBJECT, campaign.id)


def move(campaign: Campaign, status: str) -> None:
    if status not in MOVES.get(campaign.status, ()):
        raise DomainError(_("A campaign cannot go there from its status."), "status")
    campaign.status = status
    if status == "cancelled":
        phases.cancel_open(campaign)


def waiting_for(user: User):
    """The pending requests whose current step the user may decide (never their own)."""
    roles = [role for role in ("director", "finance", "ceo") if user.has_role(role)]
    clauses = [CampaignRequest.waiting_role.in_(roles)] if roles else []
    if user.has_role("manager"):
        clauses.append(and_(CampaignRequest.waiting_role.in_(DEPARTMENT_ROLES),
                            Campaign.department_id.in_(team_subtree_ids(user.team_id))))
    return (select(CampaignRequest).join(Campaign, Campaign.id == CampaignRequest.campaign_id)
            .where(or_(*clauses) if clauses else false(),
                   CampaignRequest.author_id != user.id, Campaign.owner_id != user.id))


def requests_of(campaign_id: int) -> list[CampaignRequest]:
    stmt = (select(CampaignRequest).where(CampaignRequest.campaign_id == campaign_id)
            .order_by(CampaignRequest.id.desc()))
    return list(db.session.scalars(stmt))


def approvals_of(campaign_id: int) -> list[Approval]:
    stmt = (select(Approval).where(Approval.subject_type == SUBJECT,
                                   Approval.subject_id == campaign_id)
            .order_by(Approval.id.desc()))
    return list(db.session.scalars(stmt))


def costs_of(campaign_id: int) -> list[CampaignCost]:
    stmt = (select(CampaignCost).where(CampaignCost.campaign_id == campaign_id)
            .order_by(CampaignCost.spent_on.desc(), CampaignCost.id.desc()))
    return list(db.session.scalars(stmt))
