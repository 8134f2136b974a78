from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from crm.auth.picker import UserField
from crm.customers.picker import CustomerField
from crm.sales.forms import optional_int
from crm.service.models import CHANNELS, CONFIRMATION_WAYS, DIRECTIONS
from crm.web.forms import Form

DAY_MINUTES = 24 * 60


class CallForm(Form):
    """The call dialog (R-32): the customer, what was said, and how; the rest optional. It
    opens over any page, so its ids carry a prefix."""

    id_prefix = "call"

    customer_id = CustomerField(_l("Customer"), validators=[DataRequired(
        message=_l("Choose a customer from the suggestions."))])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])
    direction = RadioField(_l("Direction"), choices=list(DIRECTIONS.items()))
    channel = SelectField(_l("Contact channel"), choices=list(CHANNELS.items()))
    contact_id = SelectField(_l("Contact"), coerce=optional_int, validate_choice=False,
                             choices=[("", "—")])
    duration_minutes = IntegerField(_l("Call length (minutes)"), validators=[
        Optional(), NumberRange(min=0, max=DAY_MINUTES)])
    product_id = SelectField(_l("Product concerned"), coerce=optional_int, validate_choice=False)
    next_step = StringField(_l("Next step"), validators=[Optional(), Length(max=200)])
    next_date = DateField(_l("Next step by"), validators=[Optional()])


class ComplaintForm(Form):
    """Recording a complaint (prefilled from a call) or changing its details."""

    customer_id = CustomerField(_l("Customer"), validators=[DataRequired(
        message=_l("Choose a customer from the suggestions."))])
    summary = StringField(_l("Summary"), validators=[DataRequired(), Length(max=200)])
    details = TextAreaField(_l("Details"), validators=[Optional(), Length(max=4000)])
    product_id = SelectField(_l("Product concerned"), coerce=optional_int)
    feedback = TextAreaField(_l("Product feedback"), validators=[Optional(), Length(max=4000)],
                             description=_l("What the product should do better: read by the "
                                            "product manager."))
    version = HiddenField()


class NoteForm(Form):
    """One step of a complaint with what was said or done (respond, solution, wait...)."""

    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])


class PlanForm(Form):
    id_prefix = "plan"
    plan = TextAreaField(_l("Handling plan"), validators=[DataRequired(), Length(max=4000)])


class DecideForm(Form):
    id_prefix = "decide"
    decision = RadioField(_l("Decision"), choices=[("approved", _l("Approve")),
                                                   ("rejected", _l("Reject"))],
                          validators=[DataRequired(message=_l("Approve or reject the plan."))])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class ReassignForm(Form):
    id_prefix = "reassign"
    owner_id = UserField(_l("New owner"), rule="complaint", validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class CloseForm(Form):
    id_prefix = "close"
    confirmed_by = StringField(_l("Confirmed by (customer side)"),
                               validators=[DataRequired(), Length(max=100)])
    confirmed_via = SelectField(_l("Confirmed by way of"),
                                choices=list(CONFIRMATION_WAYS.items()))
    confirmed_at = DateTimeLocalField(_l("Confirmed at"), format="%Y-%m-%dT%H:%M",
                                      validators=[DataRequired()])
    signed_form = FileField(_l("Signed form (optional; PDF or image)"))
