"""The type-ahead picker's markup (static/js/picker.js): a combobox the label names (the text
typed), a listbox of suggestions fetched from a suggestion route, and the hidden id that is
posted. The customer picker (crm/customers/picker.py) and the user picker
(crm/auth/picker.py) are both this control, in forms and in list filter bars."""

from markupsafe import Markup, escape
from wtforms import Field
from wtforms.validators import StopValidation

ID_DIGITS = 9  # an id the integer column can hold


def picker_html(*, id: str, name: str, label: str, url: str, value, text: str,
                placeholder: str = "", text_attrs: dict | None = None,
                hidden_attrs: dict | None = None) -> Markup:
    """The control; `text` is the chosen record's name, `value` its id."""
    listbox = f"{id}-listbox"
    shown = {"type": "text", "id": id, "role": "combobox", "autocomplete": "off",
             "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listbox,
             "value": text, "placeholder": placeholder, "data-picker-text": True,
             **(text_attrs or {})}
    hidden = {"type": "hidden", "name": name, "value": "" if value is None else value,
              "data-picker-value": True, **(hidden_attrs or {})}
    return Markup(
        f'<div class="picker" data-picker data-suggest-url="{escape(url)}">'
        f"<input {_attrs(shown)}><input {_attrs(hidden)}>"
        f'<ul class="picker-list" id="{listbox}" role="listbox" '
        f'aria-label="{escape(label)}" hidden></ul></div>')


def _attrs(values: dict) -> str:
    parts = []
    for key, value in values.items():
        if value is True:
            parts.append(key)
        elif value not in (False, None):
            parts.append(f'{key}="{escape(value)}"')
    return " ".join(parts)


class PickerWidget:
    """Renders a PickedField: hx-* attributes go to the hidden input (it sends `change` when a
    record is chosen), the rest (autofocus, aria-invalid) to the text box."""

    def __call__(self, field, **kwargs):
        hidden_attrs = {k: kwargs.pop(k) for k in list(kwargs) if k.startswith("hx-")}
        return picker_html(
            id=field.id, name=field.name, label=str(field.label.text),
            url=field.suggest_url(), value=field.data, text=field.shown_name(),
            placeholder=str(field.placeholder),
            text_attrs={"required": field.flags.required, **kwargs}, hidden_attrs=hidden_attrs)


class PickedField(Field):
    """A record chosen in a picker: its id, or None. Subclasses say where the suggestions
    come from (`suggest_url`) and which ids are allowed (`allowed_name`: the name of an
    allowed record, None for any other)."""

    widget = PickerWidget()
    placeholder = ""
    invalid_message = ""
    chosen_name: str | None = None  # the chosen record's name, once validated

    def suggest_url(self) -> str:
        raise NotImplementedError

    def allowed_name(self, record_id: int) -> str | None:
        raise NotImplementedError

    def shown_name(self) -> str:
        return (self.allowed_name(self.data) or "") if self.data else ""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = int(self.raw) if self.raw.isdigit() and len(self.raw) <= ID_DIGITS else None

    def pre_validate(self, form):
        """A value typed or posted that names no allowed record is refused with its own
        message (not "required": that is for a field left empty)."""
        if self.data is None:
            if getattr(self, "raw", ""):
                raise StopValidation(self.invalid_message)
            return
        self.chosen_name = self.allowed_name(self.data)
        if self.chosen_name is None:
            self.data = None
            raise StopValidation(self.invalid_message)

    def _value(self):
        return "" if self.data is None else str(self.data)
