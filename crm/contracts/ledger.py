"""The receivables ledger (应收账款台账, R-20): outstanding amounts of open instalments by age,
not yet due, 1-30, 31-60 and 61+ days overdue (the seed's 账期 grades), so the buckets always
sum to the outstanding total. One grouped statement, never one per bucket, over the totals the
database keeps: per day for the whole company (`receivable_days`), per owner and month or day
for a rep, team, region or a scoped user (`receivable_owner_months`, `receivable_owner_days`);
over the partial index of open instalments (`ix_instalments_open_due`) for a few customers."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, or_, select, union_all

from crm.contracts.models import (
    Contract,
    Instalment,
    ReceivableDay,
    ReceivableOwnerDay,
    ReceivableOwnerMonth,
)

BUCKETS = {
    "not_due": _l("Not yet due"),
    "d1_30": _l("1-30 days overdue"),
    "d31_60": _l("31-60 days overdue"),
    "d61": _l("61+ days overdue"),
}
ZERO = Decimal("0.00")


def bucket_of(due_on: date, today: date) -> str:
    overdue = (today - due_on).days
    if overdue <= 0:
        return "not_due"
    return "d1_30" if overdue <= 30 else "d31_60" if overdue <= 60 else "d61"


def bucket_column(today: date, due_on=Instalment.due_on):
    """The bucket of a due date as SQL (the same edges as `bucket_of`)."""
    return case(
        (due_on >= today, literal("not_due")),
        (due_on >= today - timedelta(days=30), literal("d1_30")),
        (due_on >= today - timedelta(days=60), literal("d31_60")),
        else_=literal("d61"))


def bucket_range(bucket: str, today: date):
    """The WHERE clause of one bucket, on due_on alone (walks the index)."""
    edges = {"not_due": (today, None),
             "d1_30": (today - timedelta(days=30), today - timedelta(days=1)),
             "d31_60": (today - timedelta(days=60), today - timedelta(days=31)),
             "d61": (None, today - timedelta(days=61))}
    low, high = edges[bucket]
    clauses = [Instalment.outstanding != 0]
    if low is not None:
        clauses.append(Instalment.due_on >= low)
    if high is not None:
        clauses.append(Instalment.due_on <= high)
    return clauses


@dataclass
class Aging:
    amounts: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))

    @property
    def total(self) -> Decimal:
        return sum(self.amounts.values(), ZERO)

    @property
    def overdue(self) -> Decimal:
        return self.total - self.amounts["not_due"]

    def rows(self) -> list[tuple[str, object, Decimal, int]]:
        return [(key, label, self.amounts[key], self.counts[key])
                for key, label in BUCKETS.items()]


def aging_rows(stmt_filter, today: date, group_by=None):
    """(group, bucket, amount, count) of the open instalments that `stmt_filter` keeps."""
    bucket = bucket_column(today).label("bucket")
    columns = [bucket, func.sum(Instalment.outstanding), func.count()]
    stmt = select(*([group_by] if group_by is not None else []), *columns).select_from(
        Instalment).where(
        Instalment.outstanding != 0, *stmt_filter)
    return stmt.group_by(*([group_by] if group_by is not None else []), bucket)


def company_aging_rows(today: date):
    """(bucket, amount, count) of every open instalment, from the per-day totals."""
    bucket = bucket_column(today, ReceivableDay.due_on).label("bucket")
    return (select(bucket, func.sum(ReceivableDay.outstanding),
                   func.sum(ReceivableDay.instalments))
            .where(ReceivableDay.instalments > 0).group_by(bucket))


def aging_of(instalments, today: date) -> Aging:
    """The buckets of instalments already loaded (a contract's schedule), with `bucket_of`."""
    return aging_from((bucket_of(i.due_on, today), i.outstanding, 1)
                      for i in instalments if i.outstanding != 0)


def aging_from(rows) -> Aging:
    found = Aging()
    for bucket, amount, count in rows:
        found.amounts[bucket] += Decimal(amount or 0)
        found.counts[bucket] += count
    return found


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month_start(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def owner_aging_rows(today: date, owners: list[int] | None, hidden=None):
    """(owner_id, bucket, amount, count) rows of the open instalments of `owners` (None:
    everyone's), to be summed by owner and bucket. A month wholly before the month of 60 days
    ago is 61+ days overdue, one after this month not yet due: those come from the kept
    monthly totals; the days of the months in between from the kept daily ones (the buckets'
    edges fall there). `hidden`, a clause on contracts, names contracts whose open
    instalments are taken back out (important contracts the user may not see, R-03)."""
    low, high = _month_start(today - timedelta(days=60)), _next_month_start(today)
    month, day = ReceivableOwnerMonth, ReceivableOwnerDay
    months = select(month.owner_id, case((month.due_month < low, literal("d61")),
                                         else_=literal("not_due")).label("bucket"),
                    month.outstanding, month.instalments).where(
        month.instalments > 0, or_(month.due_month < low, month.due_month >= high))
    days = select(day.owner_id, bucket_column(today, day.due_on), day.outstanding,
                  day.instalments).where(day.instalments > 0, day.due_on >= low,
                                         day.due_on < high)
    if owners is not None:
        months = months.where(month.owner_id.in_(owners))
        days = days.where(day.owner_id.in_(owners))
    parts = [months, days]
    if hidden is not None:
        taken_out = select(Instalment.owner_id, bucket_column(today), -Instalment.outstanding,
                           literal(-1)).where(Instalment.outstanding != 0,
                                              Instalment.contract_id.in_(
                                                  select(Contract.id).where(hidden)))
        if owners is not None:
            taken_out = taken_out.where(Instalment.owner_id.in_(owners))
        parts.append(taken_out)
    return union_all(*parts).subquery("kept")
