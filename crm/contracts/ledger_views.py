"""/receivables: the receivables ledger (应收账款台账) by age, per customer, rep, team or region,
a bar chart of the buckets, and the drill-down from a bucket to its instalments (R-20)."""

from dataclasses import dataclass
from decimal import Decimal

from flask import abort, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import aliased, joinedload

from crm.auth.access import roles_required
from crm.auth.models import Team, User
from crm.auth.scopes import visible
from crm.contracts.access import ledger_scope
from crm.contracts.ledger import (
    BUCKETS,
    ZERO,
    Aging,
    aging_from,
    aging_rows,
    bucket_range,
    company_aging_rows,
    owner_aging_rows,
)
from crm.contracts.models import (
    Contract,
    Instalment,
    ReceivableCustomer,
    ReceivableOwnerCustomer,
)
from crm.contracts.views import bp, today
from crm.customers.models import Customer
from crm.extensions import db
from crm.sales.choices import customer_link, owner_link
from crm.web.lists import Column, Link, ListSpec, render_list
from crm.web.render import render

LEDGER_ROLES = ("finance", "director", "admin", "legal", "manager")
GROUPINGS = {"customer": _l("Customer"), "rep": _l("Rep"), "team": _l("Team"),
             "region": _l("Region")}
GROUPS_SHOWN = 50
OwnerTeam = aliased(Team)


def _kept_grouped(by: str, owners: list[int] | None, hidden):
    """Open instalments by rep, team or region and bucket, from the totals kept per owner;
    teams and regions join the small users and teams tables."""
    kept = owner_aging_rows(today(), owners, hidden)
    group = {"rep": kept.c.owner_id, "team": User.team_id, "region": OwnerTeam.parent_id}[by]
    stmt = select(group.label("group_id"), kept.c.bucket, func.sum(kept.c.outstanding),
                  func.sum(kept.c.instalments)).select_from(kept)
    if by in ("team", "region"):
        stmt = stmt.join(User, User.id == kept.c.owner_id)
    if by == "region":
        stmt = stmt.outerjoin(OwnerTeam, OwnerTeam.id == User.team_id)
    return stmt.group_by(group, kept.c.bucket).having(func.sum(kept.c.instalments) != 0)


@dataclass
class GroupRow:
    group_id: int | None
    name: str
    aging: Aging


def _names(by: str, ids: list) -> dict:
    model, column = {"customer": (Customer, Customer.name), "rep": (User, User.name),
                     "team": (Team, Team.name), "region": (Team, Team.name)}[by]
    return dict(db.session.execute(select(model.id, column).where(model.id.in_(ids))).all())


def _customer_buckets(ids: list, clauses: list) -> dict[int, Aging]:
    """The buckets of a few customers' open instalments (by `ix_instalments_open_customer`)."""
    groups = {gid: Aging() for gid in ids}
    for group_id, bucket, amount, n in db.session.execute(aging_rows(
            [Instalment.customer_id.in_(ids), *clauses], today(),
            group_by=Instalment.customer_id.label("group_id"))):
        groups[group_id].amounts[bucket] += Decimal(amount or 0)
        groups[group_id].counts[bucket] += n
    return groups


def _company_by_customer() -> tuple[Aging, list[GroupRow], int]:
    """The whole company by customer, from the totals the database keeps: the buckets from
    the per-day totals, the largest customers from their index, and only their instalments
    for their buckets."""
    totals = aging_from(db.session.execute(company_aging_rows(today())))
    largest = ReceivableCustomer.instalments > 0
    ids = list(db.session.scalars(
        select(ReceivableCustomer.customer_id).where(largest)
        .order_by(ReceivableCustomer.outstanding.desc(), ReceivableCustomer.customer_id.desc())
        .limit(GROUPS_SHOWN)))
    count = db.session.scalar(select(func.count()).select_from(ReceivableCustomer)
                              .where(largest))
    groups = _customer_buckets(ids, [])
    names = _names("customer", ids)
    return totals, [GroupRow(gid, names.get(gid, "—"), groups[gid]) for gid in ids], count


def _fully_hidden_customers(owners: list[int] | None, hidden) -> int:
    """How many of the owners' customers have open instalments only on contracts hidden from
    the user (the kept pairs count them; the user may not)."""
    pairs = ReceivableOwnerCustomer
    clauses = [] if owners is None else [Instalment.owner_id.in_(owners)]
    hidden_open = select(Instalment.customer_id, func.count().label("n")).where(
        Instalment.outstanding != 0, Instalment.contract_id.in_(select(Contract.id).where(hidden)),
        *clauses).group_by(Instalment.customer_id).subquery()
    in_scope = select(func.sum(pairs.instalments)).where(
        pairs.customer_id == hidden_open.c.customer_id,
        *([] if owners is None else [pairs.owner_id.in_(owners)])).scalar_subquery()
    return db.session.scalar(select(func.count()).select_from(hidden_open)
                             .where(hidden_open.c.n == in_scope))


def _scoped_by_customer(owners: list[int] | None, hidden) -> tuple[Aging, list[GroupRow], int]:
    """A scoped user's ledger by customer: the buckets from the totals kept per owner; the
    candidates for the largest customers walked from the index of each owner's share of a
    customer (`receivable_owner_customers`), their exact buckets from their instalments."""
    kept = owner_aging_rows(today(), owners, hidden)
    totals = aging_from(db.session.execute(
        select(kept.c.bucket, func.sum(kept.c.outstanding), func.sum(kept.c.instalments))
        .group_by(kept.c.bucket)))
    pairs = ReceivableOwnerCustomer
    open_pairs = [pairs.instalments > 0,
                  *([] if owners is None else [pairs.owner_id.in_(owners)])]
    candidates = list(dict.fromkeys(db.session.scalars(
        select(pairs.customer_id).where(*open_pairs)
        .order_by(pairs.outstanding.desc(), pairs.customer_id.desc())
        .limit(2 * GROUPS_SHOWN))))
    count = db.session.scalar(
        select(func.count()).select_from(ReceivableCustomer).where(
            ReceivableCustomer.instalments > 0) if owners is None else
        select(func.count(distinct(pairs.customer_id))).where(*open_pairs))
    clauses = [] if owners is None else [Instalment.owner_id.in_(owners)]
    if hidden is not None:
        clauses.append(Instalment.contract_id.not_in(select(Contract.id).where(hidden)))
        count -= _fully_hidden_customers(owners, hidden)
    groups = _customer_buckets(candidates, clauses)
    largest = sorted((gid for gid in candidates if groups[gid].total),
                     key=lambda gid: (groups[gid].total, gid), reverse=True)[:GROUPS_SHOWN]
    names = _names("customer", largest)
    return totals, [GroupRow(gid, names.get(gid, "—"), groups[gid]) for gid in largest], count


def ledger_figures(by: str) -> tuple[Aging, list[GroupRow], int]:
    """The totals by bucket, the largest groups (by outstanding) and how many groups there are.
    By rep, team or region one grouped statement: the totals are the sum of every group, so
    they reconcile."""
    owners, hidden = ledger_scope(current_user)
    if by == "customer":
        if owners is None and hidden is None:
            return _company_by_customer()
        return _scoped_by_customer(owners, hidden)
    groups: dict[int | None, Aging] = {}
    totals = Aging()
    for group_id, bucket, amount, count in db.session.execute(
            _kept_grouped(by, owners, hidden)):
        aging = groups.setdefault(group_id, Aging())
        for target in (aging, totals):
            target.amounts[bucket] += Decimal(amount or 0)
            target.counts[bucket] += count
    largest = sorted(groups.items(), key=lambda item: item[1].total, reverse=True)
    shown = largest[:GROUPS_SHOWN]
    names = _names(by, [gid for gid, _aging in shown if gid is not None])
    rows = [GroupRow(gid, names.get(gid, "—"), aging) for gid, aging in shown]
    return totals, rows, len(groups)


def bar_chart(totals: Aging) -> list[dict]:
    """The bars of the SVG chart (drawn in the template: no script, no inline style)."""
    top = max(totals.amounts.values(), default=ZERO) or Decimal(1)
    return [{"key": key, "label": label, "amount": amount,
             "height": int(160 * amount / top), "x": 30 + index * 110}
            for index, (key, label, amount, _count) in enumerate(totals.rows())]


@bp.get("/receivables")
@roles_required(*LEDGER_ROLES)
def ledger():
    by = request.args.get("by", "customer")
    if by not in GROUPINGS:
        by = "customer"
    totals, rows, groups = ledger_figures(by)
    return render("contracts/ledger.html", totals=totals, rows=rows, groups=groups, by=by,
                  groupings=GROUPINGS, buckets=BUCKETS, bars=bar_chart(totals), today=today())


def _drill_query():
    return visible(Instalment).options(
        joinedload(Instalment.contract).joinedload(Contract.customer),
        joinedload(Instalment.contract).joinedload(Contract.owner))


def _team_link(key: str, column) -> Link:
    def chip(value: str) -> str:
        return db.session.scalar(select(Team.name).where(Team.id == int(value))) or value

    return Link(key, chip, lambda v: Instalment.owner_id.in_(
        select(User.id).join(OwnerTeam, OwnerTeam.id == User.team_id).where(column == int(v))))


DRILL = ListSpec(
    name="receivable",
    query=_drill_query,
    id_column=Instalment.id,
    columns=(
        Column("due", _l("Due on"), sort=(Instalment.due_on, False)),
        Column("contract", _l("Contract number")),
        Column("customer", _l("Customer")),
        Column("owner", _l("Owner")),
        Column("amount", _l("Amount")),
        Column("outstanding", _l("Outstanding"), sort=(Instalment.outstanding, True),
               slow_sort=True),
    ),
    default_sort="due",
    links=(owner_link(Instalment), customer_link(Instalment), _team_link("team", OwnerTeam.id),
           _team_link("region", OwnerTeam.parent_id)),
    count_text=_l("%(n)s instalments"),
)


@bp.get("/receivables/<bucket>")
@roles_required(*LEDGER_ROLES)
def bucket(bucket: str):
    if bucket not in BUCKETS:
        abort(404)
    listing = DRILL.run(_drill_query().where(*bucket_range(bucket, today())))
    return render_list("contracts/bucket.html", listing, bucket=bucket, buckets=BUCKETS,
                       today=today())
