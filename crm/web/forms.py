"""Base form: CSRF from Flask-WTF, ids unique per page, and a helper for service errors."""

from flask_wtf import FlaskForm


class Form(FlaskForm):
    # A form that shares a page with another form starts its element ids with this prefix, so
    # no two forms on a page share an id (field names, and so what is posted, stay the same).
    id_prefix = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.id_prefix:
            for field in self:
                field.id = field.label.field_id = f"{self.id_prefix}-{field.id}"

    def add_error(self, field: str | None, message: str) -> None:
        """Attach a message to a field (or to the form when the field is unknown)."""
        target = getattr(self, field, None) if field else None
        if target is not None:
            target.errors = [*target.errors, message]
        else:
            self.form_errors.append(message)
