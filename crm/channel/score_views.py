"""/channel/scores: the quarterly scoring table (flow 3, R-62): every dealer of a quarter with
its figures, sortable, filterable, with sparklines, warning states, inline adjustments and
exports. It reads stored scores only (crm/channel/scorecards.py)."""

from flask import Blueprint, Response, abort, make_response, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404
from crm.channel import scorecards, scoring
from crm.channel.access import CHANNEL_ROLES
from crm.channel.figures import Quarter
from crm.channel.forms import AdjustForm
from crm.channel.models import DEALER_STATUSES, REGIONS, DealerScore
from crm.channel.score_table import rows_html, table_rows
from crm.errors import DomainError
from crm.extensions import db
from crm.settings.services import get_setting
from crm.web.render import render

bp = Blueprint("scores", __name__)
ROWS_SLOT = "<!--score-rows-->"


def _quarter(stored: list[Quarter]) -> Quarter | None:
    key = request.args.get("quarter", type=int)
    if key and Quarter.from_key(key) in stored:
        return Quarter.from_key(key)
    return stored[0] if stored else None


def _view() -> dict:
    stored = scorecards.stored_quarters()
    quarter = _quarter(stored)
    region = request.args.get("region", "") if request.args.get("region") in REGIONS else ""
    status = request.args.get("status", "") if request.args.get(
        "status") in DEALER_STATUSES else ""
    sort = request.args.get("sort", "score")
    sort = sort if sort in scorecards.SORTS else "score"
    descending = request.args.get("dir", "desc") != "asc"
    return {"stored": stored, "quarter": quarter, "region": region, "state": status,
            "sort": sort, "descending": descending}


@bp.get("/channel/scores")
@roles_required(*CHANNEL_ROLES)
def index():
    view = _view()
    pass_mark = get_setting("dealer_pass_score")
    rows, flagged, count = table_rows(
        view["quarter"], pass_mark, region=view["region"], status=view["state"],
        sort=view["sort"], descending=view["descending"]) if view["quarter"] else (b"", [], 0)
    response = render("channel/scores.html", count=count, regions=REGIONS, flagged=flagged,
                      rows_html=Markup(ROWS_SLOT), dealer_statuses=DEALER_STATUSES,
                      pass_mark=pass_mark, **view)
    # the rows go in as the bytes they are kept as (score_table.table_rows)
    response.set_data(rows.join(response.get_data().split(ROWS_SLOT.encode(), 1)))
    return response


def _export(kind: str):
    view = _view()
    if view["quarter"] is None:
        abort(404)
    rows = scorecards.score_rows(view["quarter"], region=view["region"], status=view["state"],
                                 sort=view["sort"], descending=view["descending"])
    table = scorecards.export_rows(rows, {"regions": REGIONS, "statuses": DEALER_STATUSES})
    header = [str(label) for label in EXPORT_LABELS]
    name = f"dealer-scores-{view['quarter'].year}Q{view['quarter'].number}"
    if kind == "csv":
        response = Response(scorecards.as_csv(header, table), mimetype="text/csv")
    else:
        response = Response(
            scorecards.as_xlsx(header, table, str(view["quarter"])),
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f"attachment; filename={name}.{kind}"
    response.vary.add("HX-Request")  # like every page (crm/web/render.py)
    return response


EXPORT_LABELS = (_l("Dealer"), _l("Region"), _l("Status"), _l("Target"), _l("Signed revenue"),
                 _l("Attainment, %"), _l("New customers"), _l("Complaints"),
                 _l("Complaint rate, %"), _l("Score"), _l("Adjusted score"),
                 _l("Reason for the adjustment"), _l("Passed"), _l("Failed quarters in a row"),
                 _l("Rebate, %"))


@bp.get("/channel/scores.csv")
@roles_required(*CHANNEL_ROLES)
def export_csv():
    return _export("csv")


@bp.get("/channel/scores.xlsx")
@roles_required(*CHANNEL_ROLES)
def export_xlsx():
    return _export("xlsx")


def _row_page(score: DealerScore, form: AdjustForm | None = None, status: int = 200):
    row = scorecards.one_row(score)
    if form is not None:
        return render("channel/_score_edit.html", status=status, row=row, form=form,
                      state=scorecards.state(row))
    response = make_response(rows_html([row], get_setting("dealer_pass_score"))[0])
    response.vary.add("HX-Request")  # like every page (crm/web/render.py)
    return response


@bp.get("/channel/scores/<int:score_id>")
@roles_required(*CHANNEL_ROLES)
def row(score_id: int):
    """The row as shown (Esc leaves the editor)."""
    return _row_page(get_visible_or_404(DealerScore, score_id))


@bp.route("/channel/scores/<int:score_id>/adjust", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def adjust(score_id: int):
    """The row's inline editor: the adjusted score and its reason; Enter saves, Esc cancels."""
    score = get_visible_or_404(DealerScore, score_id)
    form = AdjustForm(obj=None if request.method == "POST" else score,
                      data=None if request.method == "POST" else {
                          "score": score.effective_score, "reason": score.adjustment_reason,
                          "version": score.version})
    if not form.validate_on_submit():
        return _row_page(score, form, 422 if form.is_submitted() else 200)
    if str(score.version) != (form.version.data or ""):
        form.form_errors.append(_("Someone else adjusted this score meanwhile: its current "
                                  "value is shown."))
        form.score.data, form.version.data = score.effective_score, score.version
        return _row_page(score, form, 409)
    try:
        scoring.adjust(score, form.score.data, form.reason.data, current_user.id)
    except DomainError as error:
        form.add_error(error.field, error.message)
        return _row_page(score, form, 422)
    db.session.commit()
    return _row_page(score)
