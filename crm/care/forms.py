from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from crm.care.models import OUTCOMES
from crm.sales.forms import optional_int
from crm.web.forms import Form

SATISFACTION = [(str(n), str(n)) for n in range(1, 6)]


class ArchiveForm(Form):
    """The service archive (R-30): filled in by the agent, then marked complete."""

    contacts = TextAreaField(_l("Contacts"), validators=[Optional(), Length(max=4000)],
                             description=_l("Who to talk to: name, job title, phone; one "
                                            "a line."))
    products = TextAreaField(_l("Product list"), validators=[Optional(), Length(max=4000)])
    service_needs = TextAreaField(_l("Service needs"), validators=[Optional(),
                                                                   Length(max=4000)],
                                  description=_l("Installation, training, maintenance "
                                                 "rhythm, who decides on renewals..."))
    complete = BooleanField(_l("The archive is complete"))
    version = HiddenField()


class RevisitForm(Form):
    """Logging a revisit (R-31): how it went, the customer's satisfaction and feedback."""

    outcome = RadioField(_l("Outcome"), choices=list(OUTCOMES.items()),
                         validators=[DataRequired(message=_l("Choose how the revisit went."))])
    satisfaction = RadioField(_l("Satisfaction (1 = very unsatisfied, 5 = very satisfied)"),
                              choices=SATISFACTION, coerce=optional_int,
                              validators=[Optional()])
    feedback = TextAreaField(_l("Feedback"), validators=[Optional(), Length(max=4000)])
    product_id = SelectField(_l("Product concerned"), coerce=optional_int)
    version = HiddenField()
