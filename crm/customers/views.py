"""/customers, /contacts: lists, forms, the customer page, merge (R-13, R-14, R-05)."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from crm.auth.access import roles_required
from crm.auth.models import User, UserRole
from crm.auth.scopes import get_visible_or_404, manages, visible
from crm.base import utcnow
from crm.customers import services
from crm.customers.access import CUSTOMER_ROLES, EDITOR_ROLES, may_see_personal_data
from crm.customers.forms import ContactForm, CustomerForm, MergeForm
from crm.customers.identity import normalise_phone
from crm.customers.models import (
    GRADES,
    INDUSTRIES,
    PROVINCES,
    SOURCES,
    Contact,
    Customer,
    grade_choices,
)
from crm.extensions import db
from crm.web import submissions
from crm.web.chips import filter_chips
from crm.web.conflict import is_stale, reload_with_conflict
from crm.web.pagination import keyset_page, sorted_after_search
from crm.web.render import render
from crm.web.search import like_term, matches

bp = Blueprint("customers", __name__)

CUSTOMER_SORTS = {"name": (Customer.search_key, False), "grade": (Customer.grade, False),
                  "created": (Customer.created_at, True)}
CONTACT_SORTS = {"name": (Contact.search_key, False), "created": (Contact.created_at, True)}
FORM_FIELDS = list(services.CUSTOMER_FIELDS)


@bp.context_processor
def labels() -> dict:
    return {"industry_labels": INDUSTRIES, "source_labels": SOURCES, "province_labels": PROVINCES}


def _owner_choices() -> list[tuple]:
    """People the current user may give a customer to: themselves, their team, or every rep."""
    stmt = (visible(User).where(User.active)
            .where(or_(User.id == current_user.id, User.id.in_(
                select(UserRole.user_id).where(UserRole.role.in_(("sales", "manager"))))))
            .order_by(User.search_key))
    return [tuple(row) for row in db.session.execute(stmt.with_only_columns(User.id, User.name))]


def _customer_filters() -> dict:
    return {
        "q": request.args.get("q", "").strip(),
        "grade": request.args.get("grade", ""),
        "province": request.args.get("province", ""),
        "owner": request.args.get("owner", type=int),
        "target": request.args.get("target", ""),
        "sort": request.args.get("sort", "name"),
    }


def customer_search(term: str):
    """Name (characters, full pinyin, initials), credit code or a phone of the company or of
    one of its contacts."""
    clauses = [matches(term, Customer.search_key, Customer.credit_code)]
    if len(digits := normalise_phone(term)) >= 4:
        pattern = like_term(digits)
        clauses.append(Customer.phone_key.like(pattern, escape="\\"))
        clauses.append(Customer.id.in_(select(Contact.customer_id).where(
            Contact.mobile_key.like(pattern, escape="\\"))))
    return or_(*clauses)


def _customer_query(f: dict):
    stmt = visible(Customer).options(joinedload(Customer.owner))
    if f["q"]:
        stmt = stmt.where(customer_search(f["q"]))
    if f["grade"] in GRADES:
        stmt = stmt.where(Customer.grade == f["grade"])
    if f["province"]:
        stmt = stmt.where(Customer.province == f["province"])
    if f["owner"]:
        stmt = stmt.where(Customer.owner_id == f["owner"])
    if f["target"] in ("1", "0"):
        stmt = stmt.where(Customer.is_target.is_(f["target"] == "1"))
    return stmt


def _chips(f: dict, owners: dict) -> list[tuple[str, str]]:
    return filter_chips(f, {
        "grade": lambda v: _("Grade %(g)s", g=v),
        "province": lambda v: PROVINCES.get(v, v),
        "owner": lambda v: owners.get(v, str(v)),
        "target": lambda v: _("Target customers") if v == "1" else _("Not target customers"),
    })


@bp.get("/customers")
@roles_required(*CUSTOMER_ROLES)
def index():
    f = _customer_filters()
    sort_col, descending = CUSTOMER_SORTS.get(f["sort"], CUSTOMER_SORTS["name"])
    page = keyset_page(_customer_query(f), sorted_after_search(sort_col, f["q"]), Customer.id,
                       request.args.get("after"), descending=descending)
    owners = dict(_owner_choices()) if current_user.has_role(
        "manager", "director", "admin", "service") else {}
    return render("customers/index.html", page=page, filters=f, owners=owners,
                  chips=_chips(f, owners), grades=grade_choices(), provinces=PROVINCES,
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


def _save_form(form: CustomerForm, customer: Customer | None) -> Customer | None:
    try:
        return services.save_customer(customer, _form_values(form))
    except services.CustomerError as error:
        form.add_error(error.field, error.message)
        return None


@bp.route("/customers/new", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def new():
    form = CustomerForm()
    form.owner_id.choices = _owner_choices()
    if request.method == "GET":
        form.owner_id.data = current_user.id
    duplicates = []
    if form.validate_on_submit():
        duplicates = _duplicates_for(form, None)
        if duplicates and form.confirm_duplicates.data != "1":
            db.session.commit()  # only the audited lookups: nothing is saved before a look
        elif earlier := submissions.claim(form):
            return redirect(earlier, 303)
        elif customer := _save_form(form, None):
            return submissions.created(
                form, url_for("customers.show", customer_id=customer.id),
                _("Customer %(name)s created.", name=customer.name))
    status = 422 if form.is_submitted() else 200
    return render("customers/form.html", status=status, form=form, customer=None,
                  conflicts=[], duplicates=duplicates)


@bp.get("/customers/duplicates")
@roles_required(*EDITOR_ROLES)
def duplicates():
    """The duplicate warning while the form is typed in (checked again on save)."""
    form = CustomerForm(request.args, meta={"csrf": False})
    found = _duplicates_for(form, request.args.get("exclude", type=int))
    db.session.commit()  # the audited lookups
    return render("customers/form.html", block="duplicate_check", duplicates=found,
                  confirmable=False)


def _editable(model, record_id: int, owner_of=lambda r: r.owner_id):
    """The record if the user may edit it: someone else's is 404, a visible but read-only
    one (service agents) 403."""
    record = get_visible_or_404(model, record_id)
    if not manages(current_user, owner_of(record)):
        abort(403)
    return record


@bp.route("/customers/<int:customer_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def edit(customer_id: int):
    customer = _editable(Customer, customer_id)
    form = CustomerForm(obj=customer)
    form.owner_id.choices = _owner_choices()
    if customer.owner_id not in dict(form.owner_id.choices):
        form.owner_id.choices.append((customer.owner_id, customer.owner.name))
    status, conflicts = 200, []
    if form.validate_on_submit():
        if is_stale(form, customer):
            conflicts, status = reload_with_conflict(form, customer, FORM_FIELDS), 409
        elif _save_form(form, customer):
            db.session.commit()
            flash(_("Changes saved."), "success")
            return redirect(url_for("customers.show", customer_id=customer.id))
        else:
            status = 422
    elif form.is_submitted():
        status = 422
    return render("customers/form.html", status=status, form=form, customer=customer,
                  conflicts=conflicts, duplicates=[])


@bp.get("/customers/<int:customer_id>")
@roles_required(*CUSTOMER_ROLES)
def show(customer_id: int):
    customer = db.session.scalar(
        visible(Customer).options(joinedload(Customer.owner), joinedload(Customer.contacts))
        .where(Customer.id == customer_id))
    if customer is None:
        abort(404)
    duplicates = [d for d in services.find_duplicates(
        name=customer.name, credit_code=customer.credit_code, phone=customer.phone,
        email=customer.email, exclude_id=customer.id, user=current_user) if d.name is not None]
    return render("customers/show.html", customer=customer,
                  show_personal=may_see_personal_data(current_user, customer.owner_id),
                  can_edit=manages(current_user, customer.owner_id),
                  timeline=services.timeline(customer), duplicates=duplicates,
                  related=services.related(customer.id))


@bp.route("/customers/<int:customer_id>/contacts/new", methods=["GET", "POST"],
          defaults={"contact_id": None})
@bp.route("/customers/<int:customer_id>/contacts/<int:contact_id>",
          methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def contact_form(customer_id: int, contact_id: int | None):
    customer = _editable(Customer, customer_id)
    contact = None
    if contact_id:
        contact = db.session.scalar(select(Contact).where(
            Contact.id == contact_id, Contact.customer_id == customer.id))
        if contact is None:
            abort(404)
    form = ContactForm(obj=contact)
    status, conflicts = 200, []
    if form.validate_on_submit():
        if contact and is_stale(form, contact):
            conflicts, status = reload_with_conflict(form, contact,
                                                     list(services.CONTACT_FIELDS)), 409
        else:
            target = url_for("customers.show", customer_id=customer.id)
            if contact is None and (earlier := submissions.claim(form)):
                return redirect(earlier, 303)
            services.save_contact(contact, customer.id,
                                  {k: form[k].data for k in services.CONTACT_FIELDS})
            submissions.fulfil(form, target)
            db.session.commit()
            flash(_("Contact saved."), "success")
            return redirect(target)
    elif form.is_submitted():
        status = 422
    return render("customers/contact_form.html", status=status, form=form, customer=customer,
                  contact=contact, conflicts=conflicts)


def _contact_filters() -> dict:
    return {"q": request.args.get("q", "").strip(), "sort": request.args.get("sort", "name")}


@bp.get("/contacts")
@roles_required(*CUSTOMER_ROLES)
def contacts():
    f = _contact_filters()
    stmt = visible(Contact).options(joinedload(Contact.customer))
    if f["q"]:
        clauses = [matches(f["q"], Contact.search_key)]
        if len(digits := normalise_phone(f["q"])) >= 4:
            clauses.append(Contact.mobile_key.like(like_term(digits), escape="\\"))
        stmt = stmt.where(or_(*clauses))
    sort_col, descending = CONTACT_SORTS.get(f["sort"], CONTACT_SORTS["name"])
    page = keyset_page(stmt, sort_col, Contact.id, request.args.get("after"),
                       descending=descending)
    return render("customers/contacts.html", page=page, filters=f)


@bp.route("/customers/<int:customer_id>/merge/<int:drop_id>", methods=["GET", "POST"])
@roles_required(*EDITOR_ROLES)
def merge(customer_id: int, drop_id: int):
    keep = _editable(Customer, customer_id)
    drop = _editable(Customer, drop_id)
    form = MergeForm()
    if form.validate_on_submit():
        try:
            services.merge_customers(keep, drop)
        except services.CustomerError as error:
            form.add_error(None, error.message)
        else:
            db.session.commit()
            flash(_("Customers merged."), "success")
            return redirect(url_for("customers.show", customer_id=customer_id))
    status = 422 if form.is_submitted() else 200
    return render("customers/merge.html", status=status, form=form, keep=keep, drop=drop)
