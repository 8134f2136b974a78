"""/service/calls: the call dialog (R-32, the fastest form of the product) and the call log."""

import json

from flask import Blueprint, make_response, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.auth.access import roles_required
from crm.auth.scopes import visible
from crm.customers.models import Contact, Customer
from crm.customers.views import customer_search
from crm.extensions import db, htmx
from crm.sales.choices import customer_link
from crm.sales.models import Product
from crm.service import calls
from crm.service.access import CALL_ROLES, COMPLAINT_HANDLERS
from crm.service.choices import product_choices
from crm.service.forms import CallForm
from crm.service.models import CHANNELS, DIRECTIONS, Call
from crm.web import submissions
from crm.web.edits import saved_redirect, submit_edit
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.pagination import CHECKED_COUNT_CAP
from crm.web.render import render

bp = Blueprint("calls", __name__)
DIALOG = "call-dialog-body"


def _mine(value: str):
    return Call.agent_id == current_user.id if value == "me" else None


CALLS = ListSpec(
    name="call",
    query=lambda: visible(Call).options(
        joinedload(Call.customer).load_only(Customer.name), joinedload(Call.agent),
        joinedload(Call.contact).load_only(Contact.name),
        joinedload(Call.product).load_only(Product.name)),
    id_column=Call.id,
    columns=(
        Column("at", _l("Time"), sort=(Call.at, True)),
        Column("customer", _l("Customer")),
        Column("call", _l("Call"), sort=(Call.channel, False), slow_sort=True),
        Column("notes", _l("Notes")),
        Column("product", _l("Product concerned")),
        Column("agent", _l("Agent")),
    ),
    default_sort="at",
    filters=(
        Filter("agent", _l("Agent"), lambda: [("me", _("My calls"))], _mine, _l("Everyone's")),
        Filter.equals("direction", _l("Direction"), lambda: DIRECTIONS,
                      Call.direction, _l("Both directions")),
        Filter.equals("channel", _l("Contact channel"), lambda: CHANNELS, Call.channel,
                      _l("All channels")),
    ),
    links=(customer_link(Call),),
    search=lambda term: Call.customer_id.in_(select(Customer.id).where(customer_search(term))),
    search_hint=_l("Customer: name, pinyin, initials or phone"),
    count_text=_l("%(n)s calls"),
    count_cap=CHECKED_COUNT_CAP,
)


@bp.get("/service/calls")
@roles_required(*CALL_ROLES)
def index():
    return render_list("service/calls.html", CALLS.run(), directions=DIRECTIONS,
                       channels=CHANNELS,
                       can_record_complaint=current_user.has_role(*COMPLAINT_HANDLERS))


def _contact_choices(customer_id: int | None) -> list[tuple]:
    if not customer_id:
        return [("", "—")]
    rows = db.session.execute(visible(Contact).with_only_columns(Contact.id, Contact.name)
                              .where(Contact.customer_id == customer_id).order_by(Contact.id))
    return [("", "—")] + [tuple(row) for row in rows]


def _call_form() -> CallForm:
    """The form; its dropdowns are filled only when it is shown (a save reads no list)."""
    form = CallForm()
    if request.method == "GET":
        form.direction.data, form.channel.data = calls.last_choice(current_user.id)
        form.customer_id.data = request.args.get("customer", type=int)
    return form


def _with_choices(form: CallForm) -> CallForm:
    form.product_id.choices = product_choices()
    form.contact_id.choices = _contact_choices(form.customer_id.data)
    return form


def _in_dialog() -> bool:
    return htmx.target == DIALOG


def _values(form: CallForm) -> calls.CallValues:
    return calls.CallValues(
        customer_id=form.customer_id.data, direction=form.direction.data,
        channel=form.channel.data, contact_id=form.contact_id.data,
        duration_minutes=form.duration_minutes.data, notes=form.notes.data or "",
        product_id=form.product_id.data, next_step=form.next_step.data or "",
        next_date=form.next_date.data)


def _focus(form: CallForm) -> str:
    errors = [name for name, field in form._fields.items() if field.errors]
    if errors:
        return errors[0]
    return "notes" if form.customer_id.data else "customer_id"


@bp.route("/service/calls/new", methods=["GET", "POST"])
@roles_required(*CALL_ROLES)
def new():
    form = _call_form()
    result = submit_edit(form, None, [], lambda: calls.log_call(
        _values(form), current_user, get_timezone()))
    if result.done:
        return _logged(form, result.saved)
    return result.render("service/call_form.html", form=_with_choices(form), focus=_focus(form),
                         in_dialog=_in_dialog(),
                         block="call_dialog_body" if _in_dialog() else None)


def _logged(form: CallForm, call: Call):
    """In the dialog: 204 and an event that closes it, toasts a link to the customer and
    refreshes its timeline when it is on the screen; without JavaScript: the customer's page."""
    target = url_for("customers.show", customer_id=call.customer_id)
    text = _("Call with %(name)s logged.", name=form.customer_id.chosen_name)
    if not _in_dialog():
        return saved_redirect(text, target)
    submissions.fulfil(form, target)
    db.session.commit()
    event = {"call-logged": {"text": text, "href": target, "linkLabel": _("Open customer"),
                             "customerId": form.customer_id.data}}
    if current_user.has_role(*COMPLAINT_HANDLERS):
        event["call-logged"] |= {"complaintHref": url_for("complaints.new", call=call.id),
                                 "complaintLabel": _("Record a complaint")}
    return make_response("", 204, {"HX-Trigger": json.dumps(event)})


@bp.get("/service/calls/contacts")
@roles_required(*CALL_ROLES)
def contact_options():
    """The contact dropdown's options for the customer just chosen in the dialog."""
    return render("service/_contact_options.html",
                  choices=_contact_choices(request.args.get("customer_id", type=int)))

