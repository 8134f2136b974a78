"""Customers (companies) and their contacts (people), duplicates and merge (R-13, R-14)."""


from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from crm.customers.access import register_scopes
    from crm.customers.models import Customer
    from crm.customers.picker import bp as picker_bp
    from crm.customers.services import audit_events, register_timeline_source
    from crm.customers.views import bp
    from crm.deadlines.subjects import register_subject
    from crm.domains import add_nav

    register_scopes()
    register_timeline_source("audit", _l("Changes to the record"), audit_events)
    register_subject("customer", Customer, _l("Customer"), "customers.show", "customer_id",
                     lambda c: c.name)
    app.register_blueprint(bp)
    app.register_blueprint(picker_bp)
    add_nav(app, "customers.index", _l("Customers"), "/customers", 10)
