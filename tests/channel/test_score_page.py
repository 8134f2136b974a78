"""The scoring page (flow 3): every dealer of a quarter from stored scores in a fixed number
of queries, sorted and filtered, with sparklines, warning states, the inline adjustment and
the exports."""

import io
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import insert, select

from crm.channel import score_table, scorecards, scoring
from crm.channel.figures import Quarter
from crm.channel.models import Dealer, DealerScore
from crm.extensions import db
from crm.web.search import pinyin_key
from tests.conftest import count_queries

Q = Quarter(2026, 3)
NOW = datetime(2026, 10, 2, tzinfo=UTC)


def _scored_dealers(app, n: int, start: int = 0) -> None:
    """n dealers with 8 quarters of scores each (the last one Q)."""
    with app.app_context():
        db.session.execute(insert(Dealer), [
            {"name": f"评分经销商{i:04d}", "search_key": pinyin_key(f"评分经销商{i:04d}"),
             "region": "east" if i % 2 else "south", "province": "浙江", "city": "",
             "grade": "B", "status": "warned" if i % 7 == 3 else "active",
             "experience_years": 3, "warehouse_m2": 100, "capital": 0, "version": 1}
            for i in range(start, start + n)])
        ids = db.session.scalars(select(Dealer.id).order_by(Dealer.id.desc()).limit(n)).all()
        quarters = scoring.last_quarters(Q)
        rows = []
        for dealer_id in ids:
            scores = [Decimal((dealer_id * 7 + back * 13) % 100) for back in range(8)]
            for position, (key, score) in enumerate(zip(quarters, scores, strict=True)):
                trend = [""] * (7 - position) + [str(s) for s in scores[:position + 1]]
                rows.append({"dealer_id": dealer_id, "quarter": key, "score": score,
                             "passed": score >= 60, "failing_streak": 0 if score >= 60 else 1,
                             "target": 100000, "revenue": score * 1000, "attainment": score,
                             "new_customers": 2, "complaints": 0, "complaint_rate": 0,
                             "rebate_percent": 0, "final": True, "computed_at": NOW,
                             "trend": ",".join(trend), "version": 1})
        db.session.execute(insert(DealerScore), rows)
        db.session.commit()


def test_the_table_sorts_filters_and_draws_sparklines(login, app):
    _scored_dealers(app, 12)
    sunli = login("sunli")
    page = sunli.get(f"/channel/scores?quarter={Q.key}&sort=score&dir=desc").get_data(
        as_text=True)
    assert page.count('class="score-row') == 12 and page.count("<polyline") == 12
    scores = [float(s.split('">')[1].split("<")[0]) for s in page.split('<strong class="')[1:]
              if s.startswith(("pass", "fail"))]
    assert scores == sorted(scores, reverse=True)
    ascending = sunli.get(f"/channel/scores?quarter={Q.key}&sort=name&dir=asc").get_data(
        as_text=True)
    table = ascending[ascending.index("<tbody"):]  # the warning list above has its own order
    assert table.index("评分经销商0000") < table.index("评分经销商0011")
    east = sunli.get(f"/channel/scores?quarter={Q.key}&region=east").get_data(as_text=True)
    assert east.count('class="score-row') == 6
    warned = sunli.get("/channel/scores?status=warned").get_data(as_text=True)
    assert "已预警" in warned and 'id="warning-list"' in warned
    assert login("zhangwei").get("/channel/scores").status_code == 403


def test_the_inline_adjustment_needs_a_reason_and_updates_the_row(login, app):
    _scored_dealers(app, 3)
    with app.app_context():
        score = db.session.scalar(select(DealerScore).where(DealerScore.quarter == Q.key))
        score_id, version = score.id, score.version
    sunli = login("sunli")
    editor = sunli.get(f"/channel/scores/{score_id}/adjust", htmx=True).get_data(as_text=True)
    assert 'class="score-adjust"' in editor and "<html" not in editor
    refused = sunli.post(f"/channel/scores/{score_id}/adjust",
                         {"score": "88", "reason": "", "version": version}, htmx=True)
    assert refused.status_code == 422
    saved = sunli.post(f"/channel/scores/{score_id}/adjust",
                       {"score": "88", "reason": "回款延迟，总监同意", "version": version},
                       htmx=True)
    text = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "88.0" in text and "badge adjusted" in text
    stale = sunli.post(f"/channel/scores/{score_id}/adjust",
                       {"score": "90", "reason": "再调", "version": version}, htmx=True)
    assert stale.status_code == 409
    assert 'class="score-row' in sunli.get(f"/channel/scores/{score_id}", htmx=True
                                           ).get_data(as_text=True)


def test_cached_rows_follow_the_stored_values(login, app):
    """Rows are cached by their values: a renamed dealer or a changed score shows at once."""
    _scored_dealers(app, 2)
    sunli = login("sunli")
    assert "评分经销商0000" in sunli.get(f"/channel/scores?quarter={Q.key}").get_data(as_text=True)
    with app.app_context():
        dealer = db.session.scalar(select(Dealer).where(Dealer.name == "评分经销商0000"))
        dealer.name = "改名经销商"
        score = db.session.scalar(select(DealerScore).where(
            DealerScore.dealer_id == dealer.id, DealerScore.quarter == Q.key))
        score.score = Decimal("12.3")
        db.session.commit()
    page = sunli.get(f"/channel/scores?quarter={Q.key}").get_data(as_text=True)
    assert "评分经销商0000" not in page and "改名经销商" in page and ">12.3</strong>" in page


def test_exports_hold_the_table(login, app):
    _scored_dealers(app, 4)
    sunli = login("sunli")
    csv_text = sunli.get(f"/channel/scores.csv?quarter={Q.key}").get_data(as_text=True)
    assert csv_text.count("\n") == 5 and "评分经销商0000" in csv_text
    book = load_workbook(io.BytesIO(sunli.get(f"/channel/scores.xlsx?quarter={Q.key}")
                                    .get_data()))
    assert book.active.max_row == 5


def test_the_page_runs_a_fixed_number_of_queries(login, app):
    sunli = login("sunli")
    _scored_dealers(app, 10)
    with count_queries(app) as small:
        sunli.get(f"/channel/scores?quarter={Q.key}")
    _scored_dealers(app, 990, start=10)
    with count_queries(app) as large:
        page = sunli.get(f"/channel/scores?quarter={Q.key}")
    assert page.get_data(as_text=True).count('class="score-row') == 1000
    assert large.n == small.n


def _table_body(page: str) -> str:
    return page[page.index("<tbody>"):page.index("</tbody>")]


def test_rows_fetched_by_id_or_by_the_filters_show_the_same(login, app, monkeypatch):
    """The page fetches the figures of the rows it has not rendered by their ids, or all
    rows its filters keep when most are missing: the table is the same either way, and
    the same again from the rows it keeps."""
    _scored_dealers(app, 6)
    sunli = login("sunli")
    url = f"/channel/scores?quarter={Q.key}&region=east&sort=name&dir=asc"
    score_table._by_version.cache_clear()
    by_id = _table_body(sunli.get(url).get_data(as_text=True))
    kept = _table_body(sunli.get(url).get_data(as_text=True))
    score_table._by_version.cache_clear()
    monkeypatch.setattr(scorecards, "ID_LIST_LIMIT", 0)
    by_filter = _table_body(sunli.get(url).get_data(as_text=True))
    assert by_id == kept == by_filter
    assert by_id.count('class="score-row') == 3 and "评分经销商0001" in by_id
