"""Channel enablement (R-63): training sessions with their attendees per dealer, materials
handed out, further dealer contacts, the channel report's growth target with fixed data; for
the channel roles only; lists and pages in a fixed number of queries."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select

from crm.channel import enablement, report
from crm.channel.figures import Quarter
from crm.channel.models import (
    Dealer,
    DealerContact,
    DealerScore,
    DealerTraining,
    MaterialHandout,
    TrainingAttendee,
)
from crm.errors import DomainError
from crm.extensions import db
from crm.web.search import pinyin_key
from tests.conftest import count_queries

SCORED_AT = datetime(2026, 1, 2, tzinfo=UTC)


def _dealers(app, n: int, *, region: str = "east", joined: date | None = None,
             prefix: str = "培训经销商") -> list[int]:
    with app.app_context():
        start = db.session.query(Dealer).count()
        names = [f"{prefix}{start + i:04d}" for i in range(n)]
        db.session.execute(insert(Dealer), [
            {"name": name, "search_key": pinyin_key(name), "region": region,
             "province": "浙江", "city": "", "grade": "B", "status": "active",
             "experience_years": 3, "warehouse_m2": 100, "capital": 0, "version": 1,
             "joined_on": joined} for name in names])
        db.session.commit()
        return db.session.scalars(select(Dealer.id).where(Dealer.name.in_(names))
                                  .order_by(Dealer.id)).all()


def _key(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return page.split('name="form_key" type="hidden" value="')[1][:22]


def test_a_training_with_its_attendees_shows_on_the_list_and_the_dealers_pages(login, app):
    first, second = _dealers(app, 2)
    sunli = login("sunli")
    response = sunli.post("/channel/trainings/new", {
        "form_key": _key(sunli, "/channel/trainings/new"), "held_on": "2026-05-12",
        "kind": "sales", "title": "第二季度销售技巧培训", "trainer": "孙丽",
        "attendee_lines": "培训经销商0000 3\n培训经销商0001　2人\n培训经销商0000 1",
        "notes": "线上"})
    assert response.status_code == 303
    with app.app_context():
        training = db.session.scalar(select(DealerTraining))
        assert (training.dealer_count, training.people_count) == (2, 6)
        people = dict(db.session.execute(select(TrainingAttendee.dealer_id,
                                                TrainingAttendee.people)).all())
        assert people == {first: 4, second: 2}
    listing = sunli.get("/channel/trainings?kind=sales&quarter=20262").get_data(as_text=True)
    assert "第二季度销售技巧培训" in listing and "销售技巧" in listing
    assert "第二季度销售技巧培训" not in sunli.get(
        "/channel/trainings?kind=brand").get_data(as_text=True)
    assert "第二季度销售技巧培训" in sunli.get(
        "/channel/trainings?q=xsjq").get_data(as_text=True)  # pinyin initials
    dealer_page = sunli.get(f"/dealers/{first}").get_data(as_text=True)
    assert "第二季度销售技巧培训" in dealer_page and "1 次培训，4 人" in dealer_page


def test_an_unknown_dealer_is_named_and_nothing_is_saved(login, app):
    _dealers(app, 1)
    sunli = login("sunli")
    response = sunli.post("/channel/trainings/new", {
        "form_key": _key(sunli, "/channel/trainings/new"), "held_on": "2026-05-12",
        "kind": "brand", "title": "品牌话术", "trainer": "孙丽",
        "attendee_lines": "培训经销商0000 2\n不存在的公司 3"})
    assert response.status_code == 422
    assert "不存在的公司 3" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(DealerTraining.id)) is None


def test_editing_a_training_replaces_its_attendees(login, app):
    first, second = _dealers(app, 2)
    sunli = login("sunli")
    sunli.post("/channel/trainings/new", {
        "form_key": _key(sunli, "/channel/trainings/new"), "held_on": "2026-05-12",
        "kind": "product", "title": "新品知识", "trainer": "孙丽",
        "attendee_lines": "培训经销商0000 3"})
    with app.app_context():
        training = db.session.scalar(select(DealerTraining))
    response = sunli.post(f"/channel/trainings/{training.id}/edit", {
        "held_on": "2026-05-12", "kind": "product", "title": "新品知识", "trainer": "孙丽",
        "attendee_lines": "培训经销商0001 5", "version": str(training.version)})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.execute(select(TrainingAttendee.dealer_id, TrainingAttendee.people)
                                  ).all() == [(second, 5)]
        assert db.session.get(DealerTraining, training.id).people_count == 5


def test_materials_and_contacts_are_recorded_from_the_dealer_page(login, app):
    (dealer,) = _dealers(app, 1)
    sunli = login("sunli")
    response = sunli.post(f"/dealers/{dealer}/materials/new", {
        "form_key": _key(sunli, f"/dealers/{dealer}/materials/new"), "kind": "brochure",
        "item": "2026 版产品手册", "quantity": "200", "handed_on": "2026-06-01"})
    assert response.status_code == 303
    response = sunli.post(f"/dealers/{dealer}/contacts/new", {
        "form_key": _key(sunli, f"/dealers/{dealer}/contacts/new"), "name": "钱进",
        "title": "采购经理", "phone": "13812345678"})
    assert response.status_code == 303
    page = sunli.get(f"/dealers/{dealer}").get_data(as_text=True)
    assert "2026 版产品手册" in page and "钱进" in page and "138 1234 5678" in page
    listing = sunli.get("/channel/materials?kind=brochure&q=pxjxs").get_data(as_text=True)
    assert "2026 版产品手册" in listing
    with app.app_context():
        handout = db.session.scalar(select(MaterialHandout))
        contact = db.session.scalar(select(DealerContact))
        assert (handout.quantity, handout.dealer_id, contact.dealer_id) == (200, dealer, dealer)


@pytest.mark.parametrize(("base", "percent", "target"), [
    (0, 15, 0), (7, 15, 2), (20, 15, 3), (100, 15, 15), (101, 15, 16), (40, 0, 0)])
def test_the_target_is_the_percent_of_last_years_count_rounded_up(base, percent, target):
    assert report.target_for(base, percent) == target


def test_new_dealers_against_the_target_with_fixed_data(app, people):
    year = 2026
    east = _dealers(app, 20, region="east", joined=date(2024, 3, 1), prefix="华东老")
    south = _dealers(app, 7, region="south", joined=date(2024, 3, 1), prefix="华南老")
    _dealers(app, 5, region="north", joined=date(2025, 12, 31), prefix="去年新")  # not scored
    _dealers(app, 2, region="east", joined=date(2026, 2, 1), prefix="今年华东")
    _dealers(app, 3, region="south", joined=date(2026, 9, 1), prefix="今年华南")
    _dealers(app, 1, region="east", joined=date(2027, 1, 1), prefix="明年")
    with app.app_context():
        rows = [{"dealer_id": d, "quarter": Quarter(2025, 1 + i % 4).key, "final": True,
                 "computed_at": SCORED_AT, "version": 1}
                for i, d in enumerate(east + south)]
        rows += [{"dealer_id": d, "quarter": Quarter(2024, 4).key, "final": True,
                  "computed_at": SCORED_AT, "version": 1} for d in east[:3]]
        db.session.execute(insert(DealerScore), rows)
        db.session.commit()
        total, regions = report.growth(year, 15)
    by = {g.region: g for g in regions}
    assert (total.base, total.target, total.actual, total.gap) == (27, 5, 5, 0)
    assert (by["east"].base, by["east"].target, by["east"].actual, by["east"].gap) == (20, 3, 2, 1)
    assert (by["south"].base, by["south"].target, by["south"].actual, by["south"].gap) == (
        7, 2, 3, 0)
    assert (by["north"].base, by["north"].target, by["north"].actual) == (0, 0, 0)
    assert by["east"].percent == 67 and by["north"].percent is None


def test_attendee_lines_parse_names_and_head_counts(app, people):
    (dealer,) = _dealers(app, 1)
    with app.test_request_context():
        assert enablement.parse_attendees("培训经销商0000\n\n培训经销商0000 4人") == {dealer: 5}
        with pytest.raises(DomainError):
            enablement.parse_attendees("培训经销商0000 0")


ROUTES = ("/channel/trainings", "/channel/trainings/new", "/channel/materials",
          "/channel/report")


def test_reps_see_nothing_of_trainings_materials_or_the_report(login, app):
    (dealer,) = _dealers(app, 1)
    for username, expected in (("zhangwei", 403), ("sunli", 200), ("admin", 200)):
        client = login(username)
        for url in (*ROUTES, f"/dealers/{dealer}/materials/new",
                    f"/dealers/{dealer}/contacts/new"):
            assert client.get(url).status_code == expected, (username, url)


KINDS = ("product", "sales", "brand")


def _trainings(app, dealer_ids: list[int], n: int) -> None:
    with app.app_context():
        start = db.session.query(DealerTraining).count()
        db.session.execute(insert(DealerTraining), [
            {"held_on": date.today() - timedelta(days=i % 300), "kind": KINDS[i % 3],
             "title": f"培训{start + i}", "search_key": f"peixun{start + i}", "trainer": "孙丽",
             "dealer_count": 1, "people_count": 2, "version": 1} for i in range(n)])
        ids = db.session.scalars(select(DealerTraining.id).order_by(DealerTraining.id.desc())
                                 .limit(n)).all()
        db.session.execute(insert(TrainingAttendee), [
            {"training_id": t, "dealer_id": dealer_ids[0], "people": 2} for t in ids])
        db.session.execute(insert(MaterialHandout), [
            {"dealer_id": dealer_ids[0], "kind": "poster", "quantity": 3,
             "handed_on": date.today() - timedelta(days=i % 300), "version": 1} for i in range(n)])
        db.session.commit()


def test_lists_report_and_dealer_page_run_a_fixed_number_of_queries(login, app):
    dealers = _dealers(app, 3, joined=date.today())
    sunli = login("sunli")
    pages = (*ROUTES[:1], ROUTES[2], ROUTES[3], f"/dealers/{dealers[0]}",
             f"/channel/trainings?quarter={Quarter.of(date.today()).key}")
    _trainings(app, dealers, 10)
    small = {}
    for url in pages:
        sunli.get(url)  # warm: settings and translations read once
        with count_queries(app) as counted:
            assert sunli.get(url).status_code == 200
        small[url] = counted.n
    _trainings(app, dealers, 990)
    for url in pages:
        with count_queries(app) as counted:
            sunli.get(url)
        assert counted.n == small[url], url
    with app.app_context():
        training = db.session.scalar(select(DealerTraining.id))
    with count_queries(app) as one:
        sunli.get(f"/channel/trainings/{training}")
    assert one.n <= small[ROUTES[0]] + 2


def test_the_report_counts_each_quarters_sessions_by_topic_and_the_people_trained(app, people):
    (dealer,) = _dealers(app, 1)
    held = [(date(2025, 1, 5), "product", 3), (date(2025, 3, 31), "product", 4),
            (date(2025, 3, 1), "sales", 2), (date(2025, 4, 1), "brand", 5),
            (date(2025, 12, 31), "sales", 1), (date(2024, 12, 31), "sales", 9)]
    with app.app_context():
        db.session.execute(insert(DealerTraining), [
            {"held_on": day, "kind": kind, "title": f"培训{i}", "search_key": f"peixun{i}",
             "trainer": "孙丽", "dealer_count": 1, "people_count": n, "version": 1}
            for i, (day, kind, n) in enumerate(held)])
        first = db.session.scalar(select(func.min(DealerTraining.id)))
        db.session.execute(insert(TrainingAttendee), [
            {"training_id": first + i, "dealer_id": dealer, "people": 1} for i in (0, 1, 5)])
        db.session.commit()
        quarters, trained = report.trainings(2025)
    assert [(q.quarter.number, q.sessions, q.people) for q in quarters] == [
        (1, {"product": 2, "sales": 1}, 9), (2, {"brand": 1}, 5), (3, {}, 0),
        (4, {"sales": 1}, 1)]
    assert trained == 1  # one dealer, at two of the year's sessions; 2024's is not counted
