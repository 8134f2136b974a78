"""/dealers: the dealer list and page (R-60), for the channel roles (crm/channel/access.py)."""

from datetime import date, timedelta
from decimal import Decimal

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404, visible
from crm.channel import agreements, enablement, onboarding
from crm.channel import dealers as services
from crm.channel.access import CHANNEL_DIRECTOR_ROLES, CHANNEL_ROLES, is_channel_director
from crm.channel.forms import (
    AgreementForm,
    ApplicationForm,
    DealerContactForm,
    DealerForm,
    DecisionForm,
    EndAgreementForm,
    StatusForm,
)
from crm.channel.models import (
    APPLICATION_DECISIONS,
    DEALER_GRADES,
    DEALER_STATUSES,
    MATERIAL_KINDS,
    REGIONS,
    TRAINING_KINDS,
    Agreement,
    Dealer,
    DealerApplication,
    DealerContact,
)
from crm.errors import DomainError
from crm.extensions import db
from crm.web.edits import saved_redirect, submit_edit
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("channel", __name__)

FORM_FIELDS = list(services.DEALER_FIELDS)
AGREEMENT_FORM_FIELDS = [*agreements.AGREEMENT_FIELDS, "territory_lines", "tier_lines"]


@bp.context_processor
def labels() -> dict:
    return {"regions": REGIONS, "dealer_statuses": DEALER_STATUSES,
            "dealer_grades": DEALER_GRADES, "decisions": APPLICATION_DECISIONS,
            "training_kinds": TRAINING_KINDS, "material_kinds": MATERIAL_KINDS}


DEALERS = ListSpec(
    name="dealer",
    query=lambda: visible(Dealer),
    id_column=Dealer.id,
    columns=(
        Column("name", _l("Name"), sort=(Dealer.search_key, False)),
        Column("region", _l("Region"), sort=(Dealer.region, False)),
        Column("place", _l("Province / city")),
        Column("grade", _l("Grade"), sort=(Dealer.grade, False)),
        Column("status", _l("Status"), sort=(Dealer.status, False)),
        Column("contact", _l("Contact")),
        Column("joined", _l("Partner since"), sort=(Dealer.joined_on, True)),
    ),
    default_sort="name",
    filters=(
        Filter.equals("region", _l("Region"), lambda: REGIONS, Dealer.region,
                      _l("All regions")),
        Filter.equals("status", _l("Status"), lambda: DEALER_STATUSES, Dealer.status,
                      _l("All statuses")),
        Filter.equals("grade", _l("Grade"), lambda: DEALER_GRADES, Dealer.grade,
                      _l("All grades")),
    ),
    search=lambda term: matches(term, Dealer.search_key),
    search_hint=_l("Name, city or contact, pinyin or initials"),
    count_text=_l("%(n)s dealers"),
)


@bp.get("/dealers")
@roles_required(*CHANNEL_ROLES)
def dealers():
    return render_list("channel/dealers.html", DEALERS.run())


@bp.get("/dealers/<int:dealer_id>")
@roles_required(*CHANNEL_ROLES)
def dealer(dealer_id: int):
    return _dealer_page(get_visible_or_404(Dealer, dealer_id))


def _dealer_page(record: Dealer, status: int = 200, **forms):
    """The dealer page: company, contact, status, agreements with territory and tiers."""
    agreements_of = db.session.scalars(
        visible(Agreement).where(Agreement.dealer_id == record.id)
        .options(selectinload(Agreement.territories), selectinload(Agreement.tiers))
        .order_by(Agreement.active.desc(), Agreement.starts_on.desc())).all()
    application = db.session.scalar(
        select(DealerApplication).where(DealerApplication.dealer_id == record.id)
        .order_by(DealerApplication.id.desc()).limit(1))
    enabled = enablement.dealer_summary(record.id)
    forms.setdefault("status_form", _status_form(record))
    forms.setdefault("end_form", EndAgreementForm())
    forms.setdefault("decision_form", DecisionForm())
    return render("channel/dealer.html", status=status, dealer=record,
                  agreements=agreements_of, application=application,
                  checks=onboarding.application_checks(application) if application else [],
                  can_decide=is_channel_director(current_user), enabled=enabled,
                  contacts=db.session.scalars(
                      visible(DealerContact).where(DealerContact.dealer_id == record.id)
                      .order_by(DealerContact.id)).all(), **forms)


def _status_form(record: Dealer) -> StatusForm:
    form = StatusForm()
    form.status.choices = [(s, DEALER_STATUSES[s]) for s in services.STATUS_MOVES[record.status]]
    return form


@bp.post("/dealers/<int:dealer_id>/status")
@roles_required(*CHANNEL_ROLES)
def change_status(dealer_id: int):
    record = get_visible_or_404(Dealer, dealer_id)
    form = _status_form(record)
    if form.validate_on_submit():
        try:
            services.change_status(record, form.status.data)
        except DomainError as error:
            form.add_error("status", error.message)
        else:
            return saved_redirect(_("Dealer %(name)s is now %(status)s.", name=record.name,
                                    status=DEALER_STATUSES[record.status]),
                                  url_for("channel.dealer", dealer_id=record.id))
    return _dealer_page(record, status=422, status_form=form)


@bp.route("/dealers/new", methods=["GET", "POST"], defaults={"dealer_id": None})
@bp.route("/dealers/<int:dealer_id>/edit", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def edit(dealer_id: int | None):
    record = get_visible_or_404(Dealer, dealer_id) if dealer_id else None
    form = DealerForm(obj=record)
    form.manager_id.kept = record.manager_id if record else None
    result = submit_edit(form, record, FORM_FIELDS, lambda: services.save_dealer(
        record, {k: form[k].data for k in FORM_FIELDS}))
    if result.done:
        return saved_redirect(_("Dealer %(name)s saved.", name=result.saved.name),
                              url_for("channel.dealer", dealer_id=result.saved.id))
    return result.render("channel/dealer_form.html", form=form, dealer=record)


def _agreement_form(agreement: Agreement | None) -> AgreementForm:
    form = AgreementForm(obj=agreement)
    if agreement is None and request.method == "GET":
        today = date.today()
        form.starts_on.data = today
        form.ends_on.data = date(today.year + 1, today.month, 1) - timedelta(days=1)
        form.number.data = agreements.suggested_number(today)
    return form


def _save_agreement(agreement: Agreement | None, dealer: Dealer, form: AgreementForm):
    places = agreements.parse_territory(form.territory_lines.data)
    tiers = agreements.parse_tiers(form.tier_lines.data)
    return agreements.save_agreement(
        agreement, dealer, {k: form[k].data for k in agreements.AGREEMENT_FIELDS}, places,
        tiers)


@bp.route("/dealers/<int:dealer_id>/agreements/new", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def new_agreement(dealer_id: int):
    dealer_record = get_visible_or_404(Dealer, dealer_id)
    form = _agreement_form(None)
    result = submit_edit(form, None, AGREEMENT_FORM_FIELDS,
                         lambda: _save_agreement(None, dealer_record, form))
    if result.done:
        return saved_redirect(_("Agreement %(number)s saved.", number=result.saved.number),
                              url_for("channel.dealer", dealer_id=dealer_id))
    return result.render("channel/agreement_form.html", form=form, dealer=dealer_record,
                         agreement=None)


@bp.route("/agreements/<int:agreement_id>", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def edit_agreement(agreement_id: int):
    agreement = get_visible_or_404(Agreement, agreement_id)
    form = _agreement_form(agreement)
    result = submit_edit(form, agreement, AGREEMENT_FORM_FIELDS,
                         lambda: _save_agreement(agreement, agreement.dealer, form))
    if result.done:
        return saved_redirect(_("Agreement %(number)s saved.", number=agreement.number),
                              url_for("channel.dealer", dealer_id=agreement.dealer_id))
    return result.render("channel/agreement_form.html", form=form, dealer=agreement.dealer,
                         agreement=agreement)


@bp.post("/agreements/<int:agreement_id>/end")
@roles_required(*CHANNEL_ROLES)
def end_agreement(agreement_id: int):
    agreement = get_visible_or_404(Agreement, agreement_id)
    form = EndAgreementForm()
    if form.validate_on_submit():
        try:
            agreements.end_agreement(agreement, form.reason.data, date.today())
        except DomainError as error:
            form.add_error("reason", error.message)
        else:
            return saved_redirect(_("Agreement %(number)s ended; its territory is free.",
                                    number=agreement.number),
                                  url_for("channel.dealer", dealer_id=agreement.dealer_id))
    return _dealer_page(agreement.dealer, status=422, end_form=form, failed_end=agreement.id)


def _typed_checks(source) -> list:
    def number(key, kind):
        try:
            return kind(source.get(key) or 0)
        except (ValueError, ArithmeticError):
            return None
    return onboarding.checks(number("experience_years", int), number("warehouse_m2", int),
                             number("capital", Decimal), number("planned_volume", Decimal))


@bp.route("/dealers/apply", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def apply():
    form = ApplicationForm()

    def save():
        dealer_record = services.save_dealer(None, {k: form[k].data for k in FORM_FIELDS})
        return onboarding.apply(dealer_record, form.planned_volume.data, None)

    result = submit_edit(form, None, [], save)
    if result.done:
        return saved_redirect(_("Application of %(name)s recorded: it waits for the channel "
                                "director.", name=result.saved.dealer.name),
                              url_for("channel.dealer", dealer_id=result.saved.dealer_id))
    return result.render("channel/apply.html", form=form,
                         checks=_typed_checks(request.form if request.method == "POST"
                                              else {}))


@bp.get("/dealers/apply/checks")
@roles_required(*CHANNEL_ROLES)
def apply_checks():
    """The checks for what is being typed (htmx, as the applicant's figures change)."""
    return render("channel/_checks.html", checks=_typed_checks(request.args))


@bp.post("/applications/<int:application_id>/decide")
@roles_required(*CHANNEL_DIRECTOR_ROLES)
def decide(application_id: int):
    application = get_visible_or_404(DealerApplication, application_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            onboarding.decide(application, form.decision.data, form.reason.data,
                              current_user.id, date.today())
        except DomainError as error:
            form.add_error(error.field or "reason", error.message)
        else:
            return saved_redirect(_("Application %(decision)s.",
                                    decision=APPLICATION_DECISIONS[application.decision]),
                                  url_for("channel.dealer", dealer_id=application.dealer_id))
    return _dealer_page(application.dealer, status=422, decision_form=form)


def _edit_contact(contact: DealerContact | None, dealer_record: Dealer):
    form = DealerContactForm(obj=contact)
    result = submit_edit(form, contact, list(services.CONTACT_FIELDS),
                         lambda: services.save_contact(
                             contact, dealer_record,
                             {k: form[k].data for k in services.CONTACT_FIELDS}))
    if result.done:
        return saved_redirect(_("Contact %(name)s saved.", name=result.saved.name),
                              url_for("channel.dealer", dealer_id=dealer_record.id))
    return result.render("channel/contact_form.html", form=form, dealer=dealer_record,
                         contact=contact)


@bp.route("/dealers/<int:dealer_id>/contacts/new", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def new_contact(dealer_id: int):
    return _edit_contact(None, get_visible_or_404(Dealer, dealer_id))


@bp.route("/dealers/contacts/<int:dealer_contact_id>", methods=["GET", "POST"])
@roles_required(*CHANNEL_ROLES)
def edit_contact(dealer_contact_id: int):
    contact = get_visible_or_404(DealerContact, dealer_contact_id)
    return _edit_contact(contact, contact.dealer)
