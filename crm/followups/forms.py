"""Follow-up forms: quick add, complete, reschedule."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.fields import TimeField
from wtforms.validators import DataRequired, Length, Optional

from crm.auth.picker import UserField
from crm.web.forms import Form


class FollowUpForm(Form):
    id_prefix = "followup"  # on every record page, beside the record's own forms
    what = StringField(_l("What to do"), validators=[DataRequired(), Length(max=200)])
    due_date = DateField(_l("By"), validators=[DataRequired()])
    due_time = TimeField(_l("Time"), validators=[Optional()])
    owner_id = UserField(_l("Owner"), rule="colleague", validators=[Optional()])
    subject_type = HiddenField()
    subject_id = IntegerField(validators=[Optional()])


class CompleteForm(Form):
    id_prefix = "complete"
    outcome = TextAreaField(_l("Outcome"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class RescheduleForm(Form):
    id_prefix = "reschedule"
    due_date = DateField(_l("New date"), validators=[DataRequired()])
    due_time = TimeField(_l("Time"), validators=[Optional()])
    version = HiddenField()
