"""/audit: filters and keyset pages over the trail (R-04)."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.base import utcnow
from crm.extensions import db
from tests.conftest import count_queries


def _add_entries(app, n, **fields):
    with app.app_context():
        db.session.execute(AuditEntry.__table__.insert(), [
            {"at": utcnow(), "model": "users", "record_id": 999, "action": "update",
             "field": "name", "old": f"old{i}", "new": f"new{i}"} | fields for i in range(n)])
        db.session.commit()


def test_pages_through_the_trail_newest_first_without_repeats(login, app):
    admin = login("admin")
    _add_entries(app, 120)
    seen, url = [], "/audit?record=999"
    with count_queries(app) as queries:
        first = admin.get(url).get_data(as_text=True)
    seen += re.findall(r"new(\d+)<", first)
    cursor = re.search(r'after=([^"&]+)"', first).group(1)
    while cursor:
        page = admin.get(f"{url}&after={cursor}", htmx=True,
                         target="audit-rows-more").get_data(as_text=True)
        assert "<html" not in page
        seen += re.findall(r"new(\d+)<", page)
        found = re.search(r'after=([^"&]+)"', page)
        cursor = found.group(1) if found else None
    assert [int(s) for s in seen] == list(range(119, -1, -1))
    assert queries.n < 15


def test_filters_by_user_model_and_dates(login, app):
    admin = login("admin")
    with app.app_context():
        director = db.session.scalar(select(User.id).where(User.username == "zhaomin"))
    _add_entries(app, 3, user_id=director, model="teams", new="by-director")
    _add_entries(app, 2, at=utcnow() - timedelta(days=40), new="long-ago")
    page = admin.get(f"/audit?user={director}").get_data(as_text=True)
    assert page.count("by-director") == 3 and "long-ago" not in page
    page = admin.get("/audit?model=teams").get_data(as_text=True)
    assert "by-director" in page and "long-ago" not in page
    since = (utcnow() - timedelta(days=2)).date().isoformat()
    page = admin.get(f"/audit?since={since}&record=999").get_data(as_text=True)
    assert "long-ago" not in page
    until = (utcnow() - timedelta(days=30)).date().isoformat()
    page = admin.get(f"/audit?until={until}").get_data(as_text=True)
    assert page.count("long-ago") == 2 and "by-director" not in page


def test_date_filters_use_the_users_day_in_shanghai(login, app):
    from datetime import UTC, datetime

    admin = login("admin")
    late_evening = datetime(2026, 1, 1, 15, 57, tzinfo=UTC)  # 2026-01-01 23:57 in Shanghai
    _add_entries(app, 1, at=late_evening, new="new-year-eve", record_id=4242)
    assert "new-year-eve" not in admin.get("/audit?record=4242&since=2026-01-02").get_data(
        as_text=True)
    assert "new-year-eve" in admin.get("/audit?record=4242&until=2026-01-01").get_data(
        as_text=True)


def test_search_finds_the_changes_of_a_person_by_pinyin_and_filters_show_as_chips(login, app):
    admin = login("admin")
    with app.app_context():
        director = db.session.scalar(select(User.id).where(User.username == "zhaomin"))
    _add_entries(app, 2, user_id=director, new="by-director")
    _add_entries(app, 1, new="by-system")
    page = admin.get("/audit?q=zhaom").get_data(as_text=True)
    assert page.count("by-director") == 2 and "by-system" not in page
    page = admin.get("/audit?record=999&since=2026-01-02").get_data(as_text=True)
    assert 'class="chip chip-remove" href="/audit?since=2026-01-02"' in page  # removes record
    assert 'class="chip chip-remove" href="/audit?record=999"' in page  # removes since
    assert 'name="since" value="2026-01-02"' in page
    page = admin.get("/audit?until=bad").get_data(as_text=True)
    assert "chip-remove" not in page and 'name="until" value=""' in page
    page = admin.get("/audit?record=424242").get_data(as_text=True)
    assert 'href="/audit">' in page  # the empty state's way out


def test_the_page_costs_the_same_queries_for_10_or_1000_changes(login, app):
    admin = login("admin")
    admin.get("/audit")  # settings and labels cached
    counts = []
    for n in (10, 990):
        _add_entries(app, n)
        with count_queries(app) as queries:
            assert admin.get("/audit").status_code == 200
        counts.append(queries.n)
    assert counts[1] <= counts[0]  # one lookup per record type shown, not per row


FILTERS = ["", "?model=deals", "?model=deals&record=5", "?user={user}", "?q=zhaom",
           "?sort=record", "?since=2026-01-02"]


def test_every_filter_reads_the_trail_in_index_order(login, app):
    """The bench holds 1M changes: no filter may sort them or scan them all but the newest
    first walk (which stops at the page's 51st row)."""
    admin = login("admin")
    _add_entries(app, 3000)
    _add_entries(app, 300, model="deals")
    with app.app_context():
        user = db.session.scalar(select(User.id).where(User.username == "zhaomin"))
        engine = db.engine
        if engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE audit_entries"))
            db.session.commit()
    for args in FILTERS:
        statements = _page_statements(admin, engine, "/audit" + args.format(user=user))
        (statement, parameters), = statements
        with engine.connect() as conn:
            plan = _plan(conn, statement, parameters)
        if _reads_it_all(plan):
            pytest.fail(f"{args}\n{plan}")


def _reads_it_all(plan: str) -> bool:
    """A full scan, or a sort of more rows than a page (a sort of the few rows of one record
    is fine)."""
    sorted_rows = [int(n) for n in re.findall(r"Sort  \(cost=\S+ rows=(\d+)", plan)]
    return ("TEMP B-TREE" in plan or "Seq Scan on audit_entries" in plan
            or any(n > 51 for n in sorted_rows))


def _page_statements(client, engine, url: str) -> list:
    """The statements that read the page's rows."""
    statements = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if "FROM audit_entries" in statement and "ORDER BY" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return statements


def _plan(conn, statement: str, parameters) -> str:
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        return "\n".join(row[-1] for row in rows)
    return "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters))
