from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from crm.web.forms import Form


class ActedForm(Form):
    """What the product manager did about one feedback item; one form per item on the page,
    so its ids name the item."""

    note = TextAreaField(_l("What was done"), validators=[
        DataRequired(message=_l("Say what was done about it.")), Length(max=2000)])

    def __init__(self, *args, item: str = "", **kwargs):
        self.id_prefix = f"acted-{item}" if item else ""
        super().__init__(*args, **kwargs)
