"""The CRM application factory: no work happens at import time."""

from flask import Flask

from crm.config import ROOT, Config


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(Config())
    if config:
        app.config.update(config)
    _init_extensions(app)
    _register_blueprints(app)
    _register_web(app)
    return app


def _init_extensions(app: Flask) -> None:
    from crm.audit import hooks
    from crm.auth import scopes
    from crm.auth.session import init_login
    from crm.contracts.access import register_scopes as register_contract_scopes
    from crm.customers.access import register_scopes as register_customer_scopes
    from crm.deadlines import register as register_deadlines
    from crm.extensions import babel, csrf, db, htmx, migrate
    from crm.followups import register as register_followups
    from crm.notifications import register as register_notifications
    from crm.queue import init_queue
    from crm.sales.access import register_scopes as register_sales_scopes
    from crm.sales.customer_links import register as register_customer_links
    from crm.sales.subjects import register as register_sales_subjects
    from crm.web.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    init_login(app)
    init_queue(app)
    hooks.install()
    scopes.register_foundation()
    register_customer_scopes()
    register_sales_scopes()
    register_contract_scopes()
    register_customer_links()
    register_sales_subjects()
    register_deadlines()
    register_notifications()
    register_followups()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from crm.web.sqlite import enable_wal

        enable_wal(app)
    if app.config["CRM_QUERY_COUNT"]:
        from crm.web import querycount

        querycount.enable(app)


def _register_blueprints(app: Flask) -> None:
    from crm.admin.jobs import bp as jobs_admin_bp
    from crm.admin.views import bp as admin_bp
    from crm.audit.views import bp as audit_bp
    from crm.auth.views import bp as auth_bp
    from crm.cli import cli
    from crm.customers.views import bp as customers_bp
    from crm.dashboard.views import bp as dashboard_bp
    from crm.deadlines.views import bp as deadlines_bp
    from crm.followups.views import bp as followups_bp
    from crm.notifications.views import bp as notifications_bp
    from crm.sales.deal_views import bp as deals_bp
    from crm.sales.lead_views import bp as leads_bp
    from crm.sales.product_views import bp as products_bp
    from crm.settings.views import bp as settings_bp
    from crm.web.health import bp as health_bp

    for bp in (auth_bp, admin_bp, audit_bp, settings_bp, dashboard_bp, health_bp,
               customers_bp, leads_bp, deals_bp, products_bp, notifications_bp, jobs_admin_bp,
               followups_bp, deadlines_bp):
        app.register_blueprint(bp)
    app.cli.add_command(cli)


def _register_web(app: Flask) -> None:
    from crm.web import errors, layout, urls
    from crm.web.formatting import FILTERS
    from crm.web.security import add_security_headers

    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.after_request(add_security_headers)
    errors.register(app)
    layout.register(app)
    urls.register(app)
