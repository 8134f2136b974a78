"""Campaigns (活动宣传推广, R-50..R-53): budgets approved by amount, purchases through their
chain, emergency executions approved afterwards (R-51).

Who sees a campaign (R-02, R-03 applied to R-50): the marketing specialists of its department
and the managers heading that department or one above it (the supervisors); directors,
finance (every budget and cost is theirs to check) and the CEO (the last step of a
purchase) see all; nobody else (a sales rep picks a running campaign on the lead form by name
but cannot open it)."""

from flask_babel import lazy_gettext as _l

SUBJECT = "campaign"  # the subject type of a campaign (deadlines, notifications, approvals)
EMERGENCY_KIND = "campaign_emergency"  # the clock of an emergency execution's approvals
EVERY_CAMPAIGN_ROLES = ("director", "finance", "ceo", "admin")
CAMPAIGN_ROLES = ("marketing", "manager", *EVERY_CAMPAIGN_ROLES)
EMERGENCY_MINUTES = 3 * 24 * 60


def campaign_rule(user):
    from sqlalchemy import false

    from crm.auth.scopes import team_subtree_ids
    from crm.campaigns.models import Campaign

    if user.has_role(*EVERY_CAMPAIGN_ROLES):
        return None
    if user.has_role("marketing", "manager"):
        return Campaign.department_id.in_(team_subtree_ids(user.team_id))
    return false()


def init_app(app) -> None:
    from crm.auth import scopes
    from crm.campaigns.models import Campaign
    from crm.campaigns.views import bp
    from crm.deadlines.kinds import register_kind
    from crm.deadlines.subjects import register_subject
    from crm.domains import add_nav

    scopes.register(Campaign, campaign_rule)
    register_subject(SUBJECT, Campaign, _l("Campaign"), "campaigns.show", "campaign_id",
                     lambda c: c.name)
    register_kind(EMERGENCY_KIND, _l("Approvals of an emergency execution"),
                  minutes=EMERGENCY_MINUTES)
    app.register_blueprint(bp)
    add_nav(app, "campaigns.index", _l("Campaigns"), "/campaigns", 55)
