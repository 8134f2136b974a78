"""People: users, roles, teams, login, and who sees which rows (crm/auth/scopes.py)."""


def init_app(app) -> None:
    from crm.auth import picker, scopes
    from crm.auth.session import init_login
    from crm.auth.views import bp

    init_login(app)
    scopes.register_foundation()
    picker.register_foundation_rules()
    app.register_blueprint(bp)
    app.register_blueprint(picker.bp)
