"""Where product feedback comes from (R-18): each source is a kind of record that names the
product it concerns. A domain adds its records with one line:

    FEEDBACK_SOURCES.append(FeedbackSource("revisit", _l("Revisit"), Revisit, Revisit.done_at,
                                           lambda r: r.feedback, revisit_url))
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import joinedload

from crm.customers.access import CUSTOMER_ROLES
from crm.customers.models import Customer
from crm.extensions import db

ITEMS_SHOWN = 50  # per source and on the page: the newest of the period


@dataclass(frozen=True)
class FeedbackSource:
    key: str  # stored with an item's "acted on" row: never change it
    label: object
    model: type  # has customer_id, product_id and a `customer` relationship
    at: object  # the column that dates an item
    text: Callable[[object], str]
    url: Callable[[object], str]  # the page of one item
    where: ColumnElement | None = None  # which rows count as feedback (e.g. with a comment)
    readers: tuple[str, ...] = CUSTOMER_ROLES  # who may open an item's page


@dataclass
class FeedbackItem:
    source: FeedbackSource
    id: int
    at: datetime
    text: str
    customer: str
    url: str | None


FEEDBACK_SOURCES: list[FeedbackSource] = []


def source(key: str) -> FeedbackSource | None:
    return next((s for s in FEEDBACK_SOURCES if s.key == key), None)


def items(product_id: int, start: datetime, user, only: str = "") -> list[FeedbackItem]:
    """The newest feedback items about the product since `start`: one query per source."""
    found = []
    for each in FEEDBACK_SOURCES:
        if only and each.key != only:
            continue
        model = each.model
        stmt = (select(model).options(joinedload(model.customer).load_only(Customer.name))
                .where(model.product_id == product_id, each.at >= start)
                .order_by(each.at.desc()).limit(ITEMS_SHOWN))
        if each.where is not None:
            stmt = stmt.where(each.where)
        linked = user.has_role(*each.readers)
        found += [FeedbackItem(each, row.id, getattr(row, each.at.key), each.text(row),
                               row.customer.name,
                               each.url(row) if linked else None)
                  for row in db.session.scalars(stmt)]
    found.sort(key=lambda item: item.at, reverse=True)
    return found[:ITEMS_SHOWN]


def find(each: FeedbackSource, item_id: int, product_id: int):
    """The source's record about the product, or None."""
    return db.session.scalar(select(each.model).where(each.model.id == item_id,
                                                      each.model.product_id == product_id))
