from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DecimalField, HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from crm.auth.picker import UserField
from crm.customers.identity import is_valid_credit_code
from crm.customers.models import GRADES, INDUSTRIES, PROVINCES, SOURCES
from crm.web.forms import Form


def _optional_int(value):
    return int(value) if value not in (None, "") else None


def _credit_code(_form, field):
    if field.data and not is_valid_credit_code(field.data):
        raise ValidationError(_l("Not a valid unified social credit code: 18 characters "
                                 "and the last one is a check character."))


class CustomerForm(Form):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    credit_code = StringField(_l("Unified social credit code"),
                              validators=[Optional(), Length(max=18), _credit_code])
    industry = SelectField(_l("Industry"), choices=[("", "—"), *INDUSTRIES.items()])
    annual_revenue = DecimalField(
        _l("Annual revenue (CNY)"), places=2,
        validators=[Optional(), NumberRange(min=0, message=_l("Must not be negative."))])
    province = SelectField(_l("Province"), choices=[("", "—")] + list(PROVINCES.items()))
    city = StringField(_l("City"), validators=[Optional(), Length(max=50)])
    source = SelectField(_l("Source"), choices=[("", "—"), *SOURCES.items()])
    dealer_id = SelectField(_l("From dealer"), coerce=_optional_int)
    grade = SelectField(_l("Grade"), choices=[(g, g) for g in GRADES], default="B")
    owner_id = UserField(_l("Owner"), rule="owner", validators=[DataRequired()])
    is_government_tender = BooleanField(_l("Government tender project"))
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)])
    version = HiddenField()
    confirm_duplicates = HiddenField()


class ContactForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    title = StringField(_l("Job title"), validators=[Optional(), Length(max=100)])
    mobile = StringField(_l("Mobile"), validators=[Optional(), Length(max=30)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)])
    wechat = StringField(_l("WeChat"), validators=[Optional(), Length(max=100)])
    version = HiddenField()


class MergeForm(Form):
    """Only the CSRF token: the two customers are in the URL."""
