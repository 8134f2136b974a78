from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from crm.sales.forms import optional_int
from crm.web.forms import Form


class AnswerForm(Form):
    """The customer's answers to a survey, as the agent heard them."""

    nps = IntegerField(_l("NPS: would they recommend us? (0-10)"), validators=[
        InputRequired(message=_l("Enter a number from 0 to 10.")),
        NumberRange(min=0, max=10, message=_l("Enter a number from 0 to 10."))])
    csat = IntegerField(_l("CSAT: how satisfied are they? (0-100)"), validators=[
        InputRequired(message=_l("Enter a number from 0 to 100.")),
        NumberRange(min=0, max=100, message=_l("Enter a number from 0 to 100."))])
    product_id = SelectField(_l("Product concerned"), coerce=optional_int, validate_choice=False)
    feedback = TextAreaField(_l("Suggestions and problems"),
                             validators=[Optional(), Length(max=4000)],
                             description=_l("What the customer said: read by the product "
                                            "manager when a product is chosen."))
    version = HiddenField()
