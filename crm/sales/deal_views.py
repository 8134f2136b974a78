"""/deals: the kanban board (drag, keyboard, undo, inline edit, signing dialog), the list,
the deal form and page (R-10, R-15, R-19)."""

import json

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import to_user_timezone
from flask_login import current_user
from sqlalchemy import select, union_all
from sqlalchemy.orm import joinedload, selectinload

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404, manages, visible, visible_filter
from crm.base import utcnow
from crm.contracts.models import PAYMENT_METHODS, Contract
from crm.extensions import db
from crm.sales import deals as services
from crm.sales import funnel
from crm.sales.access import DEAL_READER_ROLES, SELLER_ROLES
from crm.sales.forms import DealForm, InlineAmountForm, InlineDateForm, SignForm
from crm.sales.lead_views import customer_choices, editable_lead, link_chips, rep_choices
from crm.sales.models import CHANNELS, Deal, DealLine, Product
from crm.sales.services import SalesError
from crm.web.conflict import is_stale, reload_with_conflict
from crm.web.i18n import this_month
from crm.web.pagination import keyset_page
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("deals", __name__)

BOARD_CARDS_PER_STAGE = 50  # the board shows the latest cards; the list has them all
DEAL_SORTS = {"updated": (Deal.updated_at, True), "value": (Deal.expected_value, True),
              "title": (Deal.search_key, False)}
FORM_FIELDS = list(services.DEAL_FIELDS)
INLINE_FORMS = {"expected_value": InlineAmountForm, "close_date": InlineDateForm}


@bp.context_processor
def labels() -> dict:
    return {"channel_labels": CHANNELS, "payment_methods": PAYMENT_METHODS}


def editable_deal(deal_id: int) -> Deal:
    deal = get_visible_or_404(Deal, deal_id)
    if not manages(current_user, deal.owner_id):
        abort(403)
    return deal


def _newest_cards(columns) -> list[Deal]:
    """Each column's newest cards: one index walk per stage (ix_deals_*_recent), not a rank
    over every visible deal."""
    newest = (Deal.updated_at.desc(), Deal.id.desc())
    per_stage = [select(Deal.id).where(visible_filter(Deal), Deal.stage_id == stage.id)
                 .order_by(*newest).limit(BOARD_CARDS_PER_STAGE).subquery()
                 for stage in columns]
    ids = union_all(*(select(column.c.id) for column in per_stage)).subquery()
    return list(db.session.scalars(
        select(Deal).join(ids, ids.c.id == Deal.id)
        .options(joinedload(Deal.customer)).order_by(*newest)))


def _totals_context() -> dict:
    """The columns and their totals: what a change of one card refreshes out of band."""
    return {"columns": funnel.board_stages(), "totals": services.stage_totals(),
            "can_move": current_user.has_role(*SELLER_ROLES)}


def _board_context() -> dict:
    context = _totals_context()
    by_stage: dict[int, list[Deal]] = {s.id: [] for s in context["columns"]}
    for deal in _newest_cards(context["columns"]):
        by_stage[deal.stage_id].append(deal)
    return context | {"cards": by_stage}


@bp.get("/deals/board")
@roles_required(*DEAL_READER_ROLES)
def board():
    return render("deals/board.html", **_board_context())


def _deal_filters() -> dict:
    return {"q": request.args.get("q", "").strip(), "stage": request.args.get("stage", ""),
            "channel": request.args.get("channel", ""),
            "sort": request.args.get("sort", "updated"),
            # links from the home page and the customer page
            "owner": request.args.get("owner", type=int),
            "customer": request.args.get("customer", type=int),
            "closing": request.args.get("closing") == "month" and "month"}


def _stage_ids(code: str) -> list[int]:
    """The stages a stage filter means: one stage, or every open one ("open")."""
    return [s.id for s in funnel.stages() if s.code == code or (code == "open" and s.is_open)]


def _filtered_deals(f: dict):
    stmt = visible(Deal).options(joinedload(Deal.customer), joinedload(Deal.owner))
    if f["q"]:
        stmt = stmt.where(matches(f["q"], Deal.search_key))
    if f["stage"]:
        stmt = stmt.where(Deal.stage_id.in_(_stage_ids(f["stage"])))
    if f["channel"] in CHANNELS:
        stmt = stmt.where(Deal.channel == f["channel"])
    if f["owner"]:
        stmt = stmt.where(Deal.owner_id == f["owner"])
    if f["customer"]:
        stmt = stmt.where(Deal.customer_id == f["customer"])
    if f["closing"]:
        first, last = this_month()
        stmt = stmt.where(Deal.close_date.between(first, last))
    return stmt


@bp.get("/deals")
@roles_required(*DEAL_READER_ROLES)
def index():
    f = _deal_filters()
    sort_col, descending = DEAL_SORTS.get(f["sort"], DEAL_SORTS["updated"])
    page = keyset_page(_filtered_deals(f), sort_col, Deal.id, request.args.get("after"),
                       descending=descending)
    stages = [("open", _("Open (not signed or lost)")), *funnel.stage_choices()]
    return render("deals/index.html", page=page, filters=f, stages=stages,
                  chips=link_chips(f, closing=lambda v: _("Closing this month")))


def _deal_form(deal: Deal | None) -> DealForm:
    form = DealForm(obj=deal)
    form.customer_id.choices = customer_choices(deal.customer_id if deal else None)
    form.owner_id.choices = rep_choices()
    if deal and deal.owner_id not in dict(form.owner_id.choices):
        form.owner_id.choices.append((deal.owner_id, deal.owner.name))
    products = db.session.scalars(select(Product).where(Product.active).order_by(
        Product.search_key))
    product_choices = [("", "—")] + [(p.id, f"{p.name} · ¥{p.price:,.2f}") for p in products]
    for line in form.lines:
        line.product_id.choices = product_choices
    if deal is None and request.method == "GET":
        form.owner_id.data = current_user.id
        form.customer_id.data = request.args.get("customer", type=int)
    return form


def _lines(form: DealForm) -> list[dict]:
    """The filled-in lines; a line without a product is ignored. Price defaults to the
    product's list price."""
    chosen = [entry.form for entry in form.lines if entry.form.product_id.data]
    prices = dict(db.session.execute(select(Product.id, Product.price).where(
        Product.id.in_([line.product_id.data for line in chosen]))).all())
    return [{"product_id": line.product_id.data, "quantity": line.quantity.data or 1,
             "unit_price": line.unit_price.data if line.unit_price.data is not None
             else prices.get(line.product_id.data, 0),
             "discount_percent": line.discount_percent.data or 0}
            for line in chosen if line.product_id.data in prices]


def _save(form: DealForm, deal: Deal | None) -> Deal | None:
    try:
        return services.save_deal(deal, {k: form[k].data for k in FORM_FIELDS}, _lines(form))
    except SalesError as error:
        form.add_error(error.field, error.message)
        return None


@bp.route("/deals/new", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def new():
    form = _deal_form(None)
    if form.validate_on_submit() and (deal := _save(form, None)):
        db.session.commit()
        flash(_("Deal created."), "success")
        return redirect(url_for("deals.show", deal_id=deal.id))
    status = 422 if form.is_submitted() else 200
    return render("deals/form.html", status=status, form=form, deal=None, conflicts=[])


@bp.route("/deals/<int:deal_id>/edit", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def edit(deal_id: int):
    deal = editable_deal(deal_id)
    form = _deal_form(deal)
    status, conflicts = 200, []
    if form.validate_on_submit():
        if is_stale(form, deal):
            conflicts, status = reload_with_conflict(form, deal, FORM_FIELDS), 409
        elif _save(form, deal):
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("deals.show", deal_id=deal.id))
        else:
            status = 422
    elif form.is_submitted():
        status = 422
    return render("deals/form.html", status=status, form=form, deal=deal, conflicts=conflicts)


@bp.get("/deals/<int:deal_id>")
@roles_required(*DEAL_READER_ROLES)
def show(deal_id: int):
    deal = db.session.scalar(
        visible(Deal).where(Deal.id == deal_id).options(
            joinedload(Deal.customer), joinedload(Deal.owner),
            selectinload(Deal.lines).joinedload(DealLine.product)))
    if deal is None:
        abort(404)
    contract = db.session.scalar(select(Contract).where(Contract.deal_id == deal.id))
    return render("deals/show.html", deal=deal, history=services.deal_history(deal),
                  contract=contract, can_edit=manages(current_user, deal.owner_id),
                  lost_stage=funnel.stage("lost"), lost_reasons=funnel.lost_reasons())


@bp.post("/leads/<int:lead_id>/deal")
@roles_required(*SELLER_ROLES)
def convert(lead_id: int):
    lead = editable_lead(lead_id)
    try:
        deal = services.convert_lead(lead)
    except SalesError as error:
        flash(error.message, "error")
        return redirect(url_for("leads.show", lead_id=lead.id), 303)
    db.session.commit()
    flash(_("Deal created from the lead."), "success")
    return redirect(url_for("deals.show", deal_id=deal.id), 303)


def _sign_form(deal: Deal, *, blank: bool = False) -> SignForm:
    """The signing form: what was posted, or (`blank`, or on GET) the deal's defaults."""
    today = to_user_timezone(utcnow()).date()  # the user's day, not the server's
    defaults = {"price": deal.lines_total or deal.expected_value, "signed_at": today}
    if blank:
        return SignForm(formdata=None, data=defaults)
    form = SignForm()
    if not form.is_submitted():
        form.process(data=defaults)
    return form


def _sign_response(deal: Deal, form: SignForm, status: int = 200, *, dialog: bool = False):
    response = render("deals/sign.html", status=status, deal=deal, form=form,
                      block="sign_dialog_body" if dialog else None)
    if dialog:
        response.headers["HX-Retarget"] = "#sign-dialog-body"
        response.headers["HX-Reswap"] = "innerHTML"
        response.headers["HX-Trigger-After-Swap"] = "sign-requested"
    return response


@bp.post("/deals/<int:deal_id>/move")
@roles_required(*SELLER_ROLES)
def move(deal_id: int):
    deal = editable_deal(deal_id)
    stage = next((s for s in funnel.stages() if s.id == request.form.get("stage_id", type=int)),
                 None)
    if stage is None:
        abort(422)
    if stage.is_won:  # signing needs the contract terms first
        if request.headers.get("HX-Request"):
            return _sign_response(deal, _sign_form(deal, blank=True), dialog=True)
        return redirect(url_for("deals.sign", deal_id=deal.id), 303)
    try:
        previous = services.move_deal(deal, stage, request.form.get("lost_reason_id", type=int))
    except SalesError as error:
        flash(error.message, "error")
        return redirect(url_for("deals.board"), 303)
    db.session.commit()
    if stage.is_lost:
        flash(_("Deal marked as lost."), "success")
        return redirect(url_for("deals.show", deal_id=deal.id), 303)
    if not request.headers.get("HX-Request"):
        return redirect(url_for("deals.board"), 303)
    block = _move_block()
    context = _board_context() if block == "board" else _totals_context()
    response = render("deals/board.html", block=block, deal=deal, **context)
    if previous is not None:
        response.headers["HX-Trigger"] = _moved_event(deal, stage, previous)
    return response


def _move_block() -> str:
    """A drag swaps the card and the totals; the keyboard form and Undo redraw the board."""
    return "board" if request.headers.get("HX-Target") == "board" else "card_moved"


def _moved_event(deal: Deal, stage, previous: int) -> str:
    return json.dumps({"deal-moved": {
        "text": _("%(title)s moved to %(stage)s.", title=deal.title, stage=stage.label),
        "undoUrl": url_for("deals.move", deal_id=deal.id), "undoStage": previous,
        "undoLabel": _("Undo")}})


@bp.route("/deals/<int:deal_id>/sign", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def sign(deal_id: int):
    deal = editable_deal(deal_id)
    form = _sign_form(deal)
    dialog = request.headers.get("HX-Target") == "sign-dialog-body"
    if form.validate_on_submit():
        try:
            services.sign_deal(deal, price=form.price.data,
                               payment_method=form.payment_method.data,
                               payment_terms=form.payment_terms.data,
                               breach_liability=form.breach_liability.data,
                               signed_at=form.signed_at.data)
        except SalesError as error:
            form.add_error(None, error.message)
        else:
            db.session.commit()
            flash(_("Contract signed for %(title)s.", title=deal.title), "success")
            target = url_for("deals.show", deal_id=deal.id)
            if request.headers.get("HX-Request"):  # leave the dialog for the deal's page
                return make_response("", 204, {"HX-Redirect": target})
            return redirect(target, 303)
    status = 422 if form.is_submitted() else 200
    return render("deals/sign.html", status=status, deal=deal, form=form,
                  block="sign_dialog_body" if dialog else None)


def _inline_form(field: str, deal: Deal):
    if field not in INLINE_FORMS:
        abort(404)
    form = INLINE_FORMS[field](data={"value": getattr(deal, field), "version": deal.version}
                               if request.method == "GET" else None)
    return form


@bp.get("/deals/<int:deal_id>/value/<field>")
@roles_required(*DEAL_READER_ROLES)
def value(deal_id: int, field: str):
    deal = get_visible_or_404(Deal, deal_id)
    if field not in INLINE_FORMS:
        abort(404)
    return render("deals/_inline.html", block="display", deal=deal, field=field,
                  can_move=manages(current_user, deal.owner_id))


@bp.route("/deals/<int:deal_id>/value/<field>/edit", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def edit_value(deal_id: int, field: str):
    deal = editable_deal(deal_id)
    form = _inline_form(field, deal)
    status, current = 200, None
    if form.validate_on_submit():
        if str(form.version.data) != str(deal.version):
            status, current = 409, getattr(deal, field)
            form.version.data = str(deal.version)
        else:
            services.set_inline(deal, field, form.value.data)
            db.session.commit()
            response = render("deals/_inline.html", block="display", deal=deal, field=field,
                              oob_totals=True, **_totals_context())
            response.headers["HX-Trigger"] = "deal-changed"
            return response
    elif form.is_submitted():
        status = 422
    return render("deals/_inline.html", block="editor", status=status, deal=deal, field=field,
                  form=form, current=current)
