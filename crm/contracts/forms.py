from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as WtfForm
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from crm.contracts.models import (
    COLLECTION_STEPS,
    DELIVERY_RECORDS,
    LEGAL_DECISIONS,
    LETTER_CHANNELS,
    PAYMENT_CHANNELS,
    STATUSES,
)
from crm.sales.forms import MoneyField, plausible_amount
from crm.web.forms import Form


class StatusForm(Form):
    id_prefix = "status"
    status = SelectField(_l("New status"), choices=list(STATUSES.items()))
    delivered_on = DateField(_l("Delivered on"), format="%Y-%m-%d", validators=[Optional()])
    version = HiddenField()


class ImportantForm(Form):
    id_prefix = "important"
    important = BooleanField(_l("Important contract (重要合同): only directors, finance and you "
                                "may read it"))
    version = HiddenField()


class DocumentForm(Form):
    id_prefix = "document"
    file = FileField(_l("File (PDF or image)"))
    important = BooleanField(_l("Important document: only directors, finance and you may "
                                "read it"))


class InstalmentForm(WtfForm):
    """One row of the schedule (a sub-form: the schedule form carries the CSRF token)."""

    due_on = DateField(_l("Due on"), format="%Y-%m-%d", validators=[Optional()])
    amount = MoneyField(_l("Amount"), places=2, validators=[Optional(), plausible_amount])


class ScheduleForm(Form):
    instalments = FieldList(FormField(InstalmentForm), min_entries=6)


class PaymentForm(Form):
    id_prefix = "payment"
    instalment_id = SelectField(_l("Instalment"), coerce=int)
    received_on = DateField(_l("Received on"), format="%Y-%m-%d", validators=[DataRequired()])
    amount = MoneyField(_l("Amount (CNY; a refund is negative)"), places=2,
                        validators=[InputRequired()])
    method = SelectField(_l("Method"), choices=list(PAYMENT_CHANNELS.items()))
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=100)])
    reason = StringField(_l("Reason (refunds)"), validators=[Optional(), Length(max=200)])


class CollectionStepForm(Form):
    id_prefix = "step"
    instalment_id = SelectField(_l("Instalment"), coerce=int)
    step = SelectField(_l("Step"), choices=list(COLLECTION_STEPS.items()))
    done_on = DateField(_l("Date"), format="%Y-%m-%d", validators=[DataRequired()])
    channel = SelectField(_l("Letter sent by"), choices=[("", "—"), *LETTER_CHANNELS.items()],
                          validators=[Optional()])
    outcome = TextAreaField(_l("Outcome of the visit, notes"), validators=[Optional()])
    decision = SelectField(_l("Decision of the legal review"),
                           choices=[("", "—"), *LEGAL_DECISIONS.items()],
                           validators=[Optional()])


class PromiseForm(Form):
    id_prefix = "promise"
    instalment_id = SelectField(_l("Instalment"), coerce=int)
    promised_on = DateField(_l("Promised for"), format="%Y-%m-%d", validators=[DataRequired()])
    amount = MoneyField(_l("Amount promised (CNY)"), places=2,
                        validators=[InputRequired(), plausible_amount])
    promised_by = StringField(_l("Promised by (the customer's contact)"),
                              validators=[DataRequired(), Length(max=100)])


class DeliveryForm(Form):
    id_prefix = "delivery"
    kind = SelectField(_l("What happened"), choices=list(DELIVERY_RECORDS.items()))
    note = TextAreaField(_l("Details"), validators=[DataRequired()])
    remedy = TextAreaField(_l("Remedy plan (when reporting to the customer)"),
                           validators=[Optional()])
