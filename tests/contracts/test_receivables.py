"""The payment schedule, payments and the receivables ledger (R-20): exact money, outstanding
per instalment and contract, buckets that always reconcile, constant query counts."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, select, update

from crm.auth.models import User
from crm.auth.scopes import visible_filter
from crm.contracts import services, views
from crm.contracts.ledger import BUCKETS, aging_from, aging_rows, bucket_of
from crm.contracts.ledger_views import ledger_figures
from crm.contracts.models import (
    Contract,
    Instalment,
    Payment,
    ReceivableCustomer,
    ReceivableDay,
    ReceivableOwnerCustomer,
    ReceivableOwnerDay,
    ReceivableOwnerMonth,
)
from crm.customers.models import Customer
from crm.customers.services import merge_customers, save_customer
from crm.extensions import db
from tests.conftest import count_queries
from tests.contracts.helpers import instalment_ids, make_contract, user_id

TODAY = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(views, "today", lambda: TODAY)
    monkeypatch.setattr("crm.contracts.ledger_views.today", lambda: TODAY)


def _schedule(user, contract_id: int, rows: list[tuple[str, str]]):
    data = {}
    for n, (due_on, amount) in enumerate(rows):
        data[f"instalments-{n}-due_on"], data[f"instalments-{n}-amount"] = due_on, amount
    return user.post(f"/contracts/{contract_id}/schedule", data)


def test_a_schedule_that_does_not_add_up_is_refused_saying_by_how_much(app, login):
    contract_id = make_contract(app, price="100000.00")
    finance = login("zhengshuang")
    short = _schedule(finance, contract_id, [("2026-03-01", "30000"), ("2026-06-01", "69999.99")])
    assert short.status_code == 422
    assert "比合同金额 ¥100,000.00 少 ¥0.01" in short.get_data(as_text=True)
    over = _schedule(finance, contract_id, [("2026-03-01", "30000"), ("2026-06-01", "70000.50")])
    assert "多 ¥0.50" in over.get_data(as_text=True)
    assert instalment_ids(app, contract_id) == []
    exact = _schedule(finance, contract_id, [("2026-06-01", "70000"), ("2026-03-01", "30000")])
    assert exact.status_code == 303
    with app.app_context():
        rows = db.session.execute(select(Instalment.due_on, Instalment.amount,
                                         Instalment.outstanding).order_by(Instalment.due_on))
        assert [tuple(r) for r in rows] == [
            (date(2026, 3, 1), Decimal("30000.00"), Decimal("30000.00")),
            (date(2026, 6, 1), Decimal("70000.00"), Decimal("70000.00"))]


def _pay(user, contract_id: int, instalment_id: int, amount: str, reason: str = "",
         htmx: bool = False):
    return user.post(f"/contracts/{contract_id}/payments",
                     {"instalment_id": instalment_id, "received_on": "2026-06-20",
                      "amount": amount, "method": "bank_transfer", "reference": "HX-1",
                      "reason": reason}, htmx=htmx)


def test_partial_payments_and_refunds_move_the_outstanding_amounts(app, login):
    contract_id = make_contract(app, schedule=[(date(2026, 3, 1), "30000"),
                                               (date(2026, 9, 1), "70000")])
    first, second = instalment_ids(app, contract_id)
    finance = login("zhengshuang")
    assert _pay(finance, contract_id, first, "10000").status_code == 303
    assert _pay(finance, contract_id, first, "5000.50").status_code == 303
    refused = _pay(finance, contract_id, first, "-1000")
    assert refused.status_code == 422 and "退款须填写原因" in refused.get_data(as_text=True)
    assert _pay(finance, contract_id, first, "-1000", "多收退回").status_code == 303
    too_much = _pay(finance, contract_id, first, "20000")
    assert too_much.status_code == 422 and "仅剩 ¥15,999.50 未收" in too_much.get_data(
        as_text=True)
    assert _pay(finance, contract_id, second, "-1", "x").status_code == 422
    page = finance.get(f"/contracts/{contract_id}").get_data(as_text=True)
    assert "¥85,999.50" in page  # the contract's outstanding
    with app.app_context():
        instalment = db.session.get(Instalment, first)
        assert (instalment.paid, instalment.outstanding) == (Decimal("14000.50"),
                                                             Decimal("15999.50"))
        assert services.outstanding_of(contract_id) == Decimal("85999.50")
        assert len(db.session.scalars(select(Payment)).all()) == 3


def test_a_payment_from_the_contract_page_answers_with_the_new_figures(app, login):
    contract_id = make_contract(app, schedule=[(date(2026, 5, 1), "100000")])
    [only] = instalment_ids(app, contract_id)
    fragment = _pay(login("zhengshuang"), contract_id, only, "40000", htmx=True)
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="receivables"')
    assert '<strong id="contract-outstanding">¥60,000.00</strong>' in html
    assert 'data-bucket="d31_60">¥60,000.00' in html


def test_a_schedule_with_payments_cannot_be_replaced(app, login):
    contract_id = make_contract(app, schedule=[(date(2026, 5, 1), "100000")])
    [only] = instalment_ids(app, contract_id)
    finance = login("zhengshuang")
    _pay(finance, contract_id, only, "100")
    response = _schedule(finance, contract_id, [("2026-07-01", "100000")])
    assert response.status_code == 422 and "不能再替换" in response.get_data(as_text=True)


def test_the_ledger_groups_reconcile_and_drill_down_to_the_instalments(app, login):
    east = make_contract(app, schedule=[(TODAY + timedelta(days=5), "50000"),
                                        (TODAY - timedelta(days=10), "30000"),
                                        (TODAY - timedelta(days=45), "20000")])
    make_contract(app, owner="chenjing", company="格力电器股份有限公司",
                  schedule=[(TODAY - timedelta(days=90), "100000")])
    finance = login("zhengshuang")
    for by in ("customer", "rep", "team", "region"):
        page = finance.get(f"/receivables?by={by}").get_data(as_text=True)
        assert '<strong id="ledger-total">¥200,000.00</strong>' in page, by
    drill = finance.get("/receivables/d31_60").get_data(as_text=True)
    assert "¥20,000.00" in drill and "¥100,000.00" not in drill
    mine = finance.get(f"/receivables/d61?owner={user_id_of(app, 'chenjing')}")
    assert "格力" in mine.get_data(as_text=True)
    manager = login("wangqiang").get("/receivables").get_data(as_text=True)
    assert '<strong id="ledger-total">¥100,000.00</strong>' in manager  # his team's only
    assert east


def user_id_of(app, username: str) -> int:
    with app.app_context():
        return user_id(username)


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schedule=st.lists(st.tuples(st.integers(-120, 60), money), min_size=1, max_size=6),
       payments=st.lists(st.tuples(st.integers(0, 5), st.integers(0, 100), st.booleans()),
                         max_size=8))
def test_buckets_always_sum_to_the_open_instalments_counting_each_once(
        app, people, schedule, payments):
    """Random schedules, partial payments (a percentage of what is left) and refunds (a
    percentage of what was paid): the buckets sum to the outstanding of the open instalments,
    and the number counted is the number of open instalments."""
    with app.test_request_context():
        db.session.execute(delete(Payment))
        db.session.execute(delete(Instalment))
        contract = db.session.scalar(select(Contract)) or _contract(app)
        rows = [(TODAY + timedelta(days=offset), amount) for offset, amount in schedule]
        contract.price = sum((amount for _d, amount in rows), Decimal("0"))
        instalments = services.save_schedule(contract, rows)
        finance = db.session.get(User, user_id("zhengshuang"))
        for index, percent, refund in payments:
            instalment = instalments[index % len(instalments)]
            base = instalment.paid if refund else instalment.outstanding
            amount = (base * percent / 100).quantize(Decimal("0.01"))
            if amount:
                services.record_payment(instalment, received_on=TODAY,
                                        amount=-amount if refund else amount,
                                        method="cash", reference="", reason="退款",
                                        user=finance)
        aging = aging_from(db.session.execute(aging_rows([], TODAY)).all())
        open_rows = [i for i in instalments if i.outstanding != 0]
        assert aging.total == sum((i.outstanding for i in open_rows), Decimal("0"))
        assert sum(aging.counts.values()) == len(open_rows)
        for key in BUCKETS:
            in_bucket = [i for i in open_rows if bucket_of(i.due_on, TODAY) == key]
            assert aging.amounts[key] == sum((i.outstanding for i in in_bucket), Decimal("0"))
            assert aging.counts[key] == len(in_bucket)
        for by in ("customer", "rep", "team", "region"):
            totals, groups, _n = _figures(app, by)
            assert totals.amounts == aging.amounts and totals.counts == aging.counts
            assert sum((g.aging.total for g in groups), Decimal("0")) == aging.total
        assert _kept_totals() == _recounted_totals()
        db.session.commit()


KEPT = (ReceivableDay, ReceivableCustomer, ReceivableOwnerDay, ReceivableOwnerMonth,
        ReceivableOwnerCustomer)


def _kept_totals() -> dict:
    """What the triggers keep (migrations 0017, 0022), rows with no open instalment left
    out."""
    return {table.__tablename__: {tuple(row[:-2]): tuple(row[-2:]) for row in db.session.execute(
        select(*table.__table__.c).where(table.instalments > 0))}
        for table in KEPT}


def _recounted_totals() -> dict:
    """The same totals summed again from the open instalments."""
    keys = {"receivable_days": lambda i: (i.due_on,),
            "receivable_customers": lambda i: (i.customer_id,),
            "receivable_owner_days": lambda i: (i.owner_id, i.due_on),
            "receivable_owner_months": lambda i: (i.owner_id, i.due_on.replace(day=1)),
            "receivable_owner_customers": lambda i: (i.owner_id, i.customer_id)}
    found = {table: {} for table in keys}
    for instalment in db.session.scalars(select(Instalment).where(Instalment.outstanding != 0)):
        for table, key in keys.items():
            amount, n = found[table].get(key(instalment), (Decimal("0.00"), 0))
            found[table][key(instalment)] = (amount + instalment.outstanding, n + 1)
    return found


def _pay_service(instalment_id: int, amount: str, reason: str = "") -> None:
    services.record_payment(db.session.get(Instalment, instalment_id), received_on=TODAY,
                            amount=Decimal(amount), method="cash", reference="",
                            reason=reason, user=db.session.get(User, user_id("zhengshuang")))


def test_kept_totals_equal_a_recount_after_payments_refunds_reassignments_and_statuses(
        app, people):
    """Whatever happens to the instalments, the totals kept per day, customer, owner and day,
    owner and month stay the sums of the open instalments."""
    first = make_contract(app, schedule=[(TODAY + timedelta(days=5), "50000"),
                                         (TODAY - timedelta(days=31), "30000"),
                                         (TODAY - timedelta(days=75), "20000")])
    second = make_contract(app, owner="chenjing", company="格力电器股份有限公司",
                           schedule=[(TODAY - timedelta(days=2), "60000"),
                                     (TODAY + timedelta(days=40), "40000")])
    third = make_contract(app, owner="yangfan", company="海尔智家股份有限公司",
                          schedule=[(TODAY - timedelta(days=10), "100000")])
    a, b, c = instalment_ids(app, first)
    d, e = instalment_ids(app, second)
    with app.test_request_context():
        _pay_service(a, "10000")
        _pay_service(c, "20000")  # paid in full: no longer open
        _pay_service(a, "-2500", "多收退回")
        _pay_service(c, "-500", "退回")  # open again
        _pay_service(d, "60000")
        assert _kept_totals() == _recounted_totals()
        customer = db.session.get(Contract, first).customer
        save_customer(customer, {"owner_id": user_id("liuyang")})  # the customer's new owner
        contract = db.session.get(Contract, second)
        services.change_status(contract, "in_delivery")
        services.change_status(contract, "terminated")
        # the schedule's owner and due date moved (as a reassignment of the contract would)
        db.session.execute(update(Instalment).where(Instalment.id == e).values(
            owner_id=user_id("yangfan"), due_on=TODAY - timedelta(days=65)))
        db.session.execute(update(Instalment).where(Instalment.id == b).values(
            customer_id=contract.customer_id))
        db.session.flush()
        assert _kept_totals() == _recounted_totals()
        merged = save_customer(None, {"name": "合并测试有限公司", "owner_id": user_id("zhangwei")})
        merge_customers(merged, db.session.get(Customer, contract.customer_id))
        assert _kept_totals() == _recounted_totals()
        services.save_schedule(db.session.get(Contract, third),  # replaced: rows deleted
                               [(TODAY + timedelta(days=1), Decimal("100000"))])
        assert _kept_totals() == _recounted_totals()
        db.session.commit()


def test_payments_at_the_same_moment_on_the_same_totals_rows_all_count(app, people):
    """PostgreSQL: two finance clerks paying instalments that share every kept totals row
    (same day, customer, owner, month) at once: no deadlock, no payment lost."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            pytest.skip("SQLite serialises writers")
    day = TODAY - timedelta(days=3)
    contract_id = make_contract(app, schedule=[(day, "25000")] * 4)
    ids = instalment_ids(app, contract_id)
    barrier, errors = threading.Barrier(2), []

    def pay(mine: list[int]) -> None:
        with app.test_request_context():
            barrier.wait()
            try:
                for _round in range(5):
                    for instalment_id in mine:
                        _pay_service(instalment_id, "100")
                        db.session.commit()
            except Exception as error:  # a deadlock would surface here
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pay, args=(part,)) for part in (ids[:2], ids[2:][::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with app.app_context():
        assert _kept_totals() == _recounted_totals()
        assert _recounted_totals()["receivable_days"][(day,)] == (Decimal("98000.00"), 4)


@pytest.mark.parametrize("username", ["wangqiang", "fenglv", "admin", "zhengshuang"])
def test_scoped_ledgers_sum_the_open_instalments_the_user_may_see(app, people, username):
    """A manager's team, legal and admins without the important contracts they did not mark,
    finance everything: every grouping reconciles to the instalments the scope shows."""
    make_contract(app, schedule=[(TODAY + timedelta(days=5), "50000"),
                                 (TODAY - timedelta(days=45), "50000")])
    secret = make_contract(app, owner="liuyang", company="比亚迪股份有限公司",
                           schedule=[(TODAY - timedelta(days=10), "70000"),
                                     (TODAY - timedelta(days=90), "30000")])
    own_secret = make_contract(app, owner="zhangwei", company="美的集团股份有限公司",
                               schedule=[(TODAY - timedelta(days=20), "100000")])
    make_contract(app, owner="chenjing", company="格力电器股份有限公司",
                  schedule=[(TODAY - timedelta(days=90), "100000")])
    with app.test_request_context():
        services.set_important(db.session.get(Contract, secret), True,
                               db.session.get(User, user_id("zhengshuang")))
        services.set_important(db.session.get(Contract, own_secret), True,
                               db.session.get(User, user_id(username)))
        db.session.commit()
        from flask_login import login_user

        user = db.session.get(User, user_id(username))
        login_user(user)
        seen = aging_from(db.session.execute(aging_rows([visible_filter(Instalment, user)],
                                                        TODAY)).all())
        assert seen.total > 0
        for by in ("customer", "rep", "team", "region"):
            totals, groups, count = ledger_figures(by)
            assert (totals.amounts, totals.counts) == (seen.amounts, seen.counts), by
            assert sum((g.aging.total for g in groups), Decimal("0")) == seen.total, by
            assert all(g.aging.total for g in groups) and count == len(groups), by


def _contract(app) -> Contract:
    contract_id = make_contract(app)
    return db.session.get(Contract, contract_id)


def _figures(app, by: str):
    from flask_login import login_user
    login_user(db.session.get(User, user_id("zhengshuang")))
    return ledger_figures(by)


def _bulk_contracts(app, n: int) -> None:
    """n contracts of zhangwei with two instalments each (one overdue, one not) and a
    payment on the first."""
    with app.app_context():
        first = db.session.scalar(select(Contract))
        base = db.session.scalar(select(Contract.id).order_by(Contract.id.desc())) or 0
        db.session.execute(insert(Contract), [
            {"id": base + i + 1, "number": f"BULK{base + i:07d}", "status": "signed",
             "deal_id": first.deal_id, "customer_id": first.customer_id,
             "owner_id": first.owner_id, "price": Decimal("1000"),
             "payment_method": "bank_transfer", "payment_terms": "x", "breach_liability": "y",
             "signed_at": date(2026, 1, 1), "important": False, "search_key": "bulk"}
            for i in range(n)])
        db.session.execute(insert(Instalment), [
            {"contract_id": base + i + 1, "customer_id": first.customer_id,
             "owner_id": first.owner_id, "due_on": TODAY + timedelta(days=d),
             "amount": Decimal("500"), "paid": Decimal("0"), "outstanding": Decimal("500")}
            for i in range(n) for d in (-40, 20)])
        db.session.commit()


def test_pages_run_a_fixed_number_of_queries(app, login):
    contract_id = make_contract(app, schedule=[(TODAY - timedelta(days=3), "100000")])
    [only] = instalment_ids(app, contract_id)
    rep, finance, director = login("zhangwei"), login("zhengshuang"), login("zhaomin")
    manager = login("wangqiang")
    _pay(finance, contract_id, only, "10")
    _bulk_contracts(app, 10)
    pages = [(rep, "/contracts"), (finance, "/contracts"), (finance, f"/contracts/{contract_id}"),
             (finance, "/receivables"), (director, "/receivables?by=team"),
             (finance, "/receivables?by=region"), (manager, "/receivables"),
             (manager, "/receivables?by=rep"),
             (finance, "/receivables/d31_60"), (rep, f"/contracts/{contract_id}")]

    def counts():
        found = []
        for user, url in pages:
            user.get(url)
            with count_queries(app) as counter:
                assert user.get(url).status_code == 200, url
            found.append(counter.n)
        return found

    small = counts()
    _bulk_contracts(app, 990)
    for _n in range(20):
        _pay(finance, contract_id, only, "10")
    large = counts()
    assert small == large
    # the contract page: login, contract, documents, instalments (their aging), payments,
    # collection steps, promises, overdue instalments, delivery records
    assert max(large) <= 13, large
