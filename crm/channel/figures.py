"""What each dealer brought in a quarter (R-19, R-62): new customers it sold, revenue signed on
its deals, and complaints about its customers (counted by the service desk, crm/service)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from crm.contracts.models import Contract
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales.models import Deal
from crm.service.complaints import count_by_dealer


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1..4

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls.of_month(day.year, day.month)

    @classmethod
    def of_month(cls, year: int, month: int) -> "Quarter":
        return cls(year, (month - 1) // 3 + 1)

    @classmethod
    def from_key(cls, key: int) -> "Quarter":
        return cls(key // 10, key % 10)

    @property
    def key(self) -> int:  # 20263: how scores store it
        return self.year * 10 + self.number

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:  # the first day after the quarter
        return self.next().start

    def next(self) -> "Quarter":
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> "Quarter":
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def __str__(self) -> str:
        return f"{self.year} Q{self.number}"


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def complaint_counts(dealer_ids: list[int], quarter: Quarter) -> dict[int, int]:
    if not dealer_ids:
        return {}
    return count_by_dealer(dealer_ids, _moment(quarter.start), _moment(quarter.end))


def new_customers(dealer_ids: Iterable[int], quarter: Quarter) -> dict[int, int]:
    """Customers each dealer sold that were created in the quarter."""
    stmt = (select(Customer.dealer_id, func.count())
            .where(Customer.dealer_id.in_(list(dealer_ids)),
                   Customer.created_at >= _moment(quarter.start),
                   Customer.created_at < _moment(quarter.end))
            .group_by(Customer.dealer_id))
    return dict(db.session.execute(stmt).all())


def customers_sold(dealer_ids: Iterable[int], quarter: Quarter) -> dict[int, int]:
    """Customers each dealer had sold by the quarter's end: the base of its complaint rate."""
    stmt = (select(Customer.dealer_id, func.count())
            .where(Customer.dealer_id.in_(list(dealer_ids)),
                   Customer.created_at < _moment(quarter.end))
            .group_by(Customer.dealer_id))
    return dict(db.session.execute(stmt).all())


def signed_revenue(dealer_ids: Iterable[int], quarter: Quarter) -> dict[int, Decimal]:
    """Contracts signed in the quarter on each dealer's deals."""
    stmt = (select(Deal.dealer_id, func.sum(Contract.price))
            .join(Deal, Deal.id == Contract.deal_id)
            .where(Deal.dealer_id.in_(list(dealer_ids)),
                   Contract.signed_at >= quarter.start, Contract.signed_at < quarter.end)
            .group_by(Deal.dealer_id))
    return {dealer_id: Decimal(total or 0) for dealer_id, total in db.session.execute(stmt)}
