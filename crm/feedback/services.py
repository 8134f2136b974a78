"""A product's feedback page (R-18): its figures in a period and marking items acted on.
Nothing here commits."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from crm.auth.models import User
from crm.contracts.models import Contract
from crm.errors import DomainError
from crm.extensions import db
from crm.feedback.models import FeedbackAction
from crm.feedback.sources import FeedbackItem, FeedbackSource, find
from crm.sales.models import DealLine
from crm.satisfaction.services import LAPSED
from crm.service.models import Complaint


@dataclass
class Figures:
    complaints: int
    contracts: int
    quantity: Decimal
    amount: Decimal


def figures(product_id: int, start: datetime) -> Figures:
    """Complaints about the product and its sales (lines of contracts signed) since `start`."""
    complaints = db.session.scalar(select(func.count()).select_from(Complaint).where(
        Complaint.product_id == product_id, Complaint.created_at >= start))
    net = DealLine.quantity * DealLine.unit_price * (100 - DealLine.discount_percent) / 100
    contracts, quantity, amount = db.session.execute(
        select(func.count(func.distinct(Contract.id)),
               func.coalesce(func.sum(DealLine.quantity), 0), func.coalesce(func.sum(net), 0))
        .join(Contract, Contract.deal_id == DealLine.deal_id)
        .where(DealLine.product_id == product_id, Contract.signed_at >= start.date(),
               Contract.status.not_in(LAPSED))).one()
    return Figures(complaints, contracts, Decimal(quantity),
                   Decimal(amount).quantize(Decimal("0.01")))


def actions_for(shown: list[FeedbackItem]) -> dict[tuple[str, int], FeedbackAction]:
    """The "acted on" rows of the items shown, in one query."""
    if not shown:
        return {}
    keys = {(item.source.key, item.id) for item in shown}
    rows = db.session.scalars(select(FeedbackAction).where(
        FeedbackAction.item_id.in_({item_id for _s, item_id in keys})))
    return {(row.source, row.item_id): row for row in rows if (row.source, row.item_id) in keys}


def mark_acted(each: FeedbackSource, item_id: int, product_id: int, note: str,
               by: User) -> FeedbackAction:
    """Once per item, with what was done (audited)."""
    if find(each, item_id, product_id) is None:
        raise DomainError(_l("This feedback is not about this product."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_l("Say what was done about it."), "note")
    if db.session.scalar(select(FeedbackAction.id).where(FeedbackAction.source == each.key,
                                                        FeedbackAction.item_id == item_id)):
        raise DomainError(_l("This feedback is marked acted on already."))
    action = FeedbackAction(source=each.key, item_id=item_id, product_id=product_id, note=note,
                            user_id=by.id)
    db.session.add(action)
    db.session.flush()
    return action
