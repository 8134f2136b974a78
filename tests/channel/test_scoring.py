"""Quarterly scoring (R-62) with fixed data: weights and pass mark from settings, rebate tiers,
frozen finished quarters, manual adjustments, warnings after two failing quarters in a row,
termination after three, a passing quarter resetting the count."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.channel import agreements, dealers, figures, scoring
from crm.channel.agreements import Place
from crm.channel.figures import Quarter
from crm.channel.models import Agreement, Dealer, DealerScore, DealerWarning
from crm.contracts.models import Contract
from crm.contracts.services import contract_number
from crm.customers import services as customers
from crm.deadlines.models import Deadline
from crm.errors import DomainError
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.sales import deals

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)
NOW = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def dealer(app, people):
    with app.test_request_context():
        record = dealers.save_dealer(None, {"name": "合肥徽商贸易有限公司", "province": "安徽"})
        record.status = "active"
        agreements.save_agreement(None, record, {
            "number": "QD-2026-0500", "starts_on": date(2026, 1, 1),
            "ends_on": date(2026, 12, 31), "quarterly_target": Decimal("100000")},
            [Place("安徽", "合肥")], [(80, Decimal("1")), (100, Decimal("3"))])
        db.session.commit()
        yield record.id


def _sell(dealer_id: int, amount: str, signed: date) -> None:
    owner = db.session.scalar(select(User.id).where(User.username == "zhangwei"))
    customer = customers.save_customer(None, {"name": f"客户{signed}{amount}", "owner_id": owner,
                                              "dealer_id": dealer_id})
    customer.created_at = datetime(signed.year, signed.month, signed.day, tzinfo=UTC)
    deal = deals.save_deal(None, {"title": "项目", "customer_id": customer.id,
                                  "owner_id": owner, "dealer_id": dealer_id})
    db.session.add(Contract(deal_id=deal.id, customer_id=customer.id, owner_id=owner,
                            price=Decimal(amount), payment_method="bank_transfer",
                            payment_terms="-", breach_liability="-", signed_at=signed,
                            number=contract_number(signed, deal.id)))
    db.session.flush()


def _score(quarter: Quarter, final: bool = True) -> DealerScore:
    scoring.score_quarter(quarter, final=final, now=NOW)
    db.session.commit()
    return db.session.scalar(select(DealerScore).where(DealerScore.quarter == quarter.key))


def test_the_weighted_score_and_the_rebate_tier(app, dealer, monkeypatch):
    with app.test_request_context():
        _sell(dealer, "90000", date(2026, 2, 10))  # 90 % of the target, one new customer
        row = _score(Q1, final=False)
        # 50 × 0.9 + 30 × 1/5 + 20 × (1 − 0/10) = 45 + 6 + 20
        assert (row.attainment, row.new_customers, row.score) == (Decimal("90.0"), 1,
                                                                  Decimal("71.0"))
        assert (row.passed, row.rebate_percent, row.failing_streak) == (True, Decimal("1"), 0)
        monkeypatch.setattr(figures, "count_by_dealer", lambda ids, start, end: {dealer: 1})
        row = _score(Q1, final=False)  # 1 complaint over 1 customer: 100 % ≥ the ceiling
        assert (row.complaint_rate, row.score, row.passed) == (Decimal("100.0"), Decimal("51.0"),
                                                               False)


def test_a_finished_quarter_is_frozen(app, dealer):
    with app.test_request_context():
        row = _score(Q1)
        before = (row.score, row.computed_at, row.version)
        _sell(dealer, "100000", date(2026, 3, 1))  # a late entry for the closed quarter
        assert scoring.score_quarter(Q1, final=True, now=NOW) == 0
        db.session.commit()
        row = db.session.get(DealerScore, row.id)
        assert (row.score, row.computed_at, row.version) == before


def test_two_failing_quarters_warn_once_and_three_terminate(app, dealer):
    with app.test_request_context():
        _score(Q1)
        assert db.session.get(Dealer, dealer).status == "active"
        row = _score(Q2)
        assert row.failing_streak == 2
        scoring.score_quarter(Q2, final=True, now=NOW)  # again: nothing more
        db.session.commit()
        warnings = db.session.scalars(select(DealerWarning)).all()
        assert [(w.kind, w.quarter) for w in warnings] == [("warning", Q2.key)]
        assert db.session.get(Dealer, dealer).status == "warned"
        clock = db.session.scalar(select(Deadline).where(
            Deadline.kind == scoring.RECTIFICATION_KIND, Deadline.subject_id == dealer))
        assert clock is not None and clock.done_at is None
        _score(Q3)
        assert db.session.get(Dealer, dealer).status == "terminated"
        agreement = db.session.scalar(select(Agreement).where(Agreement.dealer_id == dealer))
        assert not agreement.active and "3" in agreement.ended_reason
        assert db.session.get(Deadline, clock.id).done_at is not None
        sunli = db.session.scalar(select(User.id).where(User.username == "sunli"))
        tasks = db.session.scalars(select(FollowUp).where(FollowUp.subject_type == "dealer"))
        assert sorted(t.owner_id for t in tasks) == [sunli, sunli]
        # the freed territory takes a new dealer's agreement
        other = dealers.save_dealer(None, {"name": "合肥新徽贸易有限公司", "province": "安徽"})
        agreements.save_agreement(None, other, {
            "number": "QD-2026-0501", "starts_on": date(2026, 11, 1),
            "ends_on": date(2027, 10, 31), "quarterly_target": Decimal("1")},
            [Place("安徽", "合肥")], [])


def test_a_passing_quarter_in_between_resets_the_count(app, dealer):
    with app.test_request_context():
        _score(Q1)
        _sell(dealer, "100000", date(2026, 5, 5))
        assert _score(Q2).passed
        row = _score(Q3)
        assert (row.passed, row.failing_streak) == (False, 1)
        assert db.session.scalar(select(func.count()).select_from(DealerWarning)) == 0
        assert db.session.get(Dealer, dealer).status == "active"


def test_an_adjustment_needs_a_reason_is_audited_and_counts(app, dealer):
    with app.test_request_context():
        row = _score(Q1)
        manager = db.session.scalar(select(User.id).where(User.username == "sunli"))
        with pytest.raises(DomainError):
            scoring.adjust(row, Decimal("75"), " ", by=manager)
        scoring.adjust(row, Decimal("75"), "大客户回款延迟，经总监同意", by=manager)
        db.session.commit()
        assert (row.effective_score, row.passed) == (Decimal("75.0"), True)
        audited = db.session.scalars(select(AuditEntry.field).where(
            AuditEntry.model == "dealer_scores", AuditEntry.record_id == row.id)).all()
        assert {"adjusted_score", "adjustment_reason"} <= set(audited)
        assert _score(Q2).failing_streak == 1  # Q1 passed after its adjustment


def _warning_state(dealer_id: int) -> tuple:
    warnings = [(w.kind, w.quarter) for w in db.session.scalars(select(DealerWarning))]
    clocks = db.session.scalar(select(func.count()).select_from(Deadline).where(
        Deadline.kind == scoring.RECTIFICATION_KIND, Deadline.subject_id == dealer_id,
        Deadline.done_at.is_(None)))
    return db.session.get(Dealer, dealer_id).status, warnings, clocks


def test_adjusting_a_fail_into_a_pass_withdraws_the_warning(app, dealer):
    with app.test_request_context():
        _score(Q1)
        row = _score(Q2)
        assert _warning_state(dealer) == ("warned", [("warning", Q2.key)], 1)
        sunli = db.session.scalar(select(User.id).where(User.username == "sunli"))
        scoring.adjust(row, Decimal("80"), "回款已到账", by=sunli, now=NOW)
        db.session.commit()
        assert (row.passed, row.failing_streak) == (True, 0)
        assert _warning_state(dealer) == ("active", [], 0)
        assert _score(Q3).failing_streak == 1  # counted from the adjusted pass


def test_adjusting_a_pass_into_a_fail_warns(app, dealer):
    with app.test_request_context():
        _score(Q1)
        _sell(dealer, "100000", date(2026, 5, 5))
        row = _score(Q2)
        assert row.passed and _warning_state(dealer) == ("active", [], 0)
        sunli = db.session.scalar(select(User.id).where(User.username == "sunli"))
        scoring.adjust(row, Decimal("40"), "合同作废，业绩扣回", by=sunli, now=NOW)
        db.session.commit()
        assert (row.passed, row.failing_streak) == (False, 2)
        assert _warning_state(dealer) == ("warned", [("warning", Q2.key)], 1)
        scoring.adjust(row, Decimal("45"), "复核后调整", by=sunli, now=NOW)  # still failing
        db.session.commit()
        assert _warning_state(dealer) == ("warned", [("warning", Q2.key)], 1)


def test_adjusting_an_earlier_quarter_recounts_the_later_ones(app, dealer):
    with app.test_request_context():
        first = _score(Q1)
        _sell(dealer, "100000", date(2026, 5, 5))
        _score(Q2)
        sunli = db.session.scalar(select(User.id).where(User.username == "sunli"))
        second = db.session.scalar(select(DealerScore).where(DealerScore.quarter == Q2.key))
        scoring.adjust(second, Decimal("40"), "合同作废", by=sunli, now=NOW)  # Q1, Q2 fail: warned
        assert _warning_state(dealer) == ("warned", [("warning", Q2.key)], 1)
        scoring.adjust(first, Decimal("90"), "补录回款", by=sunli, now=NOW)  # Q1 passes
        db.session.commit()
        assert second.failing_streak == 1  # Q2 alone fails now: at risk, no warning
        assert _warning_state(dealer) == ("active", [], 0)


def test_a_termination_is_not_undone_by_an_adjustment(app, dealer):
    with app.test_request_context():
        _score(Q1)
        _score(Q2)
        row = _score(Q3)
        sunli = db.session.scalar(select(User.id).where(User.username == "sunli"))
        with pytest.raises(DomainError):
            scoring.adjust(row, Decimal("90"), "复核", by=sunli, now=NOW)
        assert db.session.get(Dealer, dealer).status == "terminated"


def test_weights_not_summing_to_100_are_refused_in_settings(login, app):
    admin = login("admin")
    from crm.settings.services import all_settings
    with app.app_context():
        values = {k: ("y" if v is True else "" if v is False else str(v))
                  for k, v in all_settings().items()}
    values = {k: v for k, v in values.items() if v != ""}
    refused = admin.post("/admin/settings", {**values, "dealer_weight_attainment": "60"})
    assert refused.status_code == 422
    assert "必须合计为 100" in refused.get_data(as_text=True)
    saved = admin.post("/admin/settings", {**values, "dealer_weight_attainment": "60",
                                           "dealer_weight_complaints": "10"})
    assert saved.status_code == 303
