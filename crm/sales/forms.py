from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.customers.models import GRADES
from crm.sales.models import LEAD_SOURCES
from crm.web.forms import Form


def optional_int(value):
    return int(value) if value not in (None, "") else None


class LeadForm(Form):
    company_name = StringField(_l("Company"), validators=[DataRequired(), Length(max=200)])
    contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=30)])
    source = SelectField(_l("Source"), choices=list(LEAD_SOURCES.items()), default="inbound_call")
    grade = SelectField(_l("Grade"), choices=[(g, g) for g in GRADES], default="B")
    team_id = SelectField(_l("Team"), coerce=optional_int)
    owner_id = SelectField(_l("Owner"), coerce=optional_int)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class StageForm(Form):
    stage_id = SelectField(_l("Stage"), coerce=optional_int, validators=[DataRequired()])
    lost_reason_id = SelectField(_l("Lost reason"), coerce=optional_int)


class AssignForm(Form):
    owner_id = SelectField(_l("Owner"), coerce=optional_int, validators=[DataRequired()])
