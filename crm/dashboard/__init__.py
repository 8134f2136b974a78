"""The user's home page."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from crm.dashboard.views import bp
    from crm.domains import add_nav

    app.register_blueprint(bp)
    add_nav(app, "dashboard.home", _l("Home"), "/", 0)
