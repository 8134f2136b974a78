"""The worst plans of issue 13 stay fixed (issue 20's deal list too), on SQLite and PostgreSQL:
the deal list of a director and of a manager in its "recently updated" order, the manager's
customer list and the customer page's audit query walk an index instead of sorting (or
scanning) the whole scope; so does every order a big list offers without a note that it is
slower (Column.slow_sort), for each role.

SQLite plans with the statistics of the medium benchmark set (100k customers, 200k deals, 1M
audit rows) loaded into sqlite_stat1, as ANALYZE left them there. PostgreSQL's small test
tables would be scanned whatever the indexes, so its plans are read with sorts and sequential
scans ruled out: a plan that still sorts or scans has no index to walk."""

import re

import pytest
from sqlalchemy import select, text

from bench.plans import Statement, page_statements
from crm.extensions import db
from crm.sales.models import Deal
from tests.sales.test_deals import make_deal

# sqlite_stat1 of the medium set: (table, index, "rows rows-per-key...")
MEDIUM_STATS = [
    ("audit_entries", "ix_audit_entries_at", "1000152 1"),
    ("audit_entries", "ix_audit_entries_model", "1000152 500076 1"),
    ("audit_entries", "ix_audit_entries_model_record", "1000152 500076 2348 1"),
    ("audit_entries", "ix_audit_entries_user", "1000152 2488 1"),
    ("contacts", "ix_contacts_customer_id", "300000 4"),
    ("contacts", "ix_contacts_mobile_key", "300000 1"),
    ("customers", "ix_customers_credit_code", "100000 100000"),
    ("customers", "ix_customers_is_target", "100000 50000"),
    ("customers", "ix_customers_normalised_name", "100000 1"),
    ("customers", "ix_customers_owner_id", "100000 250"),
    ("customers", "ix_customers_owner_search", "100000 250 1"),
    ("customers", "ix_customers_phone_key", "100000 100000"),
    ("customers", "ix_customers_search_key", "100000 1 1"),
    ("customers", "ix_customers_created", "100000 1 1"),
    ("customers", "ix_customers_owner_created", "100000 250 1 1"),
    ("contacts", "ix_contacts_search_key", "300000 1 1"),
    ("contacts", "ix_contacts_owner_search", "300000 750 1 1"),
    ("leads", "ix_leads_company", "200000 1 1"),
    ("leads", "ix_leads_owner_company", "200000 499 1 1"),
    ("leads", "ix_leads_recent", "200000 1 1"),
    ("leads", "ix_leads_owner_recent", "200000 499 1 1"),
    ("leads", "ix_leads_owned_last_touch", "150000 1"),
    ("leads", "ix_leads_owner_last_touch", "150000 375 1"),
    ("deals", "ix_deals_closing", "200000 834 278 2 1 1"),
    ("deals", "ix_deals_customer_id", "200000 3"),
    ("deals", "ix_deals_lead_id", "200000 200000"),
    ("deals", "ix_deals_owner_recent", "200000 499 1 1"),
    ("deals", "ix_deals_owner_stage_recent", "200000 499 167 167 1"),
    ("deals", "ix_deals_recent", "200000 1 1"),
    ("deals", "ix_deals_title", "200000 1 1"),
    ("deals", "ix_deals_value", "200000 1 1"),
    ("deals", "ix_deals_owner_value", "200000 499 1 1"),
    ("deadlines", "ix_deadlines_open_due", "348198 2 1"),
    ("deadlines", "ix_deadlines_owner_due", "348198 830 1"),
    ("deadlines", "ix_deadlines_owner_open", "261018 622 1"),
    ("deadlines", "ix_deadlines_open_due_id", "261018 1 1"),
    ("deadlines", "ix_deadlines_subject", "348198 2 1 1"),
    ("deals", "ix_deals_owner_title", "200000 499 1 1"),
    ("deals", "ix_deals_stage_recent", "200000 66667 66667 1"),
    ("users", "ix_users_team_id", "415 38"),
]
DEAL_LIST = re.compile(r"FROM deals .*ORDER BY deals\.updated_at DESC, deals\.id DESC", re.S)
CUSTOMER_LIST = re.compile(r"FROM customers .*ORDER BY customers\.search_key", re.S)
CUSTOMER_AUDIT = re.compile(r"FROM audit_entries", re.S)


@pytest.fixture
def at_scale(app, people):
    """The planner as it is on the medium set: SQLite's statistics loaded (and removed after),
    PostgreSQL's plans read without sorts and sequential scans."""
    sqlite = _dialect(app) == "sqlite"
    if sqlite:
        _load_stats(app, MEDIUM_STATS)
    yield
    if sqlite:
        _load_stats(app, [])


def _dialect(app) -> str:
    with app.app_context():
        return db.engine.dialect.name


def _load_stats(app, rows) -> None:
    with app.app_context():
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE sqlite_schema")  # creates sqlite_stat1 if missing
            conn.exec_driver_sql("DELETE FROM sqlite_stat1")
            if rows:
                conn.execute(text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES "
                                  "(:tbl, :idx, :stat)"),
                             [{"tbl": t, "idx": i, "stat": s} for t, i, s in rows])
        db.engine.dispose()  # new connections read the statistics when they load the schema


def _plan(app, statement: Statement, walk: bool) -> list[str]:
    """The plan; `walk`: on PostgreSQL, one that sorts only if no index gives the order."""
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SET enable_sort = {'off' if walk else 'on'}")
            conn.exec_driver_sql("SET enable_seqscan = off")
        plan = statement.explain(conn)
        conn.rollback()
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("RESET ALL")
        return plan


def _page_plan(app, login, username: str, path: str, pattern: re.Pattern,
               walk: bool = True) -> list[str]:
    client = login(username)
    found = [s for s in page_statements(app, client.http, path)
             if pattern.search(s.sql) and not s.sql.lstrip().startswith("SELECT count")]
    assert found, f"no statement of {path} matches {pattern.pattern}"
    return _plan(app, found[0], walk)


def _sorts_or_scans(plan: list[str], table: str) -> list[str]:
    """Plan lines that sort the rows or read all of `table`."""
    return [line for line in plan if "TEMP B-TREE FOR ORDER BY" in line
            # not "Sort Key:" of an Incremental Sort: the ties of an index walk, sorted
            or re.search(r"^\s*(->\s*)?Sort\b(?! Key)", line)
            or line.strip() == f"SCAN {table}" or f"Seq Scan on {table}" in line]


@pytest.mark.parametrize("username", ["zhaomin", "wangqiang", "zhangwei"])
def test_the_deal_list_walks_an_index_in_its_recently_updated_order(app, login, at_scale,
                                                                     username):
    make_deal(app)
    plan = _page_plan(app, login, username, "/deals", DEAL_LIST)
    assert not _sorts_or_scans(plan, "deals"), plan
    assert any("ix_deals_recent" in line or "ix_deals_owner_recent" in line for line in plan), plan


def test_a_managers_customer_list_walks_the_name_index(app, login, at_scale):
    make_deal(app)
    plan = _page_plan(app, login, "wangqiang", "/customers", CUSTOMER_LIST)
    assert not _sorts_or_scans(plan, "customers"), plan
    assert any("ix_customers_search_key" in line for line in plan), plan


@pytest.mark.parametrize("username", ["zhaomin", "zhangwei"])
def test_the_customer_pages_audit_query_seeks_the_records_entries(app, login, at_scale,
                                                                   username):
    make_deal(app)
    with app.app_context():
        customer_id = db.session.scalar(select(Deal.customer_id))
    # the few rows of the customer are sorted: a walk of the trail in id order is the trap
    plan = _page_plan(app, login, username, f"/customers/{customer_id}", CUSTOMER_AUDIT,
                      walk=False)
    assert not [line for line in plan if line.strip() == "SCAN audit_entries"
                or "Seq Scan on audit_entries" in line], plan
    if _dialect(app) == "sqlite":  # PostgreSQL's tiny test table: either index is as cheap
        assert any("ix_audit_entries_model_record" in line for line in plan), plan


# Every order of a big list that does not say it is slower (Column.slow_sort), for a director,
# a manager and a rep: (path, the ORDER BY of its page, the indexes that may serve it).
INDEXED_ORDERS = [
    ("/customers?sort=name", "customers", r"customers\.search_key",
     ("ix_customers_search_key", "ix_customers_owner_search")),
    ("/customers?sort=created", "customers", r"customers\.created_at DESC",
     ("ix_customers_created", "ix_customers_owner_created")),
    ("/contacts", "contacts", r"contacts\.search_key",
     ("ix_contacts_search_key", "ix_contacts_owner_search")),
    ("/leads", "leads", r"leads\.created_at DESC", ("ix_leads_recent", "ix_leads_owner_recent")),
    ("/leads?sort=company", "leads", r"leads\.search_key",
     ("ix_leads_company", "ix_leads_owner_company")),
    ("/deals?sort=title", "deals", r"deals\.search_key",
     ("ix_deals_title", "ix_deals_owner_title")),
    ("/deals?sort=value", "deals", r"deals\.expected_value DESC",
     ("ix_deals_value", "ix_deals_owner_value")),
]


@pytest.mark.parametrize("username", ["zhaomin", "wangqiang", "zhangwei"])
@pytest.mark.parametrize(("path", "table", "order", "indexes"), INDEXED_ORDERS,
                         ids=[row[0] for row in INDEXED_ORDERS])
def test_every_order_a_list_offers_walks_an_index(app, login, at_scale, username, path, table,
                                                 order, indexes):
    make_deal(app)
    pattern = re.compile(rf"FROM {table} .*ORDER BY {order}", re.S)
    plan = _page_plan(app, login, username, path, pattern)
    assert not _sorts_or_scans(plan, table), plan
    assert any(index in line for line in plan for index in indexes), plan


def test_a_slow_order_says_so_over_a_big_scope(app, login, monkeypatch):
    """The grade order sorts the scope: past SLOW_SORT_ROWS rows the page says it is slower."""
    from crm.web import lists

    make_deal(app)
    rep = login("zhangwei")
    assert "比其他排序方式慢" not in rep.get("/customers?sort=grade").get_data(as_text=True)
    monkeypatch.setattr(lists, "SLOW_SORT_ROWS", 1)
    assert "比其他排序方式慢" in rep.get("/customers?sort=grade").get_data(as_text=True)
    assert "比其他排序方式慢" not in rep.get("/customers?sort=name").get_data(as_text=True)


# Every list with a search box that shows a count, and who searches it (the notification list
# shows none: the sweep writes notifications by the hundred thousand).
SEARCHED = [("/customers", "zhangwei"), ("/contacts", "wangqiang"), ("/leads", "zhangwei"),
            ("/pool", "zhangwei"), ("/deals", "zhaomin"), ("/audit", "zhaomin"),
            ("/service/calls", "zhoujie"), ("/service/complaints", "zhoujie"),
            ("/followups", "zhangwei"),
            ("/contracts", "zhengshuang"), ("/products", "hefang"), ("/dealers", "sunli"),
            ("/admin/users", "admin"), ("/campaigns", "machao")]


def test_every_search_counts_its_matches_only_up_to_the_cap(app, login):
    """A search's count stops at SEARCH_COUNT_CAP + 1 matches ("1,000+"), like a plain list's
    at COUNT_CAP + 1: no search counts a whole big scope."""
    from crm.web.pagination import SEARCH_COUNT_CAP

    for path, username in SEARCHED:
        statements = page_statements(app, login(username).http, f"{path}?q=科技")
        counts = [s for s in statements if re.match(r"\s*SELECT count", s.sql)]
        assert all("LIMIT" in s.sql for s in counts), path  # the bell's unread count too
        assert any(SEARCH_COUNT_CAP + 1 in _values(s.parameters) for s in counts), path


def _values(parameters) -> list:
    return list(parameters.values() if isinstance(parameters, dict) else parameters)


@pytest.mark.parametrize("username", ["zhaomin", "wangqiang"])
def test_the_team_agenda_walks_the_open_deadlines_in_due_order(app, login, at_scale, username):
    """A director's or a manager's team agenda reads the open deadlines soonest first and
    stops at the page, instead of sorting every open deadline of the team (issue 13)."""
    make_deal(app)
    soonest = re.compile(r"FROM deadlines .*ORDER BY deadlines\.due_at (ASC)?, deadlines\.id", re.S)
    plan = _page_plan(app, login, username, "/followups?whose=team", soonest)
    assert not _sorts_or_scans(plan, "deadlines"), plan
    # SQLite's index on (done_at, due_at) ends with the rowid, the id: it serves the order too
    index = "ix_deadlines_open_due" if _dialect(app) == "sqlite" else "ix_deadlines_open_due_id"
    assert any(index in line for line in plan), plan


@pytest.mark.parametrize(("path", "table"), [("/customers", "customers"),
                                           ("/contacts", "contacts")])
def test_a_long_search_term_sorts_its_matches_instead_of_walking_the_name_index(
        app, login, path, table):
    """A term of three characters or more is looked up in the trigram index and its few matches
    sorted by an expression no index gives (pagination.sorted_after_search): PostgreSQL walked
    the contacts' name index instead, filtering 200,000 rows for "wang" (issue 13)."""
    make_deal(app)
    statements = page_statements(app, login("zhaomin").http, f"{path}?q=wang")
    page = [s.sql for s in statements if re.search(rf"FROM {table} .*ORDER BY", s.sql, re.S)
            and not s.sql.lstrip().startswith("SELECT count")]
    assert page and all(re.search(r"ORDER BY \S+ \|\|", sql) for sql in page), page
