"""Base form: CSRF from Flask-WTF, and a helper for service errors beside their field."""

from flask_wtf import FlaskForm


class Form(FlaskForm):
    def add_error(self, field: str | None, message: str) -> None:
        """Attach a message to a field (or to the form when the field is unknown)."""
        target = getattr(self, field, None) if field else None
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            self.form_errors.append(message)
