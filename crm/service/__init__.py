"""The service desk (R-32, R-33): the call log and complaints. Its other half (archives,
revisits, surveys) is crm/care."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from flask_login import current_user

    from crm.auth.picker import register_rule
    from crm.customers import services as customers
    from crm.deadlines.kinds import WORKING, register_kind
    from crm.deadlines.subjects import register_subject
    from crm.domains import add_nav
    from crm.service import complaints
    from crm.service.access import CALL_ROLES, register_scopes
    from crm.service.calls import call_events
    from crm.service.complaint_views import bp as complaints_bp
    from crm.service.models import Complaint
    from crm.service.views import bp

    register_scopes()
    register_rule("complaint", complaints.reassignable)
    for kind, (label, setting, unit) in complaints.CLOCKS.items():
        register_kind(kind, label, basis=WORKING, pausable=True, duration_setting=setting,
                      setting_unit_minutes=unit)
    register_subject(complaints.SUBJECT, Complaint, _l("Complaint"), "complaints.show",
                     "complaint_id", lambda c: c.summary)
    customers.register_timeline_source("call", _l("Calls"), call_events)
    customers.register_timeline_source("complaint", _l("Complaints"), complaints.timeline_events)
    app.register_blueprint(bp)
    app.register_blueprint(complaints_bp)
    add_nav(app, "calls.index", _l("Calls"), "/service/calls", 65)
    add_nav(app, "complaints.index", _l("Complaints"), "/service/complaints", 66)

    @app.context_processor
    def call_dialog() -> dict:
        """The header's "log a call" button (key C) is offered to who may log calls."""
        return {"can_log_calls": current_user.is_authenticated
                and current_user.has_role(*CALL_ROLES)}
