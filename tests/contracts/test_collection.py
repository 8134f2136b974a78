"""The collection ladder with an injected clock (R-21): one overdue instalment walks the letter
(day 7, finance), the visit (day 15, the sales director) and the legal review (day 30, legal);
each alert fires once to the right people; a full payment stops the ladder; a promise to pay
pauses it and a broken promise starts it again with an alert."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from crm.auth.models import User
from crm.contracts import collection, services, views
from crm.contracts.models import Instalment
from crm.deadlines import services as deadlines
from crm.extensions import db
from crm.notifications.models import Notification
from tests.contracts.helpers import instalment_ids, make_contract, user_id

DUE = date(2026, 3, 2)


def moment(day: int):
    """An hour into day `day` after the due date (company time), as UTC."""
    return collection.due_moment(DUE, day) + timedelta(hours=1)


@pytest.fixture
def instalment(app, people) -> int:
    contract_id = make_contract(app, schedule=[(DUE, "100000")])
    [found] = instalment_ids(app, contract_id)
    return found


def alerts(app) -> set[tuple[str, str]]:
    """(username, deadline kind) of every ladder alert raised so far."""
    with app.app_context():
        rows = db.session.execute(
            select(User.username, Notification.deadline_kind)
            .join(User, User.id == Notification.user_id)
            .where(Notification.deadline_kind.like("collection_%")))
        return [tuple(r) for r in rows]


def on_day(app, day: int) -> None:
    """The daily job and the sweep, as they would run on that day."""
    with app.test_request_context():
        collection.run_daily(DUE + timedelta(days=day), moment(day))
        deadlines.sweep(moment(day))
        db.session.commit()


def _user(username: str) -> User:
    return db.session.get(User, user_id(username))


def record(app, instalment_id: int, step: str, day: int, **values) -> None:
    with app.test_request_context():
        collection.record_step(db.session.get(Instalment, instalment_id), step,
                               done_on=DUE + timedelta(days=day), user=_user("zhaomin"),
                               **values)
        db.session.commit()


def pay(app, instalment_id: int, amount: str, day: int) -> None:
    with app.test_request_context():
        services.record_payment(db.session.get(Instalment, instalment_id),
                                received_on=DUE + timedelta(days=day), amount=Decimal(amount),
                                method="bank_transfer", reference="", reason="",
                                user=_user("zhengshuang"))
        db.session.commit()


LETTER = [("zhangwei", "collection_letter"), ("zhengshuang", "collection_letter")]
VISIT = [("zhangwei", "collection_visit"), ("zhaomin", "collection_visit")]
LEGAL = [("zhangwei", "collection_legal"), ("fenglv", "collection_legal")]


def test_one_instalment_walks_the_three_steps_each_alert_once_to_the_right_role(
        app, login, instalment, monkeypatch):
    for day in (1, 6):
        on_day(app, day)
    assert alerts(app) == []
    on_day(app, 7)
    assert sorted(alerts(app)) == LETTER
    on_day(app, 7)
    on_day(app, 8)
    assert sorted(alerts(app)) == LETTER  # once
    record(app, instalment, "letter", 8, channel="courier")
    on_day(app, 15)
    assert sorted(alerts(app)) == sorted(LETTER + VISIT)
    record(app, instalment, "visit", 16, outcome="客户资金紧张，承诺分两次付清")
    on_day(app, 29)
    assert sorted(alerts(app)) == sorted(LETTER + VISIT)
    on_day(app, 30)
    on_day(app, 31)
    assert sorted(alerts(app)) == sorted(LETTER + VISIT + LEGAL)
    record(app, instalment, "legal", 32, decision="proceed", outcome="启动诉讼")
    monkeypatch.setattr(views, "today", lambda: DUE + timedelta(days=32))
    page = login("zhengshuang").get(f"/contracts/{_contract_of(app, instalment)}")
    html = page.get_data(as_text=True)
    for text in ("快递", "客户资金紧张", "启动法律程序", "书面催款函"):
        assert text in html, text


def _contract_of(app, instalment_id: int) -> int:
    with app.app_context():
        return db.session.get(Instalment, instalment_id).contract_id


def test_a_full_payment_on_day_10_stops_the_ladder(app, instalment):
    on_day(app, 1)
    on_day(app, 7)
    pay(app, instalment, "60000", 9)
    on_day(app, 9)
    pay(app, instalment, "40000", 10)
    for day in (15, 16, 30, 45):
        on_day(app, day)
    assert sorted(alerts(app)) == LETTER


def test_a_promise_pauses_the_ladder_and_a_broken_one_resumes_it_with_an_alert(
        app, instalment):
    on_day(app, 1)
    on_day(app, 7)
    with app.test_request_context():
        collection.record_promise(db.session.get(Instalment, instalment),
                                  promised_on=DUE + timedelta(days=20),
                                  amount=Decimal("50000"), promised_by="王会计",
                                  user=_user("zhengshuang"), today=DUE + timedelta(days=12),
                                  at=moment(12))
        db.session.commit()
    for day in (13, 15, 18, 20):
        on_day(app, day)
    assert sorted(alerts(app)) == LETTER  # the visit waits for the promise
    pay(app, instalment, "10000", 19)  # less than promised
    on_day(app, 21)  # the promised date has passed: broken, the ladder runs again
    with app.app_context():
        broken = db.session.execute(
            select(User.username).join(Notification, Notification.user_id == User.id)
            .where(Notification.text.like("%王会计%"))).scalars().all()
    assert sorted(broken) == ["zhangwei", "zhengshuang"]
    on_day(app, 23)
    assert ("zhaomin", "collection_visit") not in alerts(app)  # 15 + 9 days paused = day 24
    on_day(app, 24)
    assert sorted(alerts(app)) == sorted(LETTER + VISIT)


def test_a_kept_promise_resumes_the_ladder_without_an_alert(app, instalment):
    on_day(app, 1)
    with app.test_request_context():
        collection.record_promise(db.session.get(Instalment, instalment),
                                  promised_on=DUE + timedelta(days=5), amount=Decimal("30000"),
                                  promised_by="王会计", user=_user("zhengshuang"),
                                  today=DUE + timedelta(days=2), at=moment(2))
        db.session.commit()
    pay(app, instalment, "30000", 4)
    on_day(app, 6)
    with app.app_context():
        assert db.session.scalar(select(Notification.id).where(
            Notification.text.like("%王会计%"))) is None
        clocks = deadlines.pauses(db.session.scalar(select(Instalment.id)))
        assert clocks == [] or all(p.resumed_at for p in clocks)


def test_the_daily_run_twice_starts_one_ladder(app, instalment):
    with app.test_request_context():
        assert collection.start_ladders(DUE + timedelta(days=1)) == 1
        assert collection.start_ladders(DUE + timedelta(days=2)) == 0


def test_the_letter_prints_from_the_contract_and_downloads_as_a_pdf(app, login, instalment,
                                                                    monkeypatch):
    monkeypatch.setattr(views, "today", lambda: DUE + timedelta(days=9))
    contract_id = _contract_of(app, instalment)
    finance = login("zhengshuang")
    page = finance.get(f"/contracts/{contract_id}/instalments/{instalment}/letter")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for text in ("书面催款函", "宁德时代", "逾期 <strong>9</strong> 天", "¥100,000.00",
                 "每日万分之五"):
        assert text in html, text
    pdf = finance.get(f"/contracts/{contract_id}/instalments/{instalment}/letter.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("attachment;")


def test_an_instalment_not_yet_due_or_paid_has_no_letter(app, login, instalment, monkeypatch):
    contract_id = _contract_of(app, instalment)
    letter = f"/contracts/{contract_id}/instalments/{instalment}/letter"
    finance = login("zhengshuang")
    monkeypatch.setattr(views, "today", lambda: DUE)
    assert finance.get(letter).status_code == 404
    monkeypatch.setattr(views, "today", lambda: DUE + timedelta(days=9))
    assert finance.get(letter).status_code == 200
    pay(app, instalment, "100000", 9)
    assert finance.get(letter).status_code == 404
    assert finance.get(letter + ".pdf").status_code == 404
