"""Base form: CSRF from Flask-WTF, one input-cleaning rule for every field, a length or range
limit on every field, an idempotency key, ids unique per page, and a helper for service errors
beside their field.

Every form of the app extends `Form`, so a new form inherits all of it:
- text is cleaned before any validator sees it: control characters (NUL included) go, except
  newline and tab in text areas; a value of only blanks and invisible characters (zero-width
  space, BOM...) is empty, so "required" refuses it;
- a text field without its own `Length` gets the default limit of its kind, a number field
  without an upper bound gets the largest value its column can hold (a form whose column is
  smaller declares its own limit; tests/web/test_form_input.py checks them against the columns);
- `form_key` is a one-time key a create form renders (crm/web/submissions.py)."""

import secrets
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import (
    DecimalField,
    HiddenField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange

from crm.web.text import clean_text

TEXT_MAX = 200
TEXTAREA_MAX = 4000
PASSWORD_MAX = 256
MONEY_MAX = Decimal("999999999999.99")  # Numeric(14, 2)
INTEGER_MAX = 2**31 - 1


def _cleaned(form, formdata) -> MultiDict:
    fields = form._fields

    def clean(key: str, value):
        field = fields.get(key)
        if not isinstance(value, str) or isinstance(field, PasswordField):
            return value
        return clean_text(value, multiline=isinstance(field, TextAreaField))

    return MultiDict([(key, clean(key, value)) for key, value in formdata.items(multi=True)])


def _validators(unbound_field) -> list:
    return list(unbound_field.kwargs.get("validators") or ())


def _limit(field_class, validators: list):
    """The validator that bounds a field without a limit of its own, or None."""
    if issubclass(field_class, StringField):
        if any(isinstance(v, Length) and v.max not in (None, -1) for v in validators):
            return None
        if issubclass(field_class, PasswordField):
            return Length(max=PASSWORD_MAX)
        return Length(max=TEXTAREA_MAX if issubclass(field_class, TextAreaField) else TEXT_MAX)
    if issubclass(field_class, DecimalField | IntegerField):
        if any(isinstance(v, NumberRange) and v.max is not None for v in validators):
            return None
        top = MONEY_MAX if issubclass(field_class, DecimalField) else INTEGER_MAX
        return NumberRange(max=top, message=_l("Must be at most %(max)s."))
    return None


def new_form_key() -> str:
    """A create form's one-time key (crm/web/submissions.py)."""
    return secrets.token_urlsafe(16)


class Form(FlaskForm):
    form_key = HiddenField(default=new_form_key)

    class Meta:
        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            return None if formdata is None else _cleaned(form, formdata)

        def bind_field(self, form, unbound_field, options):
            if "validators" in unbound_field.kwargs or len(unbound_field.args) < 2:
                limit = _limit(unbound_field.field_class, _validators(unbound_field))
                if limit is not None:
                    options = {**options,
                               "validators": [*_validators(unbound_field), limit]}
            return super().bind_field(form, unbound_field, options)

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
