"""Admin-tunable rule numbers: every R-xx default, validated and audited."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from crm.domains import add_nav
    from crm.settings.views import bp

    app.register_blueprint(bp)
    add_nav(app, "settings.index", _l("Settings"), "/admin/settings", 92)
