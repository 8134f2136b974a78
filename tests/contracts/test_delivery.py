"""Delivery follow-up (R-16): a weekly schedule-confirmation clock while in delivery, a
24-hour clock to report an exception with a remedy plan, delivery closes production."""

from datetime import timedelta

from sqlalchemy import select

from crm.base import utcnow
from crm.contracts import delivery
from crm.contracts.models import Contract, DeliveryRecord
from crm.deadlines.models import Deadline
from crm.extensions import db
from tests.contracts.helpers import make_contract


def _status(user, app, contract_id: int, status: str, delivered_on: str = ""):
    with app.app_context():
        version = db.session.get(Contract, contract_id).version
    return user.post(f"/contracts/{contract_id}/status",
                     {"status": status, "delivered_on": delivered_on, "version": version})


def _clocks(app, contract_id: int) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(select(Deadline.kind, Deadline.due_at, Deadline.done_at).where(
            Deadline.subject_type == "contract", Deadline.subject_id == contract_id)
            .order_by(Deadline.id))
        return [(kind, due, done) for kind, due, done in rows]


def _record(user, contract_id: int, kind: str, note: str, remedy: str = ""):
    return user.post(f"/contracts/{contract_id}/delivery",
                     {"kind": kind, "note": note, "remedy": remedy})


def test_production_runs_a_weekly_clock_and_exceptions_a_24_hour_one(app, login):
    contract_id = make_contract(app)
    rep = login("zhangwei")
    before = utcnow()
    assert _status(rep, app, contract_id, "in_delivery").status_code == 303
    [(kind, due, done)] = _clocks(app, contract_id)
    assert kind == delivery.CONFIRM_KIND and done is None
    assert timedelta(days=7) <= due - before < timedelta(days=7, minutes=5)

    assert _record(rep, contract_id, "confirmation", "生产部确认下周发货").status_code == 303
    confirmations = [c for c in _clocks(app, contract_id) if c[0] == delivery.CONFIRM_KIND]
    assert [c[2] is None for c in confirmations] == [False, True]  # done, and the next week's

    assert _record(rep, contract_id, "exception", "原材料到货延迟三天").status_code == 303
    [report] = [c for c in _clocks(app, contract_id) if c[0] == delivery.REPORT_KIND]
    assert timedelta(hours=24) <= report[1] - before < timedelta(hours=24, minutes=5)
    missing = _record(rep, contract_id, "report", "已电话告知客户")
    assert missing.status_code == 422 and "补救方案" in missing.get_data(as_text=True)
    assert _record(rep, contract_id, "report", "已电话告知客户",
                   "加班生产，顺延三天交付").status_code == 303
    assert all(c[2] is not None for c in _clocks(app, contract_id)
               if c[0] == delivery.REPORT_KIND)

    assert _status(rep, app, contract_id, "delivered", "2026-02-01").status_code == 303
    assert all(c[2] is not None for c in _clocks(app, contract_id))
    page = rep.get(f"/contracts/{contract_id}").get_data(as_text=True)
    assert "加班生产，顺延三天交付" in page and "原材料到货延迟三天" in page
    with app.app_context():
        assert len(db.session.scalars(select(DeliveryRecord)).all()) == 3


def test_only_a_contract_in_delivery_is_followed_up(app, login):
    contract_id = make_contract(app)
    response = _record(login("zhangwei"), contract_id, "confirmation", "确认")
    assert response.status_code == 422
