"""Use cases of products and value-added products (R-17). No commits here."""

from flask_babel import gettext as _
from sqlalchemy import select

from crm.errors import DomainError
from crm.extensions import db
from crm.sales.models import BundleItem, Product

PRODUCT_FIELDS = ("name", "kind", "category", "price", "active", "description")


def save_product(product: Product | None, values: dict, component_ids: list[int]) -> Product:
    product = product or Product()
    for key in PRODUCT_FIELDS:
        if key in values:
            value = values[key]
            setattr(product, key, value.strip() if isinstance(value, str) else value)
    if not product.name:
        raise DomainError(_("Enter the product's name."), "name")
    if product.kind == "bundle":
        if not component_ids:
            raise DomainError(_("A bundle is made of at least one product."), "component_ids")
        if product.id in component_ids:
            raise DomainError(_("A bundle cannot contain itself."), "component_ids")
        kept = {item.component_id: item for item in product.components}
        product.components = [kept.get(cid) or BundleItem(component_id=cid)
                              for cid in component_ids]
    else:
        product.components = []
    product.refresh_keys()
    db.session.add(product)
    db.session.flush()
    return product


def component_choices(exclude_id: int | None) -> list[tuple[int, str]]:
    stmt = (select(Product.id, Product.name).where(Product.kind != "bundle", Product.active)
            .order_by(Product.search_key))
    return [(pid, name) for pid, name in db.session.execute(stmt) if pid != exclude_id]
