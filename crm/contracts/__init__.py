"""Contracts (R-15, R-16): the list and page, documents, the payment schedule and payments
(R-20), the receivables ledger (应收账款台账) and its drill-down."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from crm.contracts import collection_views, delivery, ledger_views  # noqa: F401 - routes
    from crm.contracts.access import register_scopes
    from crm.contracts.collection import SUBJECT, register_kinds
    from crm.contracts.models import Contract, Instalment
    from crm.contracts.views import bp
    from crm.deadlines.subjects import register_subject
    from crm.domains import Periodic, add_nav, add_periodic

    register_scopes()
    register_kinds()
    delivery.register_kinds()
    register_subject(delivery.SUBJECT, Contract, _l("Contract"), "contracts.show", "contract_id",
                     lambda c: c.number)
    register_subject(SUBJECT, Instalment, _l("Instalment"), "contracts.instalment",
                     "instalment_id", lambda i: f"{i.due_on.isoformat()} · ¥{i.amount:,.2f}")
    app.register_blueprint(bp)
    add_periodic(app, Periodic("contracts.collection", "jobs.contracts.run_collection_ladder",
                               cron="30 0 * * *"))
    add_nav(app, "contracts.index", _l("Contracts"), "/contracts", 45)
    add_nav(app, "contracts.ledger", _l("Receivables"), "/receivables", 46)
