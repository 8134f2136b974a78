"""/admin/settings: every tunable rule number, grouped, validated, audited."""

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _

from crm.auth.access import roles_required
from crm.deadlines.calendars import missing_years
from crm.extensions import db
from crm.settings.forms import settings_form_class
from crm.settings.registry import DEFINITIONS
from crm.settings.services import all_settings, save_settings
from crm.web.render import render

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
    if form.validate_on_submit():
        changed = save_settings({d.key: form[d.key].data for d in DEFINITIONS})
        db.session.commit()
        flash(_("%(n)d settings saved.", n=len(changed)) if changed else _("Nothing changed."),
              "success")
        return redirect(url_for("settings.index"))
    status = 422 if form.is_submitted() else 200
    return render("settings/index.html", status=status, form=form, groups=_groups(),
                  missing=missing_years())
