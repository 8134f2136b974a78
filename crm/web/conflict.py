"""Stale edits (409): compare the version the form was opened with, keep what was typed."""

from flask_babel import gettext as _


def is_stale(form, record) -> bool:
    return str(form.version.data or "") != str(record.version)


def reload_with_conflict(form, record, fields: list[str]) -> list[dict]:
    """Put the record's current values into the form; return what the user had typed that
    differs, so nothing typed is lost."""
    typed = {name: form[name].data for name in fields}
    form.process(obj=record)
    form.version.data = str(record.version)
    conflicts = []
    for name in fields:
        if typed[name] != form[name].data:
            conflicts.append({"label": form[name].label.text, "yours": typed[name]})
    form.form_errors.append(_("Someone else saved this record meanwhile. The current values "
                              "are shown; yours are listed below. Save again to overwrite."))
    return conflicts
