"""The customer picker: one type-ahead control for every form that picks a customer. The
field posts the customer's id; the suggestions come from `/customers/suggest` (name, full
pinyin, initials, the company's or a contact's phone; visible customers only)."""

from flask import Blueprint, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field, ValidationError

from crm.auth.access import roles_required
from crm.auth.scopes import visible
from crm.customers.access import CUSTOMER_ROLES
from crm.customers.models import Customer
from crm.customers.views import customer_search
from crm.extensions import db
from crm.web.pagination import sorted_after_search
from crm.web.render import render

bp = Blueprint("picker", __name__)

SUGGESTIONS = 8
TERM_MAX = 50
ID_DIGITS = 9  # an id the integer column can hold


def suggestions(term: str, limit: int = SUGGESTIONS) -> list:
    """The first visible customers that match `term`, by name order: one bounded query
    through the search keys and their indexes, like the customer list's search."""
    term = term.strip()[:TERM_MAX]
    if not term:
        return []
    stmt = (visible(Customer).with_only_columns(Customer.id, Customer.name, Customer.city)
            .where(customer_search(term))
            .order_by(sorted_after_search(Customer.search_key, term), Customer.id).limit(limit))
    return list(db.session.execute(stmt))


@bp.get("/customers/suggest")
@roles_required(*CUSTOMER_ROLES)
def suggest():
    """The picker's options for what was typed (an htmx/fetch fragment)."""
    return render("customers/_suggestions.html", found=suggestions(request.args.get("q", "")))


def _visible_name(customer_id: int | None) -> str:
    if not customer_id:
        return ""
    return db.session.scalar(visible(Customer).with_only_columns(Customer.name)
                             .where(Customer.id == customer_id)) or ""


class PickerWidget:
    """A combobox (the text typed) over a listbox of suggestions, and the hidden id that is
    posted. hx-* attributes go to the hidden input: it sends `change` when a customer is
    chosen; the rest (autofocus, aria-invalid) to the text box the label names."""

    def __call__(self, field, **kwargs):
        hidden_attrs = {k: kwargs.pop(k) for k in list(kwargs) if k.startswith("hx-")}
        listbox = f"{field.id}-listbox"
        text_attrs = {
            "type": "text", "id": field.id, "role": "combobox", "autocomplete": "off",
            "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listbox,
            "value": _visible_name(field.data), "placeholder": field.placeholder,
            "required": field.flags.required, "data-picker-text": True, **kwargs}
        hidden = {"type": "hidden", "name": field.name, "value": field.data or "",
                  "data-picker-value": True, **hidden_attrs}
        return Markup(
            f'<div class="picker" data-picker data-suggest-url="{url_for("picker.suggest")}">'
            f"<input {_attrs(text_attrs)}><input {_attrs(hidden)}>"
            f'<ul class="picker-list" id="{listbox}" role="listbox" '
            f'aria-label="{escape(field.label.text)}" hidden></ul></div>')


def _attrs(values: dict) -> str:
    parts = []
    for key, value in values.items():
        if value is True:
            parts.append(key)
        elif value not in (False, None):
            parts.append(f'{key}="{escape(value)}"')
    return " ".join(parts)


class CustomerField(Field):
    """A customer chosen in the picker: its id, or None. Only a customer the user may see is
    accepted."""

    widget = PickerWidget()
    placeholder = _l("Name, pinyin, initials or phone")
    chosen_name: str | None = None  # the chosen customer's name, once validated

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = int(self.raw) if self.raw.isdigit() and len(self.raw) <= ID_DIGITS else None

    def pre_validate(self, form):
        if self.data is None:
            if getattr(self, "raw", ""):
                raise ValidationError(_l("Choose a customer from the suggestions."))
            return
        self.chosen_name = _visible_name(self.data) or None
        if self.chosen_name is None:
            self.data = None
            raise ValidationError(_l("Choose a customer from the suggestions."))

    def _value(self):
        return "" if self.data is None else str(self.data)

