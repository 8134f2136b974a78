"""Channel agreements (R-61): protected territories may not overlap in overlapping periods
between agreements in force, even when two are saved at the same moment."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from crm.channel import agreements, dealers
from crm.channel.agreements import Place
from crm.channel.models import Agreement, Dealer
from crm.errors import DomainError
from crm.extensions import db

YEAR = {"starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 31)}


def _dealer(name: str) -> Dealer:
    dealer = dealers.save_dealer(None, {"name": name, "province": "浙江"})
    dealer.status = "active"
    return dealer


def _agreement(dealer, number, places, **period):
    return agreements.save_agreement(
        None, dealer, {"number": number, "quarterly_target": Decimal("1000000"),
                       **(period or YEAR)}, places, [(80, Decimal("1")), (100, Decimal("3"))])


def test_overlapping_territory_is_refused_with_the_other_agreement_named(app, people):
    with app.test_request_context():
        first, second = _dealer("杭州甲商贸有限公司"), _dealer("杭州乙商贸有限公司")
        _agreement(first, "QD-2026-0001", [Place("浙江", "杭州")])
        db.session.commit()
        hangzhou = Place("浙江", "杭州")
        for places in ([Place("浙江")], [hangzhou], [Place("江苏"), hangzhou]):
            with pytest.raises(DomainError) as refused:
                _agreement(second, "QD-2026-0002", places)
            assert "QD-2026-0001" in refused.value.message and "杭州甲商贸" in refused.value.message
            assert refused.value.field == "territory_lines"
            db.session.rollback()
        _agreement(second, "QD-2026-0002", [Place("浙江", "宁波")])  # another city
        _agreement(second, "QD-2027-0001", [Place("浙江", "杭州")],  # a later period
                   starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31))
        db.session.commit()


def test_an_ended_agreement_frees_its_territory(app, people):
    with app.test_request_context():
        first, second = _dealer("温州甲商贸有限公司"), _dealer("温州乙商贸有限公司")
        ended = _agreement(first, "QD-2026-0101", [Place("浙江", "温州")])
        with pytest.raises(DomainError):
            agreements.end_agreement(ended, " ", date(2026, 6, 30))
        agreements.end_agreement(ended, "连续三个季度未达标", date(2026, 6, 30))
        assert (ended.active, ended.ends_on) == (False, date(2026, 6, 30))
        _agreement(second, "QD-2026-0102", [Place("浙江", "温州")])
        db.session.commit()


def test_tiers_and_territory_are_read_from_lines(app):
    with app.test_request_context():
        assert agreements.parse_territory("浙江 杭州\n江苏\n\n浙江，杭州") == [
            Place("浙江", "杭州"), Place("江苏")]
        assert agreements.parse_tiers("100% → 3%\n80 1") == [(80, Decimal("1")),
                                                           (100, Decimal("3"))]
        for bad in ("火星", ""):
            with pytest.raises(DomainError):
                agreements.parse_territory(bad)
        for bad in ("abc", "80 1\n80 2", "80"):
            with pytest.raises(DomainError):
                agreements.parse_tiers(bad)


def test_the_agreement_form_refuses_an_overlap_beside_the_territory(login, app):
    with app.app_context():
        first, second = _dealer("嘉兴甲商贸有限公司"), _dealer("嘉兴乙商贸有限公司")
        with app.test_request_context():
            _agreement(first, "QD-2026-0201", [Place("浙江", "嘉兴")])
        db.session.commit()
        second_id = second.id
    sunli = login("sunli")
    page = sunli.get(f"/dealers/{second_id}/agreements/new").get_data(as_text=True)
    key = page.split('name="form_key" type="hidden" value="')[1].split('"')[0]
    refused = sunli.post(f"/dealers/{second_id}/agreements/new", {
        "form_key": key, "number": "QD-2026-0202", "starts_on": "2026-03-01",
        "ends_on": "2027-02-28", "quarterly_target": "500000", "territory_lines": "浙江",
        "tier_lines": "100 3", "protection": "区域内不得跨区销售"})
    assert refused.status_code == 422
    assert "QD-2026-0201" in refused.get_data(as_text=True)
    saved = sunli.post(f"/dealers/{second_id}/agreements/new", {
        "form_key": key, "number": "QD-2026-0202", "starts_on": "2026-03-01",
        "ends_on": "2027-02-28", "quarterly_target": "500000", "territory_lines": "江苏 苏州",
        "tier_lines": "100 3", "protection": ""})
    assert saved.status_code == 303
    assert "江苏·苏州" in sunli.get(saved.location).get_data(as_text=True)


def test_two_agreements_saved_at_the_same_moment_cannot_both_protect_a_place(app, people):
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            pytest.skip("SQLite serialises writers; the refusal itself is tested above")
        with app.test_request_context():
            ids = [_dealer("绍兴甲商贸有限公司").id, _dealer("绍兴乙商贸有限公司").id]
        db.session.commit()
    barrier, results = threading.Barrier(2), {}

    def save(index: int) -> None:
        with app.test_request_context():
            barrier.wait()
            try:
                _agreement(db.session.get(Dealer, ids[index]), f"QD-RACE-{index}",
                           [Place("浙江", "绍兴")])
                db.session.commit()
                results[index] = "saved"
            except DomainError as error:
                db.session.rollback()
                results[index] = error.message
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()).count("saved") == 1, results
    refused = next(message for message in results.values() if message != "saved")
    winner = next(i for i, message in results.items() if message == "saved")
    assert f"QD-RACE-{winner}" in refused
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Agreement)) == 1
