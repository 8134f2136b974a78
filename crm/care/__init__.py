"""The care half of customer service: service archives opened at signing (R-30) and revisits
scheduled from delivery (R-31), both on the customer's timeline; the service desk half (calls,
complaints) is crm/service."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from crm.care import archives, revisits
    from crm.care.access import register_scopes
    from crm.care.archive_views import bp as archives_bp
    from crm.care.models import SERIES, Revisit, ServiceArchive
    from crm.care.revisit_views import bp as revisits_bp
    from crm.contracts.signals import contract_delivered, contract_signed
    from crm.customers.services import register_timeline_source
    from crm.deadlines.kinds import WORKING, register_kind
    from crm.deadlines.subjects import register_subject
    from crm.domains import add_nav

    register_scopes()
    register_kind(archives.CLOCK, archives.CLOCK_LABEL, basis=WORKING,
                  duration_setting=archives.CLOCK_SETTING)
    register_kind(revisits.CLOCK, revisits.CLOCK_LABEL)
    register_subject(archives.SUBJECT, ServiceArchive, _l("Service archive"), "archives.show",
                     "archive_id", lambda a: a.customer.name)
    register_subject(revisits.SUBJECT, Revisit, _l("Revisit"), "revisits.show", "revisit_id",
                     lambda r: f"{SERIES[r.series]} · {r.due_on:%Y-%m-%d}")
    # weak=False: the receivers are module functions, kept for the life of the process.
    contract_signed.connect(archives.on_contract_signed, weak=False)
    contract_delivered.connect(revisits.on_contract_delivered, weak=False)
    register_timeline_source("revisit", _l("Revisits"), revisits.timeline_events)
    app.register_blueprint(archives_bp)
    app.register_blueprint(revisits_bp)
    add_nav(app, "archives.index", _l("Service archives"), "/service/archives", 67)
    add_nav(app, "revisits.index", _l("Revisits"), "/service/revisits", 68)
