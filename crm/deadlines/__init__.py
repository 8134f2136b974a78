"""Every clock in the rules as one kind of row; one sweep raises each overdue alert once."""


def init_app(app) -> None:
    from crm.auth import scopes
    from crm.deadlines.models import Deadline, WorkCalendar
    from crm.deadlines.views import bp
    from crm.domains import Periodic, add_periodic

    scopes.register(Deadline, scopes.owned_rule(Deadline.owner_id))
    scopes.register(WorkCalendar, scopes.role_rule("admin"))
    app.register_blueprint(bp)
    add_periodic(app, Periodic("deadlines.sweep", "jobs.deadlines.sweep_deadlines",
                               interval=app.config["CRM_SWEEP_SECONDS"]))
