from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from crm.auth.picker import UserField
from crm.channel.models import DEALER_GRADES, MATERIAL_KINDS, TRAINING_KINDS
from crm.customers.models import PROVINCES
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
    manager_id = UserField(_l("Channel manager"), rule="channel")
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class StatusForm(Form):
    id_prefix = "status"
    status = SelectField(_l("New status"), validators=[DataRequired()])


class AgreementForm(Form):
    number = StringField(_l("Number"), validators=[DataRequired(), Length(max=30)])
    starts_on = DateField(_l("Starts"), format="%Y-%m-%d", validators=[DataRequired()])
    ends_on = DateField(_l("Ends"), format="%Y-%m-%d", validators=[DataRequired()])
    quarterly_target = DecimalField(_l("Quarterly sales target (CNY)"), places=2, validators=[
        InputRequired(), NOT_NEGATIVE])
    territory_lines = TextAreaField(_l("Protected territory"), validators=[
        DataRequired(), Length(max=2000)])
    tier_lines = TextAreaField(_l("Rebate tiers"), validators=[Optional(), Length(max=500)])
    protection = TextAreaField(_l("Market-protection clauses"), validators=[
        Optional(), Length(max=4000)])
    version = HiddenField()


class EndAgreementForm(Form):
    id_prefix = "end"
    reason = StringField(_l("Why it ends"), validators=[DataRequired(), Length(max=200)])


class ApplicationForm(DealerForm):
    """A dealer's application (R-60): its company data and the yearly volume it plans."""

    planned_volume = DecimalField(_l("Planned yearly sales (CNY)"), places=2, validators=[
        InputRequired(), NOT_NEGATIVE])


class DecisionForm(Form):
    id_prefix = "decision"
    decision = SelectField(_l("Decision"), choices=[("approved", _l("Approve")),
                                                    ("rejected", _l("Reject"))])
    reason = TextAreaField(_l("Reason (needed to reject, or to approve despite a failing "
                              "check)"), validators=[Optional(), Length(max=2000)])


class AdjustForm(Form):
    """The inline adjustment of a dealer's quarterly score (R-62)."""

    id_prefix = "adjust"
    score = DecimalField(_l("Adjusted score"), places=1, validators=[
        InputRequired(), NumberRange(min=0, max=100, message=_l("Between 0 and 100."))])
    reason = StringField(_l("Reason for the adjustment"), validators=[
        DataRequired(), Length(max=500)])
    version = HiddenField()


class TrainingForm(Form):
    """A dealer training session (R-63) and its attendees, one dealer a line."""

    held_on = DateField(_l("Date"), format="%Y-%m-%d", validators=[DataRequired()])
    kind = SelectField(_l("Topic"), choices=list(TRAINING_KINDS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    trainer = StringField(_l("Trainer"), validators=[DataRequired(), Length(max=100)])
    attendee_lines = TextAreaField(_l("Attending dealers"), validators=[
        Optional(), Length(max=20000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    version = HiddenField()


class MaterialForm(Form):
    """Promotional material handed to a dealer (R-63)."""

    kind = SelectField(_l("Material"), choices=list(MATERIAL_KINDS.items()))
    item = StringField(_l("Item"), validators=[Optional(), Length(max=200)])
    quantity = IntegerField(_l("Quantity"), default=1, validators=[
        InputRequired(), NumberRange(min=1, max=100000, message=_l("From 1 to 100,000."))])
    handed_on = DateField(_l("Date"), format="%Y-%m-%d", validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class DealerContactForm(Form):
    """A further contact person of a dealer."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    title = StringField(_l("Position"), validators=[Optional(), Length(max=50)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=120)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
    version = HiddenField()
