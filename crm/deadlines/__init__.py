"""Every clock in the rules as one kind of row; one sweep raises each overdue alert once."""


def register() -> None:
    from crm.auth import scopes
    from crm.deadlines.models import Deadline

    scopes.register(Deadline, scopes.owned_rule(Deadline.owner_id))
