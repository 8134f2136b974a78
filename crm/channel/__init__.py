"""Channel partners (渠道管理部, R-60..R-63, R-19): dealers, agreements and protected
territories, attribution of leads, customers and deals, quarterly scorecards and warnings."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from crm.channel.access import register_scopes
    from crm.channel.views import bp
    from crm.domains import add_nav

    register_scopes()
    app.register_blueprint(bp)
    add_nav(app, "channel.dealers", _l("Dealers"), "/dealers", 55)
