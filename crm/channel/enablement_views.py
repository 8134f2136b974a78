"""/channel/trainings, /channel/materials and /channel/report (R-63): dealer training sessions
with their attendees, promotional materials handed out, and the channel report (new dealers
against the yearly growth target, the year's enablement). Channel roles and directors only:
reps see none of it (crm/channel/access.py)."""

from datetime import date

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404, visible
from crm.channel import enablement, report
from crm.channel.access import CHANNEL_ROLES
from crm.channel.figures import Quarter
from crm.channel.forms import MaterialForm, TrainingForm
from crm.channel.models import (
    MATERIAL_KINDS,
    REGIONS,
    TRAINING_KINDS,
    Dealer,
    DealerTraining,
    MaterialHandout,
    TrainingAttendee,
)
from crm.extensions import db
from crm.settings.services import get_setting
from crm.web.edits import saved_redirect, submit_edit
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("enablement", __name__)
QUARTERS_OFFERED = 12  # the training list's quarter filter: the last three years


@bp.context_processor
def labels() -> dict:
    return {"training_kinds": TRAINING_KINDS, "material_kinds": MATERIAL_KINDS,
            "regions": REGIONS}


def _recent_quarters() -> dict[str, str]:
    quarter, offered = Quarter.of(date.today()), {}
    for _n in range(QUARTERS_OFFERED):
        offered[str(quarter.key)] = str(quarter)
        quarter = quarter.previous()
    return offered


def _in_quarter(column, value: str):
    quarter = Quarter.from_key(int(value))
    return column.between(quarter.start, date.fromordinal(quarter.end.toordinal() - 1))


TRAININGS = ListSpec(
    name="training",
    query=lambda: visible(DealerTraining),
    id_column=DealerTraining.id,
    columns=(
        Column("held", _l("Date"), sort=(DealerTraining.held_on, True)),
        Column("kind", _l("Topic")),
        Column("title", _l("Title"), sort=(DealerTraining.search_key, False)),
        Column("trainer", _l("Trainer")),
        Column("dealers", _l("Dealers"), sort=(DealerTraining.dealer_count, True)),
        Column("people", _l("People"), sort=(DealerTraining.people_count, True)),
    ),
    default_sort="held",
    filters=(
        Filter.equals("kind", _l("Topic"), lambda: TRAINING_KINDS, DealerTraining.kind,
                      _l("All topics")),
        Filter("quarter", _l("Quarter"), _recent_quarters,
               lambda v: _in_quarter(DealerTraining.held_on, v), _l("All quarters")),
    ),
    search=lambda term: matches(term, DealerTraining.search_key),
    search_hint=_l("Title or trainer, pinyin or initials"),
    count_text=_l("%(n)s training sessions"),
)

MATERIALS = ListSpec(
    name="material",
    query=lambda: visible(MaterialHandout).join(Dealer, Dealer.id == MaterialHandout.dealer_id)
    .options(joinedload(MaterialHandout.dealer), joinedload(MaterialHandout.handed_by)),
    id_column=MaterialHandout.id,
    columns=(
        Column("handed", _l("Date"), sort=(MaterialHandout.handed_on, True)),
        Column("dealer", _l("Dealer")),
        Column("region", _l("Region")),
        Column("kind", _l("Material")),
        Column("item", _l("Item")),
        Column("quantity", _l("Quantity"), sort=(MaterialHandout.quantity, True)),
        Column("by", _l("Handed out by")),
    ),
    default_sort="handed",
    filters=(
        Filter.equals("kind", _l("Material"), lambda: MATERIAL_KINDS,
                      MaterialHandout.kind, _l("All materials")),
        Filter.equals("region", _l("Region"), lambda: REGIONS, Dealer.region,
                      _l("All regions")),
    ),
    search=lambda term: matches(term, Dealer.search_key),
    search_hint=_l("Dealer name, pinyin or initials"),
    count_text=_l("%(n)s materials handed out"),
)


@bp.get("/channel/trainings")
@roles_required(*CHANNEL_ROLES)
def trainings():
    return render_list("channel/trainings.html", TRAININGS.run())


def _training_or_404(training_id: int) -> DealerTraining:
    """The session with its attendees and their dealers (two queries, however many)."""
    record = db.session.scalar(visible(DealerTraining).where(DealerTraining.id == training_id)
                               .options(selectinload(DealerTraining.attendees)
                                        .joinedload(TrainingAttendee.dealer)))
    if record is None:
        abort(404)
    return record


@bp.get("/channel/trainings/<int:training_id>")
@roles_required(*CHANNEL_ROLES)
def training(training_id: int):
    return render("channel/training.html", training=_training_or_404(training_id))


def _training_form(record: DealerTraining | None) -> TrainingForm:
    form = TrainingForm(obj=record)
    if record is None and request.method == "GET":
        form.held_on.data = date.today()
    return form


def _save_training(record: DealerTraining | None, form: TrainingForm) -> DealerTraining:
    attendees = enablement.parse_attendees(form.attendee_lines.data)
    return enablement.save_training(record, {k: form[k].data for k in enablement.TRAINING_FIELDS},
                                    attendees, current_user.id)


@bp.route("/channel/trainings/new", methods=["GET", "POST"], defaults={"training_id": None})
@bp.route("/channel/trainings/<int:training_id>/edit", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def edit_training(training_id: int | None):
    record = _training_or_404(training_id) if training_id else None
    form = _training_form(record)
    result = submit_edit(form, record, [*enablement.TRAINING_FIELDS, "attendee_lines"],
                         lambda: _save_training(record, form))
    if result.done:
        return saved_redirect(_("Training “%(title)s” saved.", title=result.saved.title),
                              url_for("enablement.training", training_id=result.saved.id))
    return result.render("channel/training_form.html", form=form, training=record)


@bp.get("/channel/materials")
@roles_required(*CHANNEL_ROLES)
def materials():
    return render_list("channel/materials.html", MATERIALS.run())


def _material_form(record: MaterialHandout | None) -> MaterialForm:
    form = MaterialForm(obj=record)
    if record is None and request.method == "GET":
        form.handed_on.data = date.today()
    return form


def _edit_material(record: MaterialHandout | None, dealer: Dealer):
    form = _material_form(record)
    result = submit_edit(form, record, list(enablement.MATERIAL_FIELDS),
                         lambda: enablement.save_material(
                             record, dealer, {k: form[k].data for k in enablement.MATERIAL_FIELDS},
                             current_user.id))
    if result.done:
        return saved_redirect(_("Material handed to %(name)s recorded.", name=dealer.name),
                              url_for("channel.dealer", dealer_id=dealer.id) + "#enablement")
    return result.render("channel/material_form.html", form=form, dealer=dealer,
                         handout=record)


@bp.route("/dealers/<int:dealer_id>/materials/new", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def new_material(dealer_id: int):
    return _edit_material(None, get_visible_or_404(Dealer, dealer_id))


@bp.route("/channel/materials/<int:handout_id>/edit", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def edit_material(handout_id: int):
    record = get_visible_or_404(MaterialHandout, handout_id)
    return _edit_material(record, record.dealer)


@bp.get("/channel/report")
@roles_required(*CHANNEL_ROLES)
def channel_report():
    this_year = date.today().year
    year = request.args.get("year", this_year, type=int)
    year = year if this_year - 10 <= year <= this_year else this_year
    percent = get_setting("dealer_growth_percent")
    total, regions = report.growth(year, percent)
    quarters, trained = report.trainings(year)
    return render("channel/report.html", year=year, years=range(this_year, this_year - 5, -1),
                  percent=percent, total=total, by_region=regions, quarters=quarters,
                  trained=trained, materials=report.materials(year))
