"""/contracts: the list, the contract page with its documents, status, schedule and payments;
/receivables: the ledger (应收账款台账) and its drill-down (R-15, R-16, R-20, R-03)."""

from datetime import date
from decimal import Decimal

from flask import Blueprint, abort, g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404, manages, visible, visible_filter
from crm.base import utcnow
from crm.contracts import delivery, services
from crm.contracts.access import CONTRACT_READER_ROLES, FINANCE_ROLES
from crm.contracts.forms import (
    DeliveryForm,
    DocumentForm,
    ImportantForm,
    PaymentForm,
    ScheduleForm,
    StatusForm,
)
from crm.contracts.ledger import aging_of
from crm.contracts.models import (
    DELIVERY_RECORDS,
    NEXT_STATUSES,
    PAYMENT_CHANNELS,
    PAYMENT_METHODS,
    STATUSES,
    Contract,
    ContractDocument,
    DeliveryRecord,
    Instalment,
    Payment,
)
from crm.errors import DomainError
from crm.extensions import db, htmx
from crm.sales.choices import customer_link, owner_link
from crm.storage import send_stored
from crm.web import submissions
from crm.web.edits import saved_redirect, submit_edit
from crm.web.formatting import money
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("contracts", __name__)


def today() -> date:
    """The user's date (tests replace it to walk the calendar)."""
    return to_user_timezone(utcnow()).date()


CONTRACTS = ListSpec(
    name="contract",
    query=lambda: visible(Contract).options(joinedload(Contract.customer),
                                            joinedload(Contract.owner)),
    id_column=Contract.id,
    columns=(
        Column("number", _l("Contract number")),
        Column("customer", _l("Customer")),
        Column("status", _l("Status")),
        Column("price", _l("Contract price"), sort=(Contract.price, True), slow_sort=True),
        Column("method", _l("Payment method")),
        Column("owner", _l("Owner")),
        Column("signed", _l("Signed on"), sort=(Contract.signed_at, True)),
    ),
    default_sort="signed",
    filters=(
        Filter.equals("status", _l("Status"), lambda: STATUSES, Contract.status,
                      _l("All statuses")),
        Filter.equals("method", _l("Payment method"), lambda: PAYMENT_METHODS,
                      Contract.payment_method, _l("All payment methods")),
    ),
    links=(owner_link(Contract), customer_link(Contract)),
    search=lambda term: matches(term, Contract.search_key),
    search_hint=_l("Contract number or customer, pinyin or initials"),
    count_text=_l("%(n)s contracts"),
)


@bp.get("/contracts")
@roles_required(*CONTRACT_READER_ROLES)
def index():
    return render_list("contracts/index.html", CONTRACTS.run(), statuses=STATUSES,
                       payment_methods=PAYMENT_METHODS)


def _contract_or_404(contract_id: int) -> Contract:
    contract = db.session.scalar(visible(Contract).where(Contract.id == contract_id).options(
        joinedload(Contract.customer), joinedload(Contract.owner), joinedload(Contract.deal)))
    if contract is None:
        abort(404)
    return contract


def _may_edit(contract: Contract) -> bool:
    return manages(current_user, contract.owner_id)


def _may_keep_books() -> bool:
    return current_user.has_role(*FINANCE_ROLES)


def _instalments(contract: Contract) -> list[Instalment]:
    return list(db.session.scalars(select(Instalment).where(
        Instalment.contract_id == contract.id).order_by(Instalment.due_on, Instalment.id)))


def _schedule(contract: Contract) -> dict:
    """The contract's instalments, their payments, outstanding and aging."""
    instalments = _instalments(contract)
    payments: dict[int, list[Payment]] = {}
    for payment in db.session.scalars(select(Payment).where(
            Payment.contract_id == contract.id).order_by(Payment.received_on, Payment.id)):
        payments.setdefault(payment.instalment_id, []).append(payment)
    aging = aging_of(instalments, today())
    return {"instalments": instalments, "payments": payments, "aging": aging,
            "outstanding": sum((i.outstanding for i in instalments), Decimal("0")),
            "today": today(), "channels": PAYMENT_CHANNELS}


def _collection(contract: Contract, forms: dict) -> dict:
    from crm.contracts.collection_views import collection_context, promise_form, step_form

    context = collection_context(contract)
    overdue = context["overdue"]
    return context | {
        "step_form": forms.get("step_form") or step_form(contract, overdue, blank=True),
        "promise_form": forms.get("promise_form") or promise_form(overdue, blank=True)}


def _delivery(contract: Contract, forms: dict) -> dict:
    records = list(db.session.scalars(select(DeliveryRecord).options(
        joinedload(DeliveryRecord.recorded_by)).where(
        DeliveryRecord.contract_id == contract.id).order_by(DeliveryRecord.id)))
    return {"delivery_records": records, "delivery_labels": DELIVERY_RECORDS,
            "delivery_form": forms.get("delivery_form") or DeliveryForm(formdata=None)}


def _page(contract: Contract, status: int = 200, **forms):
    documents = list(db.session.scalars(visible(ContractDocument).options(
        joinedload(ContractDocument.uploaded_by)).where(
        ContractDocument.contract_id == contract.id).order_by(ContractDocument.id)))
    status_form = forms.get("status_form") or StatusForm(obj=contract, formdata=None)
    status_form.status.choices = [(s, STATUSES[s]) for s in NEXT_STATUSES[contract.status]]
    context = _schedule(contract) | _collection(contract, forms) | _delivery(contract, forms)
    return render(
        "contracts/show.html", status=status, contract=contract, documents=documents,
        statuses=STATUSES, payment_methods=PAYMENT_METHODS, can_edit=_may_edit(contract),
        can_book=_may_keep_books(), status_form=status_form,
        important_form=forms.get("important_form") or ImportantForm(obj=contract,
                                                                   formdata=None),
        document_form=forms.get("document_form") or DocumentForm(formdata=None),
        payment_form=_payment_form(context["instalments"], blank=True), **context)


@bp.get("/contracts/<int:contract_id>")
@roles_required(*CONTRACT_READER_ROLES)
def show(contract_id: int):
    return _page(_contract_or_404(contract_id))


def _editable(contract_id: int) -> Contract:
    contract = _contract_or_404(contract_id)
    if not _may_edit(contract):
        abort(403)
    return contract


@bp.post("/contracts/<int:contract_id>/status")
@roles_required(*CONTRACT_READER_ROLES)
def change_status(contract_id: int):
    contract = _editable(contract_id)
    form = StatusForm()
    form.status.choices = [(s, STATUSES[s]) for s in NEXT_STATUSES[contract.status]]
    result = submit_edit(form, contract, ["status"], lambda: services.change_status(
        contract, form.status.data, delivered_on=form.delivered_on.data))
    if result.done:
        return saved_redirect(_("Status changed."), url_for("contracts.show",
                                                            contract_id=contract.id))
    return _page(contract, result.status, status_form=form)


@bp.post("/contracts/<int:contract_id>/delivery")
@roles_required(*CONTRACT_READER_ROLES)
def record_delivery(contract_id: int):
    """R-16: a schedule confirmation, an exception or its report to the customer."""
    contract = _editable(contract_id)
    form = DeliveryForm()
    result = submit_edit(form, None, [], lambda: delivery.record(
        contract, form.kind.data, note=form.note.data, remedy=form.remedy.data or "",
        user=current_user))
    if result.done:
        return saved_redirect(_("Delivery follow-up recorded."),
                              url_for("contracts.show", contract_id=contract.id,
                                      _anchor="delivery"))
    return _page(contract, result.status, delivery_form=form)


@bp.post("/contracts/<int:contract_id>/important")
@roles_required(*CONTRACT_READER_ROLES)
def mark_important(contract_id: int):
    contract = _contract_or_404(contract_id)
    if not (_may_edit(contract) or current_user.has_role("finance")):
        abort(403)
    form = ImportantForm()
    result = submit_edit(form, contract, ["important"], lambda: services.set_important(
        contract, form.important.data, current_user))
    if result.done:
        return saved_redirect(_("Saved."), url_for("contracts.show", contract_id=contract.id))
    return _page(contract, result.status, important_form=form)


@bp.post("/contracts/<int:contract_id>/documents")
@roles_required(*CONTRACT_READER_ROLES)
def upload(contract_id: int):
    contract = _contract_or_404(contract_id)
    form = DocumentForm()
    result = submit_edit(form, None, [], lambda: services.attach_document(
        contract, request.files.get("file"), important=form.important.data,
        user=current_user))
    if result.done:
        return saved_redirect(_("Document attached."),
                              url_for("contracts.show", contract_id=contract.id))
    return _page(contract, result.status, document_form=form)


@bp.get("/contracts/<int:contract_id>/documents/<int:document_id>")
@roles_required(*CONTRACT_READER_ROLES)
def document(contract_id: int, document_id: int):
    found = get_visible_or_404(ContractDocument, document_id)
    if found.contract_id != contract_id or not db.session.scalar(
            select(Contract.id).where(Contract.id == contract_id,
                                      visible_filter(Contract))):
        abort(404)
    return send_stored(found.storage_key, found.original_name, found.content_type)


def _schedule_rows(form: ScheduleForm) -> list[tuple]:
    """The filled-in rows; a row with a date but no amount (or the reverse) is an error."""
    rows = []
    for entry in form.instalments:
        due_on, amount = entry.form.due_on.data, entry.form.amount.data
        if due_on is None and amount is None:
            continue
        if due_on is None or amount is None:
            raise DomainError(_("Each instalment needs both a due date and an amount."),
                              "instalments")
        rows.append((due_on, amount))
    return rows


@bp.route("/contracts/<int:contract_id>/schedule", methods=["GET", "POST"])
@roles_required(*FINANCE_ROLES)
def schedule(contract_id: int):
    contract = _contract_or_404(contract_id)
    current = list(db.session.scalars(select(Instalment).where(
        Instalment.contract_id == contract.id).order_by(Instalment.due_on)))
    form = ScheduleForm(data={"instalments": [
        {"due_on": i.due_on, "amount": i.amount} for i in current]} if current else None)
    result = submit_edit(form, None, [], lambda: services.save_schedule(
        contract, _schedule_rows(form)))
    if result.done:
        return saved_redirect(_("Payment schedule saved."),
                              url_for("contracts.show", contract_id=contract.id,
                                      _anchor="schedule"))
    return result.render("contracts/schedule_form.html", form=form, contract=contract)


def _payment_form(instalments: list[Instalment], blank: bool = False) -> PaymentForm:
    """The payment form: what was posted, or (`blank`, or on GET) today's date."""
    if blank or request.method == "GET":
        form = PaymentForm(formdata=None, data={"received_on": today()})
    else:
        form = PaymentForm()
    form.instalment_id.choices = [
        (i.id, _("%(due)s · outstanding %(left)s", due=i.due_on.isoformat(),
                 left=money(i.outstanding))) for i in instalments if i.outstanding or i.paid]
    return form


def _receivables(contract: Contract, status: int = 200, form=None):
    """The schedule card alone (htmx): instalments, payments, outstanding and aging."""
    context = _schedule(contract)
    form = form or _payment_form(context["instalments"], blank=True)
    return render("contracts/show.html", block="receivables", status=status, contract=contract,
                  can_book=True, payment_form=form, **context)


@bp.route("/contracts/<int:contract_id>/payments", methods=["GET", "POST"])
@roles_required(*FINANCE_ROLES)
def payment(contract_id: int):
    """R-20: money received (or refunded) against an instalment; from the contract page the
    schedule, outstanding and aging are swapped in without a reload."""
    contract = _contract_or_404(contract_id)
    instalments = _instalments(contract)
    form = _payment_form(instalments)
    by_id = {i.id: i for i in instalments}
    result = submit_edit(form, None, [], lambda: services.record_payment(
        by_id[form.instalment_id.data], received_on=form.received_on.data,
        amount=form.amount.data, method=form.method.data,
        reference=form.reference.data or "", reason=form.reason.data or "",
        user=current_user))
    url = url_for("contracts.show", contract_id=contract.id, _anchor="schedule")
    if result.done and htmx:
        submissions.fulfil(g.pop("submitted_form"), url)
        # rendered before the commit, which would expire the contract and the user to be
        # read again: the figures are the flushed ones the commit makes durable
        response = _receivables(contract)
        db.session.commit()
        return response
    if result.done:
        return saved_redirect(_("Payment recorded."), url)
    if htmx and request.method == "POST":
        return _receivables(contract, result.status, form)
    return result.render("contracts/payment_form.html", form=form, contract=contract)
