"""The settings form is built from the registry: one typed, bounded field per setting."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from crm.settings.registry import DEFINITIONS, SettingDef
from crm.web.forms import Form


def _bounds_message(d: SettingDef):
    if d.maximum is None:
        return _l("Enter a number of at least %(min)s.", min=d.minimum)
    return _l("Enter a number from %(min)s to %(max)s.", min=d.minimum, max=d.maximum)


def _field(d: SettingDef):
    if d.kind is bool:
        return BooleanField(d.label)
    if d.kind is str:
        return TextAreaField(d.label, validators=[InputRequired(), Length(max=d.maximum)])
    validators = [InputRequired(), NumberRange(d.minimum, d.maximum, _bounds_message(d))]
    if d.kind is int:
        return IntegerField(d.label, validators=validators)
    return DecimalField(d.label, places=2, validators=validators)


def settings_form_class() -> type[Form]:
    fields = {d.key: _field(d) for d in DEFINITIONS}
    return type("SettingsForm", (Form,), fields)
