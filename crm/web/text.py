"""The one rule for cleaning typed text: forms (crm/web/forms.py) and search terms use it."""

import unicodedata

_KEPT_IN_TEXTAREAS = frozenset("\n\t")


def clean_text(value: str, multiline: bool = False) -> str:
    """The one cleaning rule: no control characters (newline and tab stay in text areas), a
    value made only of blanks and invisible characters is empty, a one-line value is trimmed."""
    if multiline:
        value = value.replace("\r\n", "\n")
    kept = _KEPT_IN_TEXTAREAS if multiline else frozenset()
    value = "".join(c for c in value if c in kept or unicodedata.category(c) != "Cc")
    if all(c.isspace() or unicodedata.category(c) == "Cf" for c in value):
        return ""
    return value if multiline else value.strip()
