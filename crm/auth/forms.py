from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from crm.auth.models import ROLES, TEAM_LEVELS
from crm.web.forms import Form


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=50)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class PasswordChangeForm(Form):
    old_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


ROLE_LABELS = {
    "sales": _l("Sales rep"),
    "service": _l("Service agent"),
    "channel": _l("Channel manager"),
    "marketing": _l("Marketing specialist"),
    "product": _l("Product manager"),
    "manager": _l("Manager"),
    "director": _l("Director"),
    "finance": _l("Finance"),
    "legal": _l("Legal"),
    "ceo": _l("CEO"),
    "admin": _l("Administrator"),
}
LEVEL_LABELS = {"hq": _l("Headquarters"), "region": _l("Region"), "team": _l("Team")}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(Form):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(),
            Length(min=2, max=50),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Letters, digits, dot, dash, underscore.")),
        ],
    )
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)])
    team_id = SelectField(_l("Team"), coerce=lambda v: int(v) if v else None)
    roles = MultiCheckboxField(_l("Roles"), choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    password = PasswordField(_l("Initial password"))
    version = HiddenField()


class ResetPasswordForm(Form):
    id_prefix = "reset"  # on the user page, beside the user form
    password = PasswordField(_l("New password"), validators=[DataRequired()])


class TeamForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    level = SelectField(_l("Level"), choices=[(lv, LEVEL_LABELS[lv]) for lv in TEAM_LEVELS])
    parent_id = SelectField(_l("Parent"), coerce=lambda v: int(v) if v else None)
    version = HiddenField()
