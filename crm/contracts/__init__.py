"""Contracts (R-15 signing; schedules and receivables come with the contracts issue)."""


def init_app(app) -> None:
    from crm.contracts.access import register_scopes

    register_scopes()
