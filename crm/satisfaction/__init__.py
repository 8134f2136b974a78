"""Customer satisfaction (R-34): survey rounds twice a year, the answers, improvement plans
owned by the service director and the closed loop to complaints (a detractor) and referrals
(a promoter)."""

from flask_babel import lazy_gettext as _l

SURVEY_JOB = "jobs.satisfaction.open_survey_round"


def init_app(app) -> None:
    from crm.customers import services as customers
    from crm.deadlines.subjects import register_subject
    from crm.domains import Periodic, add_nav, add_periodic
    from crm.satisfaction import services
    from crm.satisfaction.access import register_scopes
    from crm.satisfaction.models import ImprovementPlan, Survey
    from crm.satisfaction.views import bp
    from crm.settings.services import CHECKS, register_check

    register_scopes()
    register_subject("survey", Survey, _l("Satisfaction survey"), "surveys.show", "survey_id",
                     lambda s: s.customer.name)
    register_subject(services.PLAN_SUBJECT, ImprovementPlan, _l("Improvement plan"),
                     "surveys.plan", "plan_id", lambda p: p.goal,
                     touched=services.tasks_changed)
    if services.check_months not in CHECKS:
        register_check(services.check_months)
    customers.register_timeline_source("survey", _l("Survey answers"), services.survey_events)
    for source, registry in ((services.promoter_flags, customers.FLAG_SOURCES),
                             (services.before_merge, customers.MERGE_HOOKS)):
        if source not in registry:
            registry.append(source)
    app.register_blueprint(bp)
    add_nav(app, "surveys.index", _l("Surveys"), "/surveys", 67)
    # in a survey month (settings), every active customer gets the round's survey; daily
    # at 02:00 Asia/Shanghai (18:00 UTC), so customers signed during the month join it.
    add_periodic(app, Periodic("satisfaction.open_survey_round", SURVEY_JOB,
                               cron="0 18 * * *"))
