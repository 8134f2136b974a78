"""Admin forms: a working calendar, one of its days, a year's import, a kind's rule."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from crm.auth.forms import ROLE_LABELS, MultiCheckboxField
from crm.auth.models import ROLES
from crm.deadlines.calendars import ZONES
from crm.deadlines.kinds import CALENDAR, WORKING
from crm.deadlines.models import HOLIDAY, WEEKDAY_LABELS, WEEKDAYS, WORKDAY
from crm.deadlines.rules import MAX_LEVEL
from crm.web.forms import Form

HOURS_HELP = _l("Like 09:00-12:00, 13:30-18:00; blank: not worked.")
DAY_KINDS = {HOLIDAY: _l("Holiday"), WORKDAY: _l("Make-up working day (调休)")}
BASIS_LABELS = {CALENDAR: _l("Calendar time"), WORKING: _l("Working time")}
MINUTES = _l("Enter a whole number of minutes.")


def _hours_field(label):
    return StringField(label, validators=[Length(max=200)], description=HOURS_HELP)


class CalendarForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    timezone = SelectField(_l("Time zone"), choices=[(z, z) for z in ZONES],
                           default="Asia/Shanghai")
    is_default = BooleanField(_l("Company default"))
    national_holidays = BooleanField(_l("Follows China's national holidays"), default=True)
    team_ids = MultiCheckboxField(_l("Teams"), coerce=int)
    version = HiddenField()


for _day, _label in zip(WEEKDAYS, WEEKDAY_LABELS, strict=True):
    setattr(CalendarForm, f"hours_{_day}", _hours_field(_label))


class DayForm(Form):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date like 2027-01-01."))])
    kind = SelectField(_l("Kind"), choices=list(DAY_KINDS.items()))
    hours = StringField(_l("Hours"), validators=[Length(max=200)])
    name = StringField(_l("Name"), validators=[Length(max=100)])


class YearForm(Form):
    year = IntegerField(_l("Year"), validators=[
        InputRequired(), NumberRange(2000, 2100, _l("Enter a year from 2000 to 2100."))])


class ImportForm(YearForm):
    id_prefix = "import"  # it shares the calendar's page with the calendar's own form
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))])


def _role_choices():
    return [("", _l("Nobody"))] + [(r, ROLE_LABELS[r]) for r in ROLES if r != "admin"]


class KindForm(Form):
    basis = SelectField(_l("Counted in"), choices=list(BASIS_LABELS.items()))
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[
        Optional(), NumberRange(1, 525600, MINUTES)])
    version = HiddenField()


for _level in range(2, MAX_LEVEL + 1):
    setattr(KindForm, f"role_{_level}", SelectField(
        _l("Level %(n)d alerts", n=_level), choices=_role_choices(), default=""))
    setattr(KindForm, f"delay_{_level}", IntegerField(
        _l("Minutes after the due time"), validators=[Optional(), NumberRange(0, 525600,
                                                                              MINUTES)]))
