"""The contracts demo (issue 16): finance's and legal's day looks real: a contract in each
status, partial payments and a refund, overdue instalments at each step of the ladder and a
promise to pay; the demo logins of finance and legal exist."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from crm.auth.demo import USERS
from crm.contracts.collection import LADDER, SUBJECT
from crm.contracts.ledger import BUCKETS, bucket_of
from crm.contracts.models import (
    STATUSES,
    CollectionStep,
    Contract,
    Instalment,
    Payment,
    PaymentPromise,
)
from crm.deadlines.models import Deadline
from crm.extensions import db

ZONE = ZoneInfo("Asia/Shanghai")


def test_finance_and_legal_have_demo_logins():
    roles = {username: roles for username, _n, _t, roles in USERS}
    assert roles["zhengshuang"] == ["finance"] and roles["fenglv"] == ["legal"]


def _due_steps(now: datetime) -> dict[int, set[str]]:
    """Per instalment: the ladder's steps whose clock has fallen due and is not done."""
    kinds = {rung.kind: rung.step for rung in LADDER}
    found: dict[int, set[str]] = {}
    for subject_id, kind, paused in db.session.execute(
            select(Deadline.subject_id, Deadline.kind, Deadline.paused_at).where(
                Deadline.subject_type == SUBJECT, Deadline.kind.in_(kinds),
                Deadline.done_at.is_(None), Deadline.due_at <= now)):
        if paused is None:
            found.setdefault(subject_id, set()).add(kinds[kind])
    return found


def test_the_demo_has_every_status_bucket_ladder_step_and_a_promise(app, demo):
    with app.app_context():
        today = datetime.now(ZONE).date()
        statuses = set(db.session.scalars(select(Contract.status)))
        assert statuses == set(STATUSES)
        open_dues = db.session.scalars(select(Instalment.due_on).where(
            Instalment.outstanding != 0))
        assert {bucket_of(due, today) for due in open_dues} == set(BUCKETS)
        partial = db.session.scalar(select(func.count()).select_from(Instalment).where(
            Instalment.paid > 0, Instalment.outstanding > 0))
        refunds = db.session.scalars(select(Payment.reason).where(Payment.amount < 0)).all()
        assert partial >= 2 and refunds and all(refunds)
        due = _due_steps(datetime.now(ZONE) + timedelta(minutes=1))
        # the step due next on each: the letter, the visit after a letter, legal after both
        assert {"letter"} in due.values()
        done = {}
        for instalment_id, step in db.session.execute(select(CollectionStep.instalment_id,
                                                             CollectionStep.step)):
            done.setdefault(instalment_id, set()).add(step)
        waiting = {frozenset(done.get(i, ())): steps for i, steps in due.items()}
        assert waiting[frozenset({"letter"})] == {"visit"}
        assert waiting[frozenset({"letter", "visit"})] == {"legal"}
        assert frozenset({"letter"}) in {frozenset(s) for s in done.values()}
        assert db.session.scalar(select(CollectionStep.decision).where(
            CollectionStep.step == "legal")) == "hold"
        promise = db.session.scalar(select(PaymentPromise).where(
            PaymentPromise.status == "open"))
        assert promise and promise.promised_on > today


def test_finance_sees_every_bucket_and_legal_the_debts_to_review(app, demo, login):
    ledger = login("zhengshuang").get("/receivables").get_data(as_text=True)
    for bucket in BUCKETS:
        amount = re.search(rf'data-bucket="{bucket}">([^<]+)</a>', ledger).group(1)
        assert amount != "¥0.00", bucket
    with app.app_context():
        reviewed = db.session.scalars(select(Instalment.contract_id).join(
            CollectionStep, CollectionStep.instalment_id == Instalment.id).where(
            CollectionStep.step == "visit")).all()
    legal = login("fenglv")
    for contract_id in reviewed:
        page = legal.get(f"/contracts/{contract_id}")
        assert page.status_code == 200 and "法务部审核" in page.get_data(as_text=True)

