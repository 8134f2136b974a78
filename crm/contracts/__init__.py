"""Contracts (R-15, R-16): the list and page, documents, the payment schedule and payments
(R-20), the receivables ledger (应收账款台账) and its drill-down."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from crm.contracts import ledger_views  # noqa: F401 - routes on the blueprint
    from crm.contracts.access import register_scopes
    from crm.contracts.views import bp
    from crm.domains import add_nav

    register_scopes()
    app.register_blueprint(bp)
    add_nav(app, "contracts.index", _l("Contracts"), "/contracts", 45)
    add_nav(app, "contracts.ledger", _l("Receivables"), "/receivables", 46)
