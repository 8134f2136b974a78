"""The CRM application factory: no work happens at import time."""

from flask import Flask

from crm.config import ROOT, Config


def create_app(config: dict | None = None) -> Flask:
    from crm.domains import init_domains

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
    init_domains(app)
    _register_web(app)
    return app


def _init_extensions(app: Flask) -> None:
    from crm.extensions import babel, csrf, db, htmx, migrate
    from crm.queue import init_queue
    from crm.web.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    init_queue(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from crm.web.sqlite import enable_wal

        enable_wal(app)
    if app.config["CRM_QUERY_COUNT"]:
        from crm.web import querycount

        querycount.enable(app)


def _register_web(app: Flask) -> None:
    from crm.cli import cli
    from crm.web import errors, health, layout, urls
    from crm.web.formatting import FILTERS
    from crm.web.security import add_security_headers

    app.register_blueprint(health.bp)
    app.cli.add_command(cli)
    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.after_request(add_security_headers)
    errors.register(app)
    layout.register(app)
    urls.register(app)
