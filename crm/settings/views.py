"""/admin/settings: every tunable rule number, grouped, validated, audited."""

from flask import Blueprint, url_for
from flask_babel import gettext as _

from crm.auth.access import roles_required
from crm.deadlines.calendars import missing_years
from crm.settings.forms import settings_form_class
from crm.settings.registry import DEFINITIONS
from crm.settings.services import all_settings, save_settings
from crm.web.edits import saved_redirect, submit_edit

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


def _groups() -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for d in DEFINITIONS:
        groups.setdefault(str(d.group), []).append(d)
    return list(groups.items())


@bp.route("", methods=["GET", "POST"])
@roles_required("admin")
def index():
    form = settings_form_class()(data=all_settings())
    result = submit_edit(form, None, [], lambda: save_settings(
        {d.key: form[d.key].data for d in DEFINITIONS}))
    if result.done:
        changed = result.saved
        message = _("%(n)d settings saved.", n=len(changed)) if changed else _("Nothing changed.")
        return saved_redirect(message, url_for("settings.index"))
    return result.render("settings/index.html", form=form, groups=_groups(),
                         missing=missing_years())
