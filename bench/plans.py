"""The query plans behind the benchmark's pages: `python -m bench.plans --only "deal list"`
runs the chosen scenarios' GET requests in-process against DATABASE_URL (default: the medium
SQLite file) and prints each SELECT with its plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on
PostgreSQL; --analyze adds the timings there). The same helpers back tests/test_plans.py."""

import argparse
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event, text

from bench.client import CSRF_META
from bench.scenarios import LOGINS, SCENARIOS

PASSWORD = "Demo#2026crm"
# the session, the user and the small lookup tables every page reads: not shown by default
ROUTINE = {"settings", "users", "user_roles", "user_sessions", "funnel_stages", "teams",
           "lost_reasons", "work_calendars", "deadline_kind_rules"}
FIRST_TABLE = re.compile(r" FROM (\S+)")


@dataclass
class Statement:
    sql: str
    parameters: object

    def explain(self, conn, analyze: bool = False) -> list[str]:
        """The plan, one line per node."""
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {self.sql}", self.parameters)
            return [row[3] for row in rows]
        options = "ANALYZE, BUFFERS, " if analyze else ""
        rows = conn.exec_driver_sql(f"EXPLAIN ({options}COSTS OFF) {self.sql}", self.parameters)
        return [row[0] for row in rows]


@contextmanager
def captured(engine) -> Iterator[list[Statement]]:
    """The SELECTs run on `engine` inside the block."""
    found: list[Statement] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            found.append(Statement(statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def logged_in(app, username: str, password: str = PASSWORD):
    """A test client of `app` logged in as `username`."""
    http = app.test_client()
    token = CSRF_META.search(http.get("/login").get_data(as_text=True)).group(1)
    reply = http.post("/login", data={"username": username, "password": password,
                                      "csrf_token": token})
    assert reply.status_code in (302, 303), f"login of {username} failed"
    return http


def page_statements(app, http, path: str, htmx_target: str | None = None) -> list[Statement]:
    """The SELECTs a GET of `path` runs."""
    from crm.extensions import db

    with app.app_context():
        engine = db.engine
    headers = {"HX-Request": "true", "HX-Target": htmx_target} if htmx_target else {}
    with captured(engine) as found:
        reply = http.get(path, headers=headers)
    assert reply.status_code == 200, f"GET {path}: {reply.status_code}"
    return found


def slow_steps(plan: list[str]) -> list[str]:
    """The lines of a plan that sort or scan a whole table: what a list must not do."""
    bad = re.compile(r"USE TEMP B-TREE FOR ORDER BY|^SCAN \w+$|^Sort|Seq Scan")
    return [line for line in plan if bad.search(line.strip().lstrip("-> "))]


def main() -> None:
    from bench.__main__ import database_url, record_ids
    from crm import create_app
    from crm.extensions import db

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="medium")
    parser.add_argument("--only", action="append", metavar="WORDS")
    parser.add_argument("--analyze", action="store_true")
    parser.add_argument("--all", action="store_true", help="show the routine lookups too")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url(args.size), "CRM_DEMO": False})
    with app.app_context():
        ids = record_ids()
    clients = {}
    for s in SCENARIOS:
        if s.method != "GET" or (args.only and not any(w in s.name for w in args.only)):
            continue
        http = clients.setdefault(s.role, logged_in(app, LOGINS[s.role]))
        print(f"\n=== {s.name} ({s.role}) {s.url(ids)}")
        for statement in page_statements(app, http, s.url(ids), s.htmx_target):
            first = FIRST_TABLE.search(" ".join(statement.sql.split()))
            if not args.all and first and first.group(1) in ROUTINE:
                continue
            with app.app_context(), db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
                plan = statement.explain(conn, args.analyze)
            print("  " + " ".join(statement.sql.split())[:300])
            print("\n".join(f"      {line}" for line in plan))


if __name__ == "__main__":
    main()
