from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from crm.customers.picker import CustomerField
from crm.sales.forms import optional_int
from crm.service.models import CHANNELS, DIRECTIONS
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
    channel = SelectField(_l("Channel"), choices=list(CHANNELS.items()))
    contact_id = SelectField(_l("Contact"), coerce=optional_int, validate_choice=False,
                             choices=[("", "—")])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[
        Optional(), NumberRange(min=0, max=DAY_MINUTES)])
    product_id = SelectField(_l("Product concerned"), coerce=optional_int, validate_choice=False)
    next_step = StringField(_l("Next step"), validators=[Optional(), Length(max=200)])
    next_date = DateField(_l("Next step by"), validators=[Optional()])
