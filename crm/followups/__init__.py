"""Follow-ups: what to do, who, by when (R-40); the personal agenda and its calendar feed."""

from flask_babel import lazy_gettext as _l

KIND = "followup"  # the deadline kind, and the subject type of a follow-up's own deadline


def init_app(app) -> None:
    from crm.auth import scopes
    from crm.customers.services import register_timeline_source
    from crm.deadlines.kinds import register_kind
    from crm.deadlines.subjects import register_subject
    from crm.domains import add_nav
    from crm.followups.models import FollowUp
    from crm.followups.timeline import followup_events
    from crm.followups.views import bp, panel_context

    scopes.register(FollowUp, scopes.owned_rule(FollowUp.owner_id))
    register_kind(KIND, _l("Follow-up"))
    register_subject(KIND, FollowUp, _l("Follow-up"), "followups.show", "followup_id",
                     lambda f: f.what)
    register_timeline_source("followup", _l("Follow-ups"), followup_events)
    app.register_blueprint(bp)
    app.add_template_global(panel_context, "followup_panel_context")
    add_nav(app, "followups.index", _l("Agenda"), "/followups", 60)
