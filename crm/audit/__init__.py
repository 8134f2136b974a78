"""The audit trail, written by one SQLAlchemy hook (R-04), and its browse pages."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from crm.audit import hooks
    from crm.audit.models import AuditEntry
    from crm.audit.views import audited_people, bp
    from crm.auth import scopes
    from crm.auth.picker import register_rule
    from crm.domains import add_nav

    hooks.install()
    scopes.register(AuditEntry, scopes.role_rule("director", "admin"))
    register_rule("audited", audited_people)
    app.register_blueprint(bp)
    add_nav(app, "audit.index", _l("Audit trail"), "/audit", 80)
