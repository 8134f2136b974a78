"""Administration: users, teams and the job queues."""

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from crm.admin import jobs, views
    from crm.domains import add_nav

    app.register_blueprint(views.bp)
    app.register_blueprint(jobs.bp)
    add_nav(app, "admin.users", _l("Users"), "/admin/users", 90)
    add_nav(app, "admin.teams", _l("Teams"), "/admin/teams", 91)
    add_nav(app, "jobs_admin.index", _l("Jobs"), "/admin/jobs", 93)
