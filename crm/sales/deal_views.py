"""/deals: the kanban board (drag, keyboard, undo, inline edit, signing dialog), the list,
the deal form and page (R-10, R-15, R-19)."""

from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_htmx import make_response as htmx_response
from flask_login import current_user
from sqlalchemy import or_, select, union_all
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.datastructures import MultiDict

from crm.auth.access import roles_required
from crm.auth.models import Team, User
from crm.auth.picker import allowed_name, filter_picker, user_filter
from crm.auth.scopes import (
    get_editable_or_404,
    get_visible_or_404,
    manages,
    team_subtree_ids,
    visible,
    visible_filter,
)
from crm.base import utcnow
from crm.channel.dealers import dealer_choices, visible_dealer_name
from crm.contracts.models import PAYMENT_METHODS, Contract
from crm.errors import DomainError
from crm.extensions import db, htmx
from crm.sales import deals as services
from crm.sales import funnel
from crm.sales.access import DEAL_READER_ROLES, SELLER_ROLES
from crm.sales.choices import customer_link
from crm.sales.forms import (
    DealForm,
    InlineAmountForm,
    InlineDateForm,
    LoseForm,
    NewDealForm,
    SignForm,
)
from crm.sales.models import CHANNELS, Deal, DealLine, DealStageTotal, Lead, Product
from crm.settings.services import get_setting
from crm.web import submissions
from crm.web.edits import saved_redirect, submit_edit
from crm.web.i18n import local_time, this_month, translated
from crm.web.layout import flash_undo
from crm.web.lists import Column, Filter, Link, ListSpec, render_list
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("deals", __name__)

BOARD_CARDS_PER_STAGE = 50  # the board shows the latest cards; the list has them all
FORM_FIELDS = list(services.DEAL_FIELDS)
NEW_DEAL_FIELDS = ("title", "expected_value", "close_date")
INLINE_FORMS = {"expected_value": InlineAmountForm, "close_date": InlineDateForm}


@bp.context_processor
def labels() -> dict:
    return {"channel_labels": translated(CHANNELS), "payment_methods": PAYMENT_METHODS}


def _newest_cards(columns, scope) -> list[Deal]:
    """Each column's newest cards: one index walk per stage (ix_deals_*_recent), not a rank
    over every visible deal."""
    newest = (Deal.updated_at.desc(), Deal.id.desc())
    per_stage = [select(Deal.id).where(visible_filter(Deal), Deal.stage_id == stage.id, *scope)
                 .order_by(*newest).limit(BOARD_CARDS_PER_STAGE).subquery()
                 for stage in columns]
    ids = union_all(*(select(column.c.id) for column in per_stage)).subquery()
    return list(db.session.scalars(
        select(Deal).join(ids, ids.c.id == Deal.id)
        .options(joinedload(Deal.customer), joinedload(Deal.owner)).order_by(*newest)))


def _oversees() -> bool:
    """Managers and above see other people's cards: owner chips and owner/team filters."""
    return current_user.has_role("manager", "director", "admin")


def _team_choices() -> list[tuple]:
    teams = select(Team.id, Team.name).where(Team.level != "hq").order_by(Team.name)
    if not current_user.has_role("director", "admin"):
        teams = teams.where(Team.id.in_(team_subtree_ids(current_user.team_id)))
    return [tuple(row) for row in db.session.execute(teams)]


def _board_args() -> MultiDict:
    """The board's query: the request's, or for a change made on the board (an htmx POST)
    the query of the board it was made on, so the totals it refreshes keep the filters."""
    if request.method == "GET":
        return request.args
    return MultiDict(parse_qsl(urlsplit(htmx.current_url or "").query))


def _board_filters() -> dict:
    """The owner and team filters of an overseer, each kept only when it is one they may
    choose (the scopes still decide what is visible)."""
    if not _oversees():
        return {}
    teams, args = _team_choices(), _board_args()
    owner, team = args.get("owner", ""), args.get("team", type=int)
    name = allowed_name("rep", owner)
    return {"owner": int(owner) if name else None,
            "owner_picker": filter_picker("owner", _("Owner"), "rep", owner if name else "",
                                          name or "", shown_label=True),
            "team": team if team in dict(teams) else None, "teams": teams}


def _owner_scope(owner_column, filters: dict) -> list:
    scope = []
    if filters.get("owner"):
        scope.append(owner_column == filters["owner"])
    if filters.get("team"):
        scope.append(owner_column.in_(select(User.id).where(
            User.team_id.in_(team_subtree_ids(filters["team"])))))
    return scope


def _totals_context(filters: dict | None = None) -> dict:
    """The columns and their totals: what a change of one card refreshes out of band."""
    filters = _board_filters() if filters is None else filters
    scope = _owner_scope(DealStageTotal.owner_id, filters)
    return {"columns": funnel.board_stages(), "totals": services.stage_totals(*scope),
            "can_move": current_user.has_role(*SELLER_ROLES), "show_owner": _oversees()}


def _board_context() -> dict:
    filters = _board_filters()
    context = _totals_context(filters)
    by_stage: dict[int, list[Deal]] = {s.id: [] for s in context["columns"]}
    for deal in _newest_cards(context["columns"], _owner_scope(Deal.owner_id, filters)):
        by_stage[deal.stage_id].append(deal)
    return context | {"cards": by_stage, "filters": filters}


@bp.get("/deals/board")
@roles_required(*DEAL_READER_ROLES)
def board():
    return render("sales/deals/board.html", **_board_context())


def _stage_ids(code: str) -> list[int]:
    """The stages a stage filter means: one stage, or every open one ("open")."""
    return [s.id for s in funnel.stages() if s.code == code or (code == "open" and s.is_open)]


def _closing(value: str):
    if value != "month":
        raise ValueError(value)
    return Deal.close_date.between(*this_month())


DEALS = ListSpec(
    name="deal",
    query=lambda: visible(Deal).options(joinedload(Deal.customer), joinedload(Deal.owner)),
    id_column=Deal.id,
    columns=(
        Column("title", _l("Title"), sort=(Deal.search_key, False)),
        Column("customer", _l("Customer")),
        Column("stage", _l("Stage")),
        Column("value", _l("Expected value"), sort=(Deal.expected_value, True)),
        Column("close", _l("Expected close date")),
        Column("channel", _l("Sales channel")),
        Column("owner", _l("Owner")),
        Column("updated", _l("Updated"), sort=(Deal.updated_at, True)),
    ),
    default_sort="updated",
    filters=(
        Filter("stage", _l("Stage"), lambda: [
            ("open", _("Open (not signed or lost)")), *funnel.stage_choices()],
            lambda v: Deal.stage_id.in_(_stage_ids(v)), _l("All stages")),
        Filter.equals("channel", _l("Sales channel"), lambda: CHANNELS, Deal.channel,
                      _l("All channels")),
    ),
    # links from the home page and the customer page
    links=(customer_link(Deal),
           Link("closing", lambda v: _("Closing this month"), _closing)),
    picks=(user_filter("owner", _l("Owner"), "rep", lambda v: Deal.owner_id == v, _oversees),),
    search=lambda term: matches(term, Deal.search_key),
    search_hint=_l("Title or customer, pinyin or initials"),
    count_text=_l("%(n)s deals"),
)


@bp.get("/deals")
@roles_required(*DEAL_READER_ROLES)
def index():
    return render_list("sales/deals/index.html", DEALS.run())


def _product_choices() -> list[tuple]:
    products = db.session.scalars(select(Product).where(Product.active).order_by(
        Product.search_key))
    return [("", "—")] + [(p.id, f"{p.name} · ¥{p.price:,.2f}") for p in products]


def _deal_form(deal: Deal | None, form_class=DealForm):
    form = form_class(obj=deal)
    if "dealer_id" in form:
        form.dealer_id.choices = dealer_choices(deal.dealer_id if deal else None)
    form.owner_id.kept = deal.owner_id if deal else None
    product_choices = _product_choices()
    for line in form.lines:
        line.product_id.choices = product_choices
    if deal is None and request.method == "GET":
        form.owner_id.data = current_user.id
        form.customer_id.data = request.args.get("customer", type=int)
    return form


def _first_invalid(form, default: str) -> str:
    """The field to focus: the first one in error, else `default`."""
    return next((name for name, field in form._fields.items() if field.errors), default)


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


def _save(form, deal: Deal | None) -> Deal | None:
    fields = [name for name in FORM_FIELDS if name in form]
    try:
        return services.save_deal(deal, {k: form[k].data for k in fields}, _lines(form))
    except DomainError as error:
        form.add_error(error.field, error.message)
        return None


def _in_dialog() -> bool:
    return htmx.target == "deal-dialog-body"


def _new_deal_response(form, status: int, *, lead=None):
    """The short form that starts a deal: in the dialog over the page the user came from
    (htmx), or as a page of its own."""
    return render("sales/deals/new.html", status=status, form=form, lead=lead,
                  focus=_first_invalid(form, "title"),
                  block="deal_dialog_body" if _in_dialog() else None)


def _on_board() -> bool:
    return urlsplit(htmx.current_url or "").path == url_for("deals.board")


def _created(deal: Deal):
    """After the dialog on the board: the new card at the top of its column, a toast with a
    link to it; from elsewhere (or without JavaScript): the deal's page."""
    target = url_for("deals.show", deal_id=deal.id)
    if _in_dialog() and _on_board():
        return htmx_response(
            render("sales/deals/board.html", block="card_moved", deal=deal, **_totals_context()),
            retarget=f'.board-cards[data-stage-id="{deal.stage_id}"]', reswap="afterbegin",
            trigger=_done_event("deal-created", _("Deal %(title)s created.", title=deal.title),
                                target, _("Open")))
    flash(_("Deal created."), "success")
    if _in_dialog():
        return htmx_response("", 204, redirect=target)
    return redirect(target, 303)


def _done_event(name: str, text: str, href: str, link_label: str) -> dict:
    """A server event the board shows as a toast with a link (and that closes its dialog)."""
    return {name: {"text": text, "href": href, "linkLabel": link_label}}


@bp.route("/deals/new", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def new():
    form = _deal_form(None, NewDealForm)
    if form.validate_on_submit():
        if earlier := submissions.claim(form):
            return _leave_for(earlier)
        if deal := _save(form, None):
            submissions.fulfil(form, url_for("deals.show", deal_id=deal.id))
            db.session.commit()
            return _created(deal)
    return _new_deal_response(form, 422 if form.is_submitted() else 200)


@bp.route("/deals/<int:deal_id>/edit", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def edit(deal_id: int):
    deal = get_editable_or_404(Deal, deal_id)
    form = _deal_form(deal)
    result = submit_edit(form, deal, FORM_FIELDS, lambda: services.save_deal(
        deal, {k: form[k].data for k in FORM_FIELDS}, _lines(form)))
    if result.done:
        return saved_redirect(_("Changes saved."), url_for("deals.show", deal_id=deal.id))
    return result.render("sales/deals/form.html", form=form, deal=deal)


@bp.get("/deals/<int:deal_id>")
@roles_required(*DEAL_READER_ROLES)
def show(deal_id: int):
    deal = db.session.scalar(
        visible(Deal).where(Deal.id == deal_id).options(
            joinedload(Deal.customer), joinedload(Deal.owner),
            selectinload(Deal.lines).joinedload(DealLine.product)))
    if deal is None:
        abort(404)
    # the deal's readers see its terms, unless the contract is important
    contract = db.session.scalar(select(Contract).where(
        Contract.deal_id == deal.id,
        or_(Contract.important.is_(False), visible_filter(Contract))))
    return render("sales/deals/show.html", deal=deal, history=services.deal_history(deal),
                  contract=contract, can_edit=manages(current_user, deal.owner_id),
                  dealer_name=visible_dealer_name(deal.dealer_id),
                  lost_reasons=funnel.lost_reasons(), loss_form=_lose_form())


def _lead_deal_form(lead) -> NewDealForm:
    """The deal dialog of a lead: customer and owner are the lead's, the title a suggestion."""
    form = NewDealForm(data={"title": services.suggest_title(
        lead.company_name, local_time(utcnow()).date())} if request.method == "GET"
        else None)
    del form.customer_id, form.owner_id
    for line in form.lines:
        line.product_id.choices = _product_choices()
    return form


@bp.route("/leads/<int:lead_id>/deal", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def convert(lead_id: int):
    lead = get_editable_or_404(Lead, lead_id)
    form = _lead_deal_form(lead)
    if form.validate_on_submit():
        if earlier := submissions.claim(form):
            return _leave_for(earlier)
        try:
            deal = services.convert_lead(lead, {k: form[k].data for k in NEW_DEAL_FIELDS},
                                         _lines(form))
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            submissions.fulfil(form, url_for("deals.show", deal_id=deal.id))
            db.session.commit()
            return _created(deal)
    return _new_deal_response(form, 422 if form.is_submitted() else 200, lead=lead)


def _sign_form(deal: Deal, *, blank: bool = False) -> SignForm:
    """The signing form: what was posted, or (`blank`, or on GET) the deal's defaults and
    the terms templates of the settings, to be edited."""
    today = local_time(utcnow()).date()  # the user's day, not the server's
    defaults = {"price": deal.lines_total or deal.expected_value, "signed_at": today,
                "payment_terms": str(get_setting("payment_terms_template")),
                "breach_liability": str(get_setting("breach_liability_template"))}
    if blank:
        return SignForm(formdata=None, data=defaults)
    form = SignForm()
    if not form.is_submitted():
        form.process(data=defaults)
    return form


def _sign_response(deal: Deal, form: SignForm, status: int = 200, *, dialog: bool = False):
    response = render("sales/deals/sign.html", status=status, deal=deal, form=form,
                      focus=_first_invalid(form, "price"),
                      block="sign_dialog_body" if dialog else None)
    if dialog:
        return htmx_response(response, retarget="#sign-dialog-body", reswap="innerHTML")
    return response


@bp.post("/deals/<int:deal_id>/move")
@roles_required(*SELLER_ROLES)
def move(deal_id: int):
    """A drag, a keyboard move, the card's menu or an Undo: the moved card and the column
    totals (htmx), or back to the board. Into the signed stage only through the signing
    form (R-15)."""
    deal = get_editable_or_404(Deal, deal_id)
    stage = next((s for s in funnel.stages() if s.id == request.form.get("stage_id", type=int)),
                 None)
    if stage is None:
        abort(422)
    if stage.is_won and not deal.stage.is_won:
        if htmx:
            return _sign_response(deal, _sign_form(deal, blank=True), dialog=True)
        return redirect(url_for("deals.sign", deal_id=deal.id), 303)
    try:
        previous = services.move_deal(deal, stage, request.form.get("lost_reason_id", type=int))
    except DomainError as error:
        if htmx:  # the card goes back where it was, with the reason
            return _card_response(deal, {"toast": {"text": error.message, "kind": "error"}})
        flash(error.message, "error")
        return redirect(url_for("deals.board"), 303)
    db.session.commit()
    if stage.is_lost:
        flash(_("Deal marked as lost."), "success")
        return redirect(url_for("deals.show", deal_id=deal.id), 303)
    if not htmx:
        return redirect(url_for("deals.board"), 303)
    return _card_response(deal, _moved_event(deal, stage, previous) if previous else None)


def _card_response(deal: Deal, event: dict | None):
    """The card, focused, and every column total out of band; the card goes back to its
    column wherever the browser had put it."""
    return htmx_response(
        render("sales/deals/board.html", block="card_moved", deal=deal, **_totals_context()),
        trigger={"deal-placed": {"card": f"deal-{deal.id}", "stage": deal.stage_id},
                 **(event or {})})


def _moved_event(deal: Deal, stage, previous: int) -> dict:
    return {"deal-moved": {
        "text": _("%(title)s moved to %(stage)s.", title=deal.title, stage=stage.label),
        "undoUrl": url_for("deals.move", deal_id=deal.id), "undoStage": previous,
        "card": f"deal-{deal.id}", "undoLabel": _("Undo")}}


@bp.route("/deals/<int:deal_id>/sign", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def sign(deal_id: int):
    """The one way into the signed stage: the contract's terms, then the deal moves (R-15).
    From the board's dialog the rep stays on the board with the card in its new column."""
    deal = get_editable_or_404(Deal, deal_id)
    form = _sign_form(deal)
    dialog = htmx.target == "sign-dialog-body"
    if form.validate_on_submit():
        target = url_for("deals.show", deal_id=deal.id, _anchor="contract")
        if earlier := submissions.claim(form):
            return _leave_for(earlier)
        try:
            services.sign_deal(
                deal, price=form.price.data, payment_method=form.payment_method.data,
                payment_terms=form.payment_terms.data,
                breach_liability=form.breach_liability.data, signed_at=form.signed_at.data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            submissions.fulfil(form, target)
            db.session.commit()
            text = _("Contract signed for %(title)s.", title=deal.title)
            if dialog:
                return htmx_response(_card_response(deal, _done_event(
                    "deal-signed", text, target, _("View the contract"))),
                    retarget=f"#deal-{deal.id}", reswap="outerHTML")
            flash(text, "success")
            return redirect(target, 303)
    return _sign_response(deal, form, 422 if form.is_submitted() else 200, dialog=dialog)


def _lose_form() -> LoseForm:
    form = LoseForm()
    form.lost_reason_id.choices = [("", _("Choose a reason…"))] + [
        (r.id, r.label) for r in funnel.lost_reasons()]
    return form


@bp.route("/deals/<int:deal_id>/lose", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def lose(deal_id: int):
    """Marking a deal lost, confirmed in a dialog on the deal's page (this page without
    JavaScript); the toast that follows offers Undo. Posting twice loses it once."""
    deal = get_editable_or_404(Deal, deal_id)
    form = _lose_form()
    if deal.stage.is_won:
        form.add_error(None, _("A signed deal can no longer be marked as lost."))
        return _lose_response(deal, form, 409)
    if form.validate_on_submit():
        previous = services.move_deal(deal, funnel.stage("lost"), form.lost_reason_id.data)
        db.session.commit()
        if previous is not None:
            flash_undo(_("%(title)s marked as lost.", title=deal.title),
                       url_for("deals.reopen", deal_id=deal.id), stage_id=previous)
        return redirect(url_for("deals.show", deal_id=deal.id), 303)
    return _lose_response(deal, form, 422 if form.is_submitted() else 200)


def _lose_response(deal: Deal, form: LoseForm, status: int):
    """The page; or, to the dialog's htmx post, the form with its error back into the dialog
    (the URL stays the deal's)."""
    in_dialog = status != 200 and bool(htmx)
    response = render("sales/deals/lose.html", status=status, deal=deal, form=form,
                      in_dialog=in_dialog, block="lose_dialog_body" if in_dialog else None)
    if in_dialog:
        return htmx_response(response, retarget="#lose-dialog-body", reswap="innerHTML",
                             push_url=False)
    return response


@bp.post("/deals/<int:deal_id>/reopen")
@roles_required(*SELLER_ROLES)
def reopen(deal_id: int):
    """Undo of `lose`: a lost deal goes back to the open stage it left; a deal that is no
    longer lost stays where it is."""
    deal = get_editable_or_404(Deal, deal_id)
    stage_id = request.form.get("stage_id", type=int)
    stage = next((s for s in funnel.stages() if s.id == stage_id and s.is_open), None)
    if stage is None:
        abort(422)
    if deal.stage.is_lost:
        services.move_deal(deal, stage)
        db.session.commit()
        flash(_("%(title)s is back in %(stage)s.", title=deal.title, stage=stage.label),
              "success")
    return redirect(url_for("deals.show", deal_id=deal.id), 303)


def _leave_for(target: str):
    """Where a repeated submission goes: the first one's result, out of any dialog."""
    if htmx:
        return htmx_response("", 204, redirect=target)
    return redirect(target, 303)


def _inline_form(field: str, deal: Deal):
    if field not in INLINE_FORMS:
        abort(404)
    return INLINE_FORMS[field](data={"value": getattr(deal, field), "version": deal.version}
                               if request.method == "GET" else None)


def _fragment(name: str) -> str | None:
    """Inline edits answer a fragment to htmx, a whole page otherwise (a keypress that beat
    htmx to a fresh editor posts the form natively: it must not land on a bare fragment)."""
    return name if htmx and not htmx.boosted else None


@bp.get("/deals/<int:deal_id>/value/<field>")
@roles_required(*DEAL_READER_ROLES)
def value(deal_id: int, field: str):
    """The amount or date as shown on the card (after Esc: focused again)."""
    deal = get_visible_or_404(Deal, deal_id)
    if field not in INLINE_FORMS:
        abort(404)
    return render("sales/deals/_inline.html", block=_fragment("display"), deal=deal, field=field,
                  focus=True,
                  can_move=manages(current_user, deal.owner_id))


@bp.route("/deals/<int:deal_id>/value/<field>/edit", methods=["GET", "POST"])
@roles_required(*SELLER_ROLES)
def edit_value(deal_id: int, field: str):
    deal = get_editable_or_404(Deal, deal_id)
    form = _inline_form(field, deal)
    status, current = 200, None
    if form.validate_on_submit():
        if str(form.version.data) != str(deal.version):
            status, current = 409, getattr(deal, field)
            form.version.data = str(deal.version)
        else:
            services.set_inline(deal, field, form.value.data)
            db.session.commit()
            if not _fragment("display"):
                return redirect(url_for("deals.board"), 303)
            return htmx_response(
                render("sales/deals/_inline.html", block="display", deal=deal, field=field,
                       oob_totals=True, focus=True, **_totals_context()),
                trigger="deal-changed")
    elif form.is_submitted():
        status = 422
    return render("sales/deals/_inline.html", block=_fragment("editor"), status=status, deal=deal,
                  field=field, form=form, current=current)
