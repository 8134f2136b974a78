"""The one error a use case raises: a message for the user, beside `field` when there is one."""


class DomainError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field
