"""/products: products and value-added products (R-17); product managers and admins edit,
everyone reads."""

from flask import Blueprint, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from crm.auth.access import roles_required
from crm.auth.scopes import get_visible_or_404, visible
from crm.sales import products as services
from crm.sales.access import FEEDBACK_READERS, PRODUCT_EDITOR_ROLES
from crm.sales.forms import ProductForm
from crm.sales.models import PRODUCT_KINDS, BundleItem, Product
from crm.web.edits import saved_redirect, submit_edit
from crm.web.i18n import translated
from crm.web.lists import Column, Filter, ListSpec, render_list
from crm.web.search import matches

bp = Blueprint("products", __name__)

FORM_FIELDS = list(services.PRODUCT_FIELDS)


@bp.context_processor
def labels() -> dict:
    return {"product_kinds": translated(PRODUCT_KINDS)}


PRODUCTS = ListSpec(
    name="product",
    query=lambda: visible(Product).options(
        selectinload(Product.components).joinedload(BundleItem.component)),
    id_column=Product.id,
    columns=(
        Column("name", _l("Name"), sort=(Product.search_key, False)),
        Column("kind", _l("Kind")),
        Column("category", _l("Category")),
        Column("price", _l("Price"), sort=(Product.price, True)),
        Column("contents", _l("Bundle contents")),
        Column("status", _l("Status")),
    ),
    default_sort="name",
    filters=(
        Filter.equals("kind", _l("Kind"), lambda: PRODUCT_KINDS, Product.kind,
                      _l("All kinds")),
        Filter("status", _l("Status"), lambda: [
            ("active", _("On sale")), ("inactive", _("Discontinued")), ("all", _("All"))],
            lambda v: None if v == "all" else Product.active.is_(v == "active"),
            default="active"),
    ),
    search=lambda term: matches(term, Product.search_key),
    search_hint=_l("Name or category, pinyin or initials"),
    count_text=_l("%(n)s products"),
)


@bp.get("/products")
@login_required
def index():
    return render_list("sales/products/index.html", PRODUCTS.run(),
                       can_edit=current_user.has_role(*PRODUCT_EDITOR_ROLES),
                       can_read_feedback=current_user.has_role(*FEEDBACK_READERS))


@bp.route("/products/new", methods=["GET", "POST"], defaults={"product_id": None})
@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@roles_required(*PRODUCT_EDITOR_ROLES)
def edit(product_id: int | None):
    product = get_visible_or_404(Product, product_id) if product_id else None
    form = ProductForm(obj=product)
    form.component_ids.choices = services.component_choices(product_id)
    if product and request.method == "GET":
        form.component_ids.data = [item.component_id for item in product.components]
    result = submit_edit(form, product, FORM_FIELDS, lambda: services.save_product(
        product, {k: form[k].data for k in FORM_FIELDS}, form.component_ids.data or []))
    if result.done:
        return saved_redirect(_("Product %(name)s saved.", name=result.saved.name),
                              url_for("products.index"))
    return result.render("sales/products/form.html", form=form, product=product)
