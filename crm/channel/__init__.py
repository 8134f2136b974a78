"""Channel partners (渠道管理部, R-60..R-63, R-19): dealers, agreements and protected
territories, attribution of leads, customers and deals, quarterly scorecards and warnings."""

from flask_babel import lazy_gettext as _l

RECTIFICATION_DAYS = 30  # the warning's rectification clock (限期整改); editable per kind


def init_app(app) -> None:
    from crm.auth.picker import register_rule
    from crm.channel.access import channel_managers, register_scopes
    from crm.channel.enablement_views import bp as enablement_bp
    from crm.channel.models import Dealer
    from crm.channel.score_views import bp as scores_bp
    from crm.channel.scoring import RECTIFICATION_KIND, check_weights
    from crm.channel.views import bp
    from crm.deadlines.kinds import register_kind
    from crm.deadlines.subjects import register_subject
    from crm.domains import Periodic, add_nav, add_periodic
    from crm.settings.services import CHECKS, register_check

    register_scopes()
    register_rule("channel", channel_managers)
    register_subject("dealer", Dealer, _l("Dealer"), "channel.dealer", "dealer_id",
                     lambda dealer: dealer.name)
    register_kind(RECTIFICATION_KIND, _l("Dealer rectification"),
                  minutes=RECTIFICATION_DAYS * 24 * 60)
    if check_weights not in CHECKS:
        register_check(check_weights)
    app.register_blueprint(bp)
    app.register_blueprint(scores_bp)
    app.register_blueprint(enablement_bp)
    add_nav(app, "channel.dealers", _l("Dealers"), "/dealers", 55)
    add_nav(app, "scores.index", _l("Dealer scores"), "/channel/scores", 56)
    add_nav(app, "enablement.trainings", _l("Dealer training"), "/channel/trainings", 57)
    add_nav(app, "enablement.materials", _l("Materials handed out"), "/channel/materials", 58)
    add_nav(app, "enablement.channel_report", _l("Channel report"), "/channel/report", 59)
    # the finished quarter is scored (once: its rows are then frozen) and the current
    # quarter's preview refreshed, daily at 01:30 Asia/Shanghai (17:30 UTC).
    add_periodic(app, Periodic("channel.score_dealers", "jobs.channel.score_dealers",
                               cron="30 17 * * *"))
