"""/customers, /contacts: lists, forms, the customer page, merge (R-13, R-14, R-05)."""

from dataclasses import dataclass

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from crm.auth.access import roles_required
from crm.auth.picker import user_filter
from crm.auth.scopes import get_editable_or_404, manages, visible
from crm.base import utcnow
from crm.channel.dealers import dealer_choices, visible_dealer_name
from crm.customers import services
from crm.customers.access import CUSTOMER_ROLES, EDITOR_ROLES, may_see_personal_data
from crm.customers.forms import ContactForm, CustomerForm, MergeForm
from crm.customers.identity import normalise_phone
from crm.customers.models import (
    INDUSTRIES,
    PROVINCES,
    SOURCES,
    Contact,
    Customer,
    grade_choices,
)
from crm.extensions import db, htmx
from crm.web.edits import Declined, saved_redirect, submit_edit
from crm.web.i18n import translated
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("customers", __name__)

FORM_FIELDS = list(services.CUSTOMER_FIELDS)


@bp.context_processor
def labels() -> dict:
    return {"industry_labels": translated(INDUSTRIES), "source_labels": translated(SOURCES),
            "province_labels": translated(PROVINCES)}


def customer_search(term: str):
    """Name (characters, full pinyin, initials), credit code or a phone of the company or of
    one of its contacts."""
    clauses = [matches(term, Customer.search_key, Customer.credit_code)]
    if len(digits := normalise_phone(term)) >= 4:
        clauses.append(matches(digits, Customer.phone_key))
        clauses.append(Customer.id.in_(select(Contact.customer_id).where(
            matches(digits, Contact.mobile_key))))
    return or_(*clauses)


def _sees_others() -> bool:
    """Those who see more than their own customers filter them by owner."""
    return current_user.has_role("manager", "director", "admin", "service")


CUSTOMERS = ListSpec(
    name="customer",
    query=lambda: visible(Customer).options(joinedload(Customer.owner)),
    id_column=Customer.id,
    columns=(
        Column("name", _l("Company name"), sort=(Customer.search_key, False)),
        Column("grade", _l("Grade"), sort=(Customer.grade, False), slow_sort=True),
        Column("industry", _l("Industry")),
        Column("region", _l("Region")),
        Column("phone", _l("Phone")),
        Column("owner", _l("Owner")),
        Column("created", _l("Created"), sort=(Customer.created_at, True)),
    ),
    default_sort="name",
    filters=(
        Filter.equals("grade", _l("Grade"), grade_choices, Customer.grade,
                      _l("All grades")),
        Filter.equals("province", _l("Province"), lambda: PROVINCES, Customer.province,
                      _l("All provinces")),
        Filter("target", _l("Target customer"),
               lambda: [("1", _("Target customers")), ("0", _("Not target customers"))],
               lambda v: Customer.is_target.is_(v == "1"), _l("Target or not")),
    ),
    picks=(user_filter("owner", _l("Owner"), "owner", lambda v: Customer.owner_id == v,
                       _sees_others),),
    search=customer_search,
    search_hint=_l("Name, pinyin or initials, credit code, phone"),
    count_text=_l("%(n)s customers"),
    trigram_sort=True,
)


@bp.get("/customers")
@roles_required(*CUSTOMER_ROLES)
def index():
    return render_list("customers/index.html", CUSTOMERS.run(),
                       can_create=current_user.has_role(*EDITOR_ROLES))


def _form_values(form: CustomerForm) -> dict:
    return {key: form[key].data for key in services.CUSTOMER_FIELDS}


def _duplicates_for(form: CustomerForm, exclude_id: int | None) -> list:
    """The duplicate warning for what was typed; lookups that hit customers the user may not
    see are audited (and rate-limited) in this transaction."""
    typed = {key: form[key].data for key in ("name", "credit_code", "phone", "email")}
    found = services.find_duplicates(**typed, exclude_id=exclude_id, user=current_user)
    services.audit_duplicate_lookups(found, typed, current_user.id, utcnow())
    return found


def _customer_page(customer: Customer | None):
    form = CustomerForm(obj=customer)
    form.dealer_id.choices = dealer_choices(customer.dealer_id if customer else None)
    if customer is None and request.method == "GET":
        form.owner_id.data = current_user.id
    form.owner_id.kept = customer.owner_id if customer else None
    found = {"duplicates": []}

    def save():
        """A new customer that looks like one we have waits for the user's confirmation."""
        if customer is None:
            found["duplicates"] = _duplicates_for(form, None)
            if found["duplicates"] and form.confirm_duplicates.data != "1":
                raise Declined
        return services.save_customer(customer, _form_values(form))

    result = submit_edit(form, customer, FORM_FIELDS, save)
    if result.done:
        saved = result.saved
        message = _("Changes saved.") if customer else _("Customer %(name)s created.",
                                                          name=saved.name)
        return saved_redirect(message, url_for("customers.show", customer_id=saved.id))
    return result.render("customers/form.html", form=form, customer=customer, **found)


@bp.route("/customers/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new():
    return _customer_page(None)


@bp.get("/customers/duplicates")
@roles_required(*EDITOR_ROLES)
def duplicates():
    """The duplicate warning while the form is typed in (checked again on save)."""
    form = CustomerForm(request.args, meta={"csrf": False})
    found = _duplicates_for(form, request.args.get("exclude", type=int))
    db.session.commit()  # the audited lookups
    return render("customers/form.html", block="duplicate_check", duplicates=found,
                  confirmable=False)


@bp.route("/customers/<int:customer_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit(customer_id: int):
    return _customer_page(get_editable_or_404(Customer, customer_id))


@bp.get("/customers/<int:customer_id>")
@roles_required(*CUSTOMER_ROLES)
def show(customer_id: int):
    customer = db.session.scalar(
        visible(Customer).options(joinedload(Customer.owner), joinedload(Customer.contacts))
        .where(Customer.id == customer_id))
    if customer is None:
        abort(404)
    page = services.timeline(customer.id, request.args.getlist("kind"),
                             request.args.get("before"))
    if htmx.target in ("customer-timeline", "timeline-rows-more"):  # chips, older, new call
        return render("customers/show.html", customer=customer, timeline=page,
                      timeline_chips=_timeline_chips(customer.id, page))
    duplicates = [d for d in services.find_duplicates(
        name=customer.name, credit_code=customer.credit_code, phone=customer.phone,
        email=customer.email, exclude_id=customer.id, user=current_user) if d.name is not None]
    return render("customers/show.html", customer=customer,
                  show_personal=may_see_personal_data(current_user, customer.owner_id),
                  can_edit=manages(current_user, customer.owner_id),
                  timeline=page, timeline_chips=_timeline_chips(customer.id, page),
                  duplicates=duplicates,
                  related=services.related(customer.id), flags=services.flags(customer.id),
                  dealer_name=visible_dealer_name(customer.dealer_id))


@dataclass
class TimelineChip:
    label: object
    url: str
    on: bool


def _timeline_chips(customer_id: int, page: services.TimelinePage) -> list[TimelineChip]:
    """A chip per kind: it adds its kind to those shown, or takes it away."""
    chips = []
    for kind, source in services.TIMELINE_SOURCES.items():
        on = kind in page.kinds
        kinds = [k for k in page.kinds if k != kind] if on else [*page.kinds, kind]
        chips.append(TimelineChip(source.label, url_for("customers.show",
                                                        customer_id=customer_id, kind=kinds),
                                  on))
    return chips


@bp.route("/customers/<int:customer_id>/contacts/new", methods=["GET", "POST"],
          defaults={"contact_id": None})
@bp.route("/customers/<int:customer_id>/contacts/<int:contact_id>",
          methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def contact_form(customer_id: int, contact_id: int | None):
    customer = get_editable_or_404(Customer, customer_id)
    contact = None
    if contact_id:
        contact = db.session.scalar(select(Contact).where(
            Contact.id == contact_id, Contact.customer_id == customer.id))
        if contact is None:
            abort(404)
    form = ContactForm(obj=contact)
    fields = list(services.CONTACT_FIELDS)
    result = submit_edit(form, contact, fields, lambda: services.save_contact(
        contact, customer.id, {k: form[k].data for k in fields}))
    if result.done:
        return saved_redirect(_("Contact saved."),
                              url_for("customers.show", customer_id=customer.id))
    return result.render("customers/contact_form.html", form=form, customer=customer,
                         contact=contact)


def contact_search(term: str):
    clauses = [matches(term, Contact.search_key)]
    if len(digits := normalise_phone(term)) >= 4:
        clauses.append(matches(digits, Contact.mobile_key))
    return or_(*clauses)


CONTACTS = ListSpec(
    name="contact",
    query=lambda: visible(Contact).options(joinedload(Contact.customer)),
    id_column=Contact.id,
    columns=(
        Column("name", _l("Name"), sort=(Contact.search_key, False)),
        Column("title", _l("Job title")),
        Column("customer", _l("Customer")),
        Column("mobile", _l("Mobile")),
        Column("email", _l("E-mail")),
        Column("created", _l("Created"), sort=(Contact.created_at, True), slow_sort=True),
    ),
    default_sort="name",
    filters=(Filter("grade", _l("Customer grade"), grade_choices, lambda v: Contact.customer_id.in_(
        select(Customer.id).where(Customer.grade == v)), _l("All grades")),),
    search=contact_search,
    search_hint=_l("Name, pinyin or mobile"),
    count_text=_l("%(n)s contacts"),
    trigram_sort=True,
)


@bp.get("/contacts")
@roles_required(*CUSTOMER_ROLES)
def contacts():
    return render_list("customers/contacts.html", CONTACTS.run())


@bp.route("/customers/<int:customer_id>/merge/<int:drop_id>", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def merge(customer_id: int, drop_id: int):
    keep = get_editable_or_404(Customer, customer_id)
    drop = get_editable_or_404(Customer, drop_id)
    form = MergeForm()
    result = submit_edit(form, None, [], lambda: services.merge_customers(keep, drop))
    if result.done:
        return saved_redirect(_("Customers merged."),
                              url_for("customers.show", customer_id=customer_id))
    return result.render("customers/merge.html", form=form, keep=keep, drop=drop)
