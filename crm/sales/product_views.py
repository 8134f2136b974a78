"""/products: products and value-added products (R-17); product managers and admins edit,
everyone reads."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404, visible
from crm.extensions import db
from crm.sales import products as services
from crm.sales.access import PRODUCT_EDITOR_ROLES
from crm.sales.forms import ProductForm
from crm.sales.models import PRODUCT_KINDS, BundleItem, Product
from crm.sales.services import SalesError
from crm.web import submissions
from crm.web.conflict import is_stale, reload_with_conflict
from crm.web.pagination import keyset_page
from crm.web.render import render
from crm.web.search import matches

bp = Blueprint("products", __name__)

PRODUCT_SORTS = {"name": (Product.search_key, False), "price": (Product.price, True)}
FORM_FIELDS = list(services.PRODUCT_FIELDS)


@bp.context_processor
def labels() -> dict:
    return {"product_kinds": PRODUCT_KINDS}


@bp.get("/products")
@login_required
def index():
    f = {"q": request.args.get("q", "").strip(), "kind": request.args.get("kind", ""),
         "status": request.args.get("status", "active"), "sort": request.args.get("sort", "name")}
    stmt = visible(Product).options(
        selectinload(Product.components).joinedload(BundleItem.component))
    if f["q"]:
        stmt = stmt.where(matches(f["q"], Product.search_key))
    if f["kind"] in PRODUCT_KINDS:
        stmt = stmt.where(Product.kind == f["kind"])
    if f["status"] in ("active", "inactive"):
        stmt = stmt.where(Product.active.is_(f["status"] == "active"))
    sort_col, descending = PRODUCT_SORTS.get(f["sort"], PRODUCT_SORTS["name"])
    page = keyset_page(stmt, sort_col, Product.id, request.args.get("after"),
                       descending=descending)
    return render("products/index.html", page=page, filters=f,
                  can_edit=current_user.has_role(*PRODUCT_EDITOR_ROLES))


@bp.route("/products/new", methods=["GET", "POST"], defaults={"product_id": None})
@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@roles_required(*PRODUCT_EDITOR_ROLES)
def edit(product_id: int | None):
    product = get_visible_or_404(Product, product_id) if product_id else None
    form = ProductForm(obj=product)
    form.component_ids.choices = services.component_choices(product_id)
    if product and request.method == "GET":
        form.component_ids.data = [item.component_id for item in product.components]
    status, conflicts = 200, []
    if form.validate_on_submit():
        if product and is_stale(form, product):
            conflicts, status = reload_with_conflict(form, product, FORM_FIELDS), 409
        elif product is None and (earlier := submissions.claim(form)):
            return redirect(earlier, 303)
        else:
            try:
                saved = services.save_product(product, {k: form[k].data for k in FORM_FIELDS},
                                              form.component_ids.data or [])
            except SalesError as error:
                form.add_error(error.field, error.message)
                status = 422
            else:
                submissions.fulfil(form, url_for("products.index"))
                db.session.commit()
                flash(_("Product %(name)s saved.", name=saved.name), "success")
                return redirect(url_for("products.index"))
    elif form.is_submitted():
        status = 422
    return render("products/form.html", status=status, form=form, product=product,
                  conflicts=conflicts)

