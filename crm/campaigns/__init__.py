"""Campaigns (活动宣传推广, R-50..R-53): budgets approved by amount, purchases through their
chain, emergency executions approved afterwards (R-51).

Who sees a campaign (R-02, R-03 applied to R-50): the marketing specialists of its department
and the managers heading that department or one above it (the supervisors); directors,
finance (every budget and cost is theirs to check) and the CEO (the last step of a
purchase) see all; nobody else (a sales rep picks a running campaign on the lead form by name
but cannot open it)."""

from flask_babel import lazy_gettext as _l

SUBJECT = "campaign"  # the subject type of a campaign (deadlines, notifications, approvals)
PHASE_SUBJECT = "campaign_phase"  # a phase's clock is about the phase
MINUTES_SUBJECT = "campaign_minutes"  # an action item's follow-up is about the minutes
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


def of_visible_campaign(campaign_column):
    """The rule of a campaign's part: the campaign is visible."""

    def rule(user):
        from sqlalchemy import select

        from crm.campaigns.models import Campaign

        clause = campaign_rule(user)
        return None if clause is None else campaign_column.in_(
            select(Campaign.id).where(clause))

    return rule


def document_rule(user):
    """R-03: a document marked as a contract is read by directors, finance and its uploader;
    the others by whoever sees the campaign."""
    from sqlalchemy import and_, or_, select

    from crm.campaigns.models import Campaign, CampaignDocument

    if user.has_role("director", "finance"):
        return None
    clause = campaign_rule(user)
    readable = or_(CampaignDocument.is_contract.is_(False),
                   CampaignDocument.uploaded_by_id == user.id)
    return readable if clause is None else and_(
        readable, CampaignDocument.campaign_id.in_(select(Campaign.id).where(clause)))


def init_app(app) -> None:
    from crm.auth import scopes
    from crm.campaigns.models import (
        PHASES,
        Campaign,
        CampaignDocument,
        CampaignMinutes,
        CampaignPhase,
    )
    from crm.campaigns.views import bp
    from crm.deadlines.kinds import register_kind
    from crm.deadlines.subjects import register_subject
    from crm.domains import add_nav

    scopes.register(Campaign, campaign_rule)
    scopes.register(CampaignPhase, of_visible_campaign(CampaignPhase.campaign_id))
    scopes.register(CampaignMinutes, of_visible_campaign(CampaignMinutes.campaign_id))
    scopes.register(CampaignDocument, document_rule)
    register_subject(SUBJECT, Campaign, _l("Campaign"), "campaigns.show", "campaign_id",
                     lambda c: c.name)
    register_subject(PHASE_SUBJECT, CampaignPhase, _l("Campaign phase"), "campaigns.phase",
                     "phase_id", lambda p: f"{p.campaign.name} · {PHASES[p.kind]}")
    register_subject(MINUTES_SUBJECT, CampaignMinutes, _l("Meeting minutes"),
                     "campaigns.minutes", "minutes_id", lambda m: m.title)
    register_kind(EMERGENCY_KIND, _l("Approvals of an emergency execution"),
                  minutes=EMERGENCY_MINUTES)
    for kind, label in PHASES.items():
        register_kind(f"campaign_{kind}", label)
    app.register_blueprint(bp)
    add_nav(app, "campaigns.index", _l("Campaigns"), "/campaigns", 55)
