"""The service desk (R-32, R-33): the call log and complaints. Its other half (archives,
revisits, surveys) is crm/care."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from flask_login import current_user

    from crm.customers import services as customers
    from crm.domains import add_nav
    from crm.service.access import CALL_ROLES, register_scopes
    from crm.service.calls import call_events
    from crm.service.views import bp

    register_scopes()
    if call_events not in customers.TIMELINE_SOURCES:
        customers.TIMELINE_SOURCES.append(call_events)
    app.register_blueprint(bp)
    add_nav(app, "calls.index", _l("Calls"), "/service/calls", 65)

    @app.context_processor
    def call_dialog() -> dict:
        """The header's "log a call" button (key C) is offered to who may log calls."""
        return {"can_log_calls": current_user.is_authenticated
                and current_user.has_role(*CALL_ROLES)}
