from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
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

from crm.auth.picker import UserField
from crm.campaigns.models import KINDS
from crm.sales.forms import MoneyField, plausible_amount
from crm.web.forms import Form

DAY = "%Y-%m-%d"
GOAL_MAX = 10_000_000


class CampaignForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    kind = SelectField(_l("Type"), choices=list(KINDS.items()), default="trade_show")
    starts_on = DateField(_l("Start"), format=DAY, validators=[DataRequired()])
    ends_on = DateField(_l("End"), format=DAY, validators=[DataRequired()])
    department_id = SelectField(_l("Department"), coerce=int)
    budget = MoneyField(_l("Budget (CNY)"), places=2, validators=[InputRequired(),
                                                                   plausible_amount])
    goal_leads = IntegerField(_l("Goal: leads"), default=0,
                              validators=[Optional(), NumberRange(min=0, max=GOAL_MAX)])
    goal_deals = IntegerField(_l("Goal: deals"), default=0,
                              validators=[Optional(), NumberRange(min=0, max=GOAL_MAX)])
    goal_revenue = MoneyField(_l("Goal: signed revenue (CNY)"), places=2, default=0,
                              validators=[Optional(), plausible_amount])
    note = TextAreaField(_l("Note"), validators=[Optional()])
    version = HiddenField()


class SubmitForm(Form):
    emergency = BooleanField(_l("Emergency execution: go ahead now, approvals recorded "
                                "afterwards"))


class DecisionForm(Form):
    def __init__(self, *args, id_prefix: str = "", **kwargs):
        self.id_prefix = id_prefix  # one form per request on the campaign page
        super().__init__(*args, **kwargs)

    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")),
                                                     ("reject", _l("Reject"))])
    comment = TextAreaField(_l("Comment (a rejection needs the reason)"),
                            validators=[Optional(), Length(max=1000)])


class StatusForm(Form):
    status = SelectField(_l("Status"))


class CostForm(Form):
    what = StringField(_l("What"), validators=[DataRequired(), Length(max=200)])
    amount = MoneyField(_l("Amount (CNY)"), places=2, validators=[InputRequired(),
                                                                   plausible_amount])
    spent_on = DateField(_l("Date"), format=DAY, validators=[DataRequired()])
    is_purchase = BooleanField(_l("A purchase (department head → finance → CEO)"))
    emergency = BooleanField(_l("Emergency execution: go ahead now, approvals recorded "
                                "afterwards"))


def optional_int(value):
    return int(value) if value not in (None, "") else None


class ActionForm(WtfForm):
    """One action item of the minutes (a sub-form: the minutes form carries the CSRF token);
    a row left empty is skipped."""

    what = StringField(_l("Action item"), validators=[Optional(), Length(max=200)])
    owner_id = UserField(_l("Owner"), rule="colleague")
    due_on = DateField(_l("Deadline"), format=DAY, validators=[Optional()])

    def validate_due_on(self, field) -> None:
        if self.what.data and not field.data:
            raise ValidationError(_l("When is it due?"))


class MinutesForm(Form):
    phase_id = SelectField(_l("Phase it records"), coerce=optional_int)
    held_on = DateField(_l("Held on"), format=DAY, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    topics = TextAreaField(_l("Topics"), validators=[DataRequired()])
    decisions = TextAreaField(_l("Decisions"), validators=[DataRequired()])
    record = TextAreaField(_l("Written record"), validators=[Optional()])
    actions = FieldList(FormField(ActionForm), min_entries=3, max_entries=10)

    def action_items(self) -> list[dict]:
        return [{"what": row.what.data, "owner_id": row.owner_id.data, "due_on": row.due_on.data}
                for row in self.actions if row.what.data]


class DocumentForm(Form):
    name = StringField(_l("Name (项目名称-日期-版本号)"), validators=[DataRequired(),
                                                                 Length(max=150)])
    file = FileField(_l("File"))
    is_contract = BooleanField(_l("An important contract: only directors and finance read it"))
