"""Choices the service forms share."""

from sqlalchemy import select

from crm.extensions import db
from crm.sales.models import Product


def product_choices() -> list[tuple]:
    """The active products a call or complaint may be about (a short table)."""
    rows = db.session.execute(select(Product.id, Product.name).where(Product.active)
                              .order_by(Product.search_key))
    return [("", "—")] + [tuple(row) for row in rows]
