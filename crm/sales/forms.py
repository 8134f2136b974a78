from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as WtfForm
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from crm.auth.forms import MultiCheckboxField
from crm.auth.picker import UserField
from crm.contracts.models import PAYMENT_METHODS
from crm.customers.models import GRADES
from crm.customers.picker import CustomerField
from crm.sales.models import CHANNELS, LEAD_SOURCES, PRODUCT_KINDS
from crm.settings.services import get_setting
from crm.web.formatting import money
from crm.web.forms import MONEY_MAX, Form

QUANTITY_MAX = Decimal("9999999999.99")  # Numeric(12, 2)



class MoneyField(DecimalField):
    """An amount in CNY as people type it: "¥1,234,567.50" and "1，234" are read as numbers
    (a text input: a number input would drop the commas and hide the selection)."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].replace(",", "").replace("，", "").replace("¥", "")
                         .replace("￥", "").strip()]
        super().process_formdata(valuelist)


def plausible_amount(form, field) -> None:
    """Refuse what nobody means (R-15): not a number, negative, more than two decimals, or
    above the ceiling in settings (a slip such as 150000135280 for 150000)."""
    value = field.data
    if value is None:
        return
    if not value.is_finite():
        raise ValidationError(_("Enter an amount in yuan, e.g. 150000."))
    if value < 0:
        raise ValidationError(_("Must not be negative."))
    ceiling = get_setting("deal_amount_ceiling")
    if value > ceiling:
        raise ValidationError(_("At most %(ceiling)s: check the amount.", ceiling=money(ceiling)))
    if value.normalize().as_tuple().exponent < -2:
        raise ValidationError(_("At most two decimals (fen)."))


def optional_int(value):
    return int(value) if value not in (None, "") else None


class LeadForm(Form):
    company_name = StringField(_l("Company"), validators=[DataRequired(), Length(max=200)])
    customer_id = CustomerField(_l("Existing customer"))
    contact_name = StringField(_l("Contact"), validators=[Optional(), Length(max=100)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=30)])
    source = SelectField(_l("Source"), choices=list(LEAD_SOURCES.items()), default="inbound_call")
    grade = SelectField(_l("Grade"), choices=[(g, g) for g in GRADES], default="B")
    dealer_id = SelectField(_l("From dealer"), coerce=optional_int)
    campaign_id = SelectField(_l("Campaign"), coerce=optional_int)
    team_id = SelectField(_l("Team"), coerce=optional_int)
    owner_id = UserField(_l("Owner"), rule="rep",
                         placeholder=_l("Name, pinyin or initials; empty: shared pool"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    version = HiddenField()


class StageForm(Form):
    id_prefix = "stage"  # on the lead page, beside the assign and follow-up forms
    stage_id = SelectField(_l("Stage"), coerce=optional_int, validators=[DataRequired()])
    lost_reason_id = SelectField(_l("Lost reason"), coerce=optional_int)


class AssignForm(Form):
    id_prefix = "assign"
    owner_id = UserField(_l("Owner"), rule="rep", validators=[DataRequired()])


class LoseForm(Form):
    """Marking a deal lost: the reason is picked on purpose, the list has no default."""

    lost_reason_id = SelectField(_l("Lost reason"), coerce=optional_int, validators=[
        DataRequired(message=_l("Choose why the deal was lost."))])


class LineForm(WtfForm):
    """One product line of a deal (a sub-form: the deal form carries the CSRF token)."""

    product_id = SelectField(_l("Product"), coerce=optional_int, validate_choice=False)
    quantity = DecimalField(_l("Quantity"), places=2, validators=[
        Optional(), NumberRange(min=0, message=_l("Must not be negative.")),
        NumberRange(max=QUANTITY_MAX, message=_l("Must be at most %(max)s."))])
    unit_price = MoneyField(_l("Unit price"), places=2, validators=[
        Optional(), plausible_amount,
        NumberRange(max=MONEY_MAX, message=_l("Must be at most %(max)s."))])
    discount_percent = DecimalField(_l("Discount, percent"), places=2, validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("Between 0 and 100."))])


class NewDealForm(Form):
    """The short dialog that starts a deal: what it is, for whom, how much, by when."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    customer_id = CustomerField(_l("Customer"), validators=[DataRequired(
        message=_l("Choose a customer from the suggestions."))])
    owner_id = UserField(_l("Owner"), rule="rep", validators=[DataRequired()])
    expected_value = MoneyField(_l("Expected value (CNY)"), places=2,
                                validators=[Optional(), plausible_amount])
    close_date = DateField(_l("Expected close date"), format="%Y-%m-%d",
                           validators=[Optional()])
    lines = FieldList(FormField(LineForm), min_entries=2)


class DealForm(NewDealForm):
    channel = SelectField(_l("Sales channel"), choices=list(CHANNELS.items()))
    dealer_id = SelectField(_l("From dealer"), coerce=optional_int)
    solution_spec = TextAreaField(_l("Product specification"), validators=[Optional()])
    delivery_cycle = StringField(_l("Delivery cycle"), validators=[Optional(), Length(max=100)])
    service_commitment = TextAreaField(_l("Service commitment"), validators=[Optional()])
    lines = FieldList(FormField(LineForm), min_entries=3)
    version = HiddenField()


class SignForm(Form):
    price = MoneyField(_l("Contract price (CNY)"), places=2,
                       validators=[InputRequired(), plausible_amount])
    payment_method = SelectField(_l("Payment method"), choices=list(PAYMENT_METHODS.items()))
    payment_terms = TextAreaField(_l("Payment terms"), validators=[DataRequired()])
    breach_liability = TextAreaField(_l("Liability for breach"), validators=[DataRequired()])
    signed_at = DateField(_l("Signed on"), format="%Y-%m-%d", validators=[DataRequired()])


class InlineAmountForm(Form):
    value = MoneyField(_l("Expected value (CNY)"), places=2,
                       validators=[InputRequired(), plausible_amount])
    version = HiddenField()


class InlineDateForm(Form):
    value = DateField(_l("Expected close date"), format="%Y-%m-%d", validators=[Optional()])
    version = HiddenField()


class ProductForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=list(PRODUCT_KINDS.items()))
    category = StringField(_l("Category"), validators=[Optional(), Length(max=50)])
    price = DecimalField(_l("Price (CNY)"), places=2, validators=[
        InputRequired(), NumberRange(min=0, message=_l("Must not be negative."))])
    active = BooleanField(_l("On sale"), default=True)
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    component_ids = MultiCheckboxField(_l("Bundle contents"), coerce=int)
    version = HiddenField()
