"""The collection ladder on the contract page (R-21): record a step (letter sent, visit made,
legal review decided) or a promise to pay; the collection letter (书面催款函) as a print view
and as a PDF."""

from pathlib import Path

from flask import abort, current_app, make_response, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404, manages
from crm.contracts import collection, views
from crm.contracts.access import CONTRACT_READER_ROLES
from crm.contracts.forms import CollectionStepForm, PromiseForm
from crm.contracts.models import (
    COLLECTION_STEPS,
    LEGAL_DECISIONS,
    LETTER_CHANNELS,
    PAYMENT_METHODS,
    PROMISE_STATUSES,
    CollectionStep,
    Contract,
    Instalment,
    PaymentPromise,
)
from crm.contracts.views import _contract_or_404, _page, bp
from crm.extensions import db
from crm.storage.files import attachment_header
from crm.web.edits import saved_redirect, submit_edit
from crm.web.formatting import money
from crm.web.render import render

# Who records each step: the letter the owner's line or finance, the visit the sales director
# (or the owner's line reporting it), the legal review legal (or a director).
STEP_ROLES = {"letter": ("finance", "director", "admin"), "visit": ("director", "admin"),
              "legal": ("legal", "director", "admin")}


def may_record(contract: Contract, step: str) -> bool:
    if current_user.has_role(*STEP_ROLES[step]):
        return True
    return step in ("letter", "visit") and manages(current_user, contract.owner_id)


def open_overdue(contract: Contract) -> list[Instalment]:
    return list(db.session.scalars(select(Instalment).where(
        Instalment.contract_id == contract.id, Instalment.outstanding > 0,
        Instalment.due_on < views.today()).order_by(Instalment.due_on)))


def collection_context(contract: Contract) -> dict:
    """The ladder's records on the contract, and the forms when something is overdue."""
    steps = list(db.session.scalars(select(CollectionStep).where(
        CollectionStep.contract_id == contract.id).order_by(CollectionStep.id)))
    promises = list(db.session.scalars(select(PaymentPromise).where(
        PaymentPromise.contract_id == contract.id).order_by(PaymentPromise.id)))
    overdue = open_overdue(contract)
    return {"collection_steps": steps, "promises": promises, "overdue": overdue,
            "step_labels": COLLECTION_STEPS, "letter_channels": LETTER_CHANNELS,
            "legal_decisions": LEGAL_DECISIONS, "promise_statuses": PROMISE_STATUSES,
            "ladder": collection.LADDER}


def _choices(form, overdue: list[Instalment]):
    form.instalment_id.choices = [
        (i.id, _("%(due)s · outstanding %(left)s", due=i.due_on.isoformat(),
                 left=money(i.outstanding))) for i in overdue]
    return form


def step_form(contract: Contract, overdue: list[Instalment],
              blank: bool = False) -> CollectionStepForm:
    form = CollectionStepForm(formdata=None, data={"done_on": views.today()}) if blank \
        else CollectionStepForm()
    form.step.choices = [(s, COLLECTION_STEPS[s]) for s in COLLECTION_STEPS
                         if may_record(contract, s)]
    return _choices(form, overdue)


def promise_form(overdue: list[Instalment], blank: bool = False) -> PromiseForm:
    form = PromiseForm(formdata=None) if blank else PromiseForm()
    return _choices(form, overdue)


def _overdue_instalment(contract: Contract, instalment_id: int | None) -> Instalment:
    found = next((i for i in open_overdue(contract) if i.id == instalment_id), None)
    if found is None:
        abort(404)
    return found


@bp.post("/contracts/<int:contract_id>/collection")
@roles_required(*CONTRACT_READER_ROLES)
def record_step(contract_id: int):
    contract = _contract_or_404(contract_id)
    form = step_form(contract, open_overdue(contract))
    if not form.step.choices:
        abort(403)
    result = submit_edit(form, None, [], lambda: collection.record_step(
        _overdue_instalment(contract, form.instalment_id.data), form.step.data,
        done_on=form.done_on.data, user=current_user, channel=form.channel.data or "",
        outcome=form.outcome.data or "", decision=form.decision.data or ""))
    url = url_for("contracts.show", contract_id=contract.id, _anchor="collection")
    if result.done:
        return saved_redirect(_("Collection step recorded."), url)
    return _page(contract, result.status, step_form=form)


@bp.post("/contracts/<int:contract_id>/promises")
@roles_required(*CONTRACT_READER_ROLES)
def promise(contract_id: int):
    contract = _contract_or_404(contract_id)
    if not (current_user.has_role("finance") or manages(current_user, contract.owner_id)):
        abort(403)
    form = promise_form(open_overdue(contract))
    result = submit_edit(form, None, [], lambda: collection.record_promise(
        _overdue_instalment(contract, form.instalment_id.data),
        promised_on=form.promised_on.data, amount=form.amount.data,
        promised_by=form.promised_by.data, user=current_user, today=views.today()))
    url = url_for("contracts.show", contract_id=contract.id, _anchor="collection")
    if result.done:
        return saved_redirect(_("Promise to pay recorded: the collection ladder waits."), url)
    return _page(contract, result.status, promise_form=form)


@bp.get("/instalments/<int:instalment_id>")
@roles_required(*CONTRACT_READER_ROLES)
def instalment(instalment_id: int):
    """Where a notification about an instalment leads: its contract's collection section."""
    found = get_visible_or_404(Instalment, instalment_id)
    return redirect(url_for("contracts.show", contract_id=found.contract_id,
                            _anchor="collection"), 303)


def _letter_context(contract_id: int, instalment_id: int) -> dict:
    contract = _contract_or_404(contract_id)
    found, today = get_visible_or_404(Instalment, instalment_id), views.today()
    if found.contract_id != contract.id or found.outstanding <= 0 or found.due_on >= today:
        abort(404)  # only an overdue instalment has a letter, as the contract page lists them
    return {"contract": contract, "instalment": found, "today": today,
            "days_overdue": (today - found.due_on).days, "payment_methods": PAYMENT_METHODS}


@bp.get("/contracts/<int:contract_id>/instalments/<int:instalment_id>/letter")
@roles_required(*CONTRACT_READER_ROLES)
def letter(contract_id: int, instalment_id: int):
    """The collection letter, filled from the contract, as a page to print."""
    return render("contracts/letter.html", **_letter_context(contract_id, instalment_id))


@bp.get("/contracts/<int:contract_id>/instalments/<int:instalment_id>/letter.pdf")
@roles_required(*CONTRACT_READER_ROLES)
def letter_pdf(contract_id: int, instalment_id: int):
    """The same letter as a PDF (WeasyPrint renders the print view's HTML and print CSS)."""
    from weasyprint import CSS, HTML

    context = _letter_context(contract_id, instalment_id)
    html = render("contracts/letter.html", pdf=True, **context).get_data(as_text=True)
    css = CSS(filename=str(Path(current_app.static_folder) / "css" / "letter.css"))
    pdf = HTML(string=html).write_pdf(stylesheets=[css])
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = attachment_header(
        f"催款函-{context['contract'].number}.pdf")
    response.vary.add("HX-Request")
    return response
