"""Onboarding (R-60): the checks as typed, and the channel director's recorded decision; a
failing check is approved only with a written exception."""

from decimal import Decimal

from sqlalchemy import select

from crm.auth.models import User
from crm.channel import dealers, onboarding
from crm.channel.models import Dealer, DealerApplication
from crm.extensions import db


def _apply(app, name: str, years: int, area: int, capital: str, volume: str) -> int:
    with app.test_request_context():
        dealer = dealers.save_dealer(None, {"name": name, "province": "山东",
                                            "experience_years": years, "warehouse_m2": area,
                                            "capital": Decimal(capital)})
        application = onboarding.apply(dealer, Decimal(volume), None)
        db.session.commit()
        return application.id


def test_checks_follow_the_settings(app):
    with app.test_request_context():
        passed = onboarding.checks(3, 250, Decimal("1000000"), Decimal("5000000"))
        assert [c.passed for c in passed] == [True, True, True]
        failed = onboarding.checks(2, 249, Decimal("999999"), Decimal("5000000"))
        assert [c.passed for c in failed] == [False, False, False]
        assert "250" in failed[1].detail  # 50 m² per million of the 5 million planned


def test_the_form_shows_the_checks_as_you_type(login):
    sunli = login("sunli")
    page = sunli.get("/dealers/apply").get_data(as_text=True)
    assert 'hx-get="/dealers/apply/checks"' in page
    fragment = sunli.get("/dealers/apply/checks?experience_years=5&warehouse_m2=10"
                         "&capital=2000000&planned_volume=1000000", htmx=True).get_data(
        as_text=True)
    assert fragment.count("check-pass") == 2 and fragment.count("check-fail") == 1
    assert "<html" not in fragment


def test_a_failing_check_needs_a_written_exception(login, app):
    application_id = _apply(app, "济南齐鲁商贸有限公司", 1, 100, "5000000", "1000000")
    director = login("zhaomin")
    url = f"/applications/{application_id}/decide"
    refused = director.post(url, {"decision": "approved", "reason": ""})
    assert refused.status_code == 422 and "例外" in refused.get_data(as_text=True)
    assert login("sunli").post(url, {"decision": "approved", "reason": "x"}).status_code == 403
    approved = director.post(url, {"decision": "approved", "reason": "区域空白，破格"})
    assert approved.status_code == 303
    with app.app_context():
        application = db.session.get(DealerApplication, application_id)
        director_id = db.session.scalar(select(User.id).where(User.username == "zhaomin"))
        assert (application.decision, application.decided_by_id) == ("approved", director_id)
        assert (application.reason, application.failed_checks) == ("区域空白，破格",
                                                                   "experience")
        assert application.dealer.status == "active" and application.dealer.joined_on
    assert director.post(url, {"decision": "rejected", "reason": "x"}).status_code == 422


def test_passing_checks_are_approved_without_a_reason_and_rejections_need_one(login, app):
    good = _apply(app, "青岛海晟贸易有限公司", 8, 500, "3000000", "2000000")
    other = _apply(app, "烟台港城贸易有限公司", 8, 500, "3000000", "2000000")
    director = login("zhaomin")
    assert director.post(f"/applications/{good}/decide", {"decision": "approved"}
                         ).status_code == 303
    assert director.post(f"/applications/{other}/decide", {"decision": "rejected"}
                         ).status_code == 422
    assert director.post(f"/applications/{other}/decide", {
        "decision": "rejected", "reason": "区域已有经销商"}).status_code == 303
    with app.app_context():
        statuses = dict(db.session.execute(select(Dealer.name, Dealer.status)).all())
        assert statuses["青岛海晟贸易有限公司"] == "active"
        assert statuses["烟台港城贸易有限公司"] == "applicant"
