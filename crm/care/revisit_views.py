"""/service/revisits: the agent's list (due today, overdue, upcoming), the revisit page and
its log (R-31)."""

from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404, visible
from crm.base import utcnow
from crm.care import revisits
from crm.care.access import CARE_HANDLERS, CARE_READERS, may_handle
from crm.care.archive_views import clocks_of, handled_or_403, mine_filter, search_customer_of
from crm.care.forms import RevisitForm
from crm.care.models import OUTCOMES, SERIES, Revisit
from crm.contracts.models import Contract
from crm.customers.models import Customer
from crm.sales.choices import customer_link
from crm.sales.models import Product
from crm.service.choices import product_choices
from crm.web.edits import saved_redirect, submit_edit
from crm.web.i18n import user_zone
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.pagination import CHECKED_COUNT_CAP
from crm.web.render import render

bp = Blueprint("revisits", __name__)
WHEN = {"open": _l("Not yet logged"), "today": _l("Due today"), "overdue": _l("Overdue"),
        "upcoming": _l("Upcoming"), "done": _l("Logged")}


def _today():
    return utcnow().astimezone(user_zone()).date()


def _when(value: str):
    today, is_open = _today(), Revisit.done_at.is_(None)
    return {"open": is_open, "today": is_open & (Revisit.due_on == today),
            "overdue": is_open & (Revisit.due_on < today),
            "upcoming": is_open & (Revisit.due_on > today),
            "done": Revisit.done_at.is_not(None)}.get(value)


REVISITS = ListSpec(
    name="revisit",
    query=lambda: visible(Revisit).options(
        joinedload(Revisit.customer).load_only(Customer.name), joinedload(Revisit.agent),
        joinedload(Revisit.contract).load_only(Contract.number),
        joinedload(Revisit.product).load_only(Product.name)),
    id_column=Revisit.id,
    columns=(
        Column("due", _l("Due on"), sort=(Revisit.due_on, False)),
        Column("customer", _l("Customer")),
        Column("series", _l("Revisit"), sort=(Revisit.series, False)),
        Column("agent", _l("Agent")),
        Column("state", _l("Outcome")),
    ),
    default_sort="due",
    filters=(
        Filter("agent", _l("Agent"), lambda: [("me", _("Mine"))], mine_filter(Revisit.agent_id),
               _l("Everyone's")),
        Filter("when", _l("When"), lambda: WHEN, _when, _l("All revisits"), default="open"),
        Filter.equals("series", _l("Kind of revisit"), lambda: SERIES,
                      Revisit.series, _l("All kinds")),
    ),
    links=(customer_link(Revisit),),
    search=search_customer_of(Revisit),
    search_hint=_l("Customer: name, pinyin, initials or phone"),
    count_text=_l("%(n)s revisits"),
    count_cap=CHECKED_COUNT_CAP,
)


@bp.get("/service/revisits")
@roles_required(*CARE_READERS)
def index():
    return render_list("care/revisits.html", REVISITS.run(), today=_today(), when=WHEN,
                       series=SERIES, outcomes=OUTCOMES,
                       can_log=current_user.has_role(*CARE_HANDLERS))


@bp.get("/service/revisits/<int:revisit_id>")
@roles_required(*CARE_READERS)
def show(revisit_id: int):
    revisit = get_visible_or_404(Revisit, revisit_id)
    return render("care/revisit.html", revisit=revisit, series=SERIES, outcomes=OUTCOMES,
                  clocks=clocks_of(revisits.SUBJECT, revisit.id),
                  can_log=revisit.done_at is None and may_handle(current_user, revisit))


@bp.route("/service/revisits/<int:revisit_id>/log", methods=["GET", "POST"])
@roles_required(*CARE_HANDLERS)
def log(revisit_id: int):
    revisit = handled_or_403(Revisit, revisit_id)
    form = RevisitForm(obj=revisit)
    form.product_id.choices = product_choices()
    if revisit.done_at is not None:
        return render("care/revisit.html", status=409, revisit=revisit, series=SERIES,
                      outcomes=OUTCOMES, clocks=clocks_of(revisits.SUBJECT, revisit.id),
                      can_log=False, message=_("This revisit is logged already."))
    result = submit_edit(form, revisit, ["outcome", "satisfaction", "feedback", "product_id"],
                         lambda: revisits.log_revisit(revisit, revisits.RevisitLog(
                             form.outcome.data, form.satisfaction.data,
                             form.feedback.data or "", form.product_id.data), current_user))
    if result.done:
        return saved_redirect(_("Revisit logged; the next one is scheduled."),
                              url_for("revisits.index"))
    return result.render("care/revisit_form.html", form=form, revisit=revisit, series=SERIES)
