from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from crm.channel.models import DEALER_GRADES
from crm.customers.models import PROVINCES
from crm.sales.forms import optional_int
from crm.web.forms import Form

NOT_NEGATIVE = NumberRange(min=0, message=_l("Must not be negative."))


class DealerForm(Form):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=200)])
    credit_code = StringField(_l("Unified social credit code"),
                              validators=[Optional(), Length(max=18)])
    province = SelectField(_l("Province"), choices=[("", "—"), *PROVINCES.items()],
                           validators=[DataRequired()])
    city = StringField(_l("City"), validators=[Optional(), Length(max=30)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    grade = SelectField(_l("Grade"), choices=list(DEALER_GRADES.items()), default="B")
    contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=100)])
    contact_title = StringField(_l("Contact's position"), validators=[Optional(), Length(max=50)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=30)])
    experience_years = IntegerField(_l("Industry experience, years"), default=0, validators=[
        InputRequired(), NOT_NEGATIVE, NumberRange(max=100)])
    warehouse_m2 = IntegerField(_l("Warehouse area, m²"), default=0, validators=[
        InputRequired(), NOT_NEGATIVE])
    capital = DecimalField(_l("Registered capital (CNY)"), places=2, default=0, validators=[
        InputRequired(), NOT_NEGATIVE])
    manager_id = SelectField(_l("Channel manager"), coerce=optional_int)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class StatusForm(Form):
    id_prefix = "status"
    status = SelectField(_l("New status"), validators=[DataRequired()])
