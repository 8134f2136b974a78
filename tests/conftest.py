"""Test fixtures: a migrated database (SQLite file or the PostgreSQL in DATABASE_URL), a real
Redis (REDIS_URL, else an embedded server), and HTTP clients that carry CSRF tokens."""

import hashlib
import os
import re
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from crm import create_app
from crm.auth.demo import DEMO_PASSWORD, seed_people
from crm.deadlines.official import seed_default_calendar
from crm.extensions import db

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


# Under pytest-xdist (`-n 2`) each worker gets its own database and Redis database number.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER.removeprefix("gw") or 0)


def _worker_redis(url: str) -> str:
    """redis://host:port/N -> the same server, database N + 4 × the worker's index (four
    workers at most on databases 0-3)."""
    parsed = make_url(url.replace("redis://", "redis+x://", 1))
    number = int(parsed.database or 0) + 4 * WORKER_INDEX
    return parsed.set(database=str(number)).render_as_string(hide_password=False).replace(
        "redis+x://", "redis://", 1)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    if url := os.environ.get("REDIS_URL"):
        yield _worker_redis(url) if WORKER else url
        return
    from crm.devrun import start_embedded_redis, wait_for_redis

    proc, url = start_embedded_redis(dict(os.environ), tmp_path_factory.mktemp("redis"))
    wait_for_redis(url, proc)
    yield url
    proc.terminate()
    proc.wait(5)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    if "test" not in (make_url(url).database or ""):
        raise pytest.UsageError("DATABASE_URL must name a test database: the suite wipes it")
    return _worker_database(url) if WORKER else url


def _worker_database(url: str) -> str:
    """The PostgreSQL database `<name>_<worker>` beside the named one, created when missing."""
    parsed = make_url(url)
    name = f"{parsed.database}_{WORKER}"
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


def _fresh_schema() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    upgrade()


@pytest.fixture(scope="session")
def app(tmp_path_factory, redis_url):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "REDIS_URL": redis_url,
            "SECRET_KEY": "test-secret",
            "CRM_DEMO": False,
            "ARGON2_TIME_COST": 1,  # one lane, 64 KiB: the demo people are hashed every test
            "ARGON2_MEMORY_KIB": 64,
            "ARGON2_PARALLELISM": 1,
            "CRM_STORAGE_DIR": str(tmp_path_factory.mktemp("files")),
        }
    )
    with app.app_context():
        _fresh_schema()
    return app


# Reference rows seeded by the migrations (funnel stages, lost reasons) stay between tests.
REFERENCE_TABLES = {"funnel_stages", "lost_reasons"}


def _wipe(app) -> None:
    DEMO["loaded"] = False
    with app.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables)
                  if t.name not in REFERENCE_TABLES]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # one round trip instead of seventy
                conn.exec_driver_sql(";".join(f'DELETE FROM "{t.name}"' for t in tables))
            else:
                for table in tables:
                    conn.execute(table.delete())
            seed_default_calendar(conn)  # seeded by migration 0008, like the reference rows
        app.extensions["crm_redis"].flushdb()


# Whether this process's database holds the demo data set, kept for the next `demo` test.
DEMO = {"loaded": False}


@pytest.fixture(autouse=True)
def _clean(app, request):
    """Each test starts from an empty database (the reference rows aside); tests that read the
    demo data set share one seeding (see `demo`)."""
    reads_demo = "demo" in request.fixturenames
    if DEMO["loaded"] and not reads_demo:
        _wipe(app)
    yield
    if not reads_demo:
        _wipe(app)


@pytest.fixture
def demo(app):
    """The whole demo data set (`flask crm seed-demo`) for tests that only read it: seeded once
    and kept for the next such test (any other test wipes it first)."""
    if not DEMO["loaded"]:
        with app.app_context():
            seed_people()
            db.session.commit()
        assert "loaded" in app.test_cli_runner().invoke(args=["crm", "seed-demo"]).output
        DEMO["loaded"] = True


@pytest.fixture
def people(app):
    """The demo organisation: one user per role (see crm/auth/demo.py)."""
    with app.app_context():
        seed_people()
        db.session.commit()


def _checked(response):
    """Real servers (gunicorn) refuse header values that are not ASCII: so does the suite."""
    for name, value in response.headers.items():
        assert value.isascii(), f"non-ASCII value in response header {name}: {value!r}"
    return response


class Client:
    """A test client that logs in and sends the CSRF token like the browser does."""

    def __init__(self, app):
        self.app = app
        self.http = app.test_client()

    def csrf(self) -> str:
        """The token a page's meta tag carries (Flask-WTF's `generate_csrf`: the session's raw
        token, signed), read from the session instead of rendering a page for every POST."""
        with self.http.session_transaction() as session:
            raw = session.setdefault("csrf_token", hashlib.sha1(os.urandom(64)).hexdigest())
        return URLSafeTimedSerializer(self.app.secret_key, salt="wtf-csrf-token").dumps(raw)

    def page_csrf(self) -> str:
        """The token as the browser takes it: from the meta tag of a page."""
        page = self.http.get("/login" if not self.logged_in() else "/").get_data(as_text=True)
        return CSRF_META.search(page).group(1)

    def logged_in(self) -> bool:
        return self.http.get("/", follow_redirects=False).status_code == 200

    def login(self, username: str, password: str = DEMO_PASSWORD):
        return self.post("/login", {"username": username, "password": password})

    def get(self, url: str, htmx: bool = False, target: str | None = None, **kw):
        headers = kw.pop("headers", {})
        if htmx:
            headers["HX-Request"] = "true"
            if target:
                headers["HX-Target"] = target
        return _checked(self.http.get(url, headers=headers, **kw))

    def post(self, url: str, data: dict | None = None, htmx: bool = False, csrf: bool = True,
             **kw):
        data = dict(data or {})
        headers = kw.pop("headers", {})
        if csrf:
            data.setdefault("csrf_token", self.csrf())
        if htmx:
            headers["HX-Request"] = "true"
        return _checked(self.http.post(url, data=data, headers=headers, **kw))


@pytest.fixture
def client(app):
    return Client(app)


@pytest.fixture
def login(app, people):
    """login('zhangwei') -> a Client logged in as that demo user."""

    def make(username: str) -> Client:
        c = Client(app)
        response = c.login(username)
        assert response.status_code == 303, response.get_data(as_text=True)
        return c

    return make


@contextmanager
def count_queries(app):
    """Counts SQL statements run inside the block: `with count_queries(app) as q: ...; q.n`."""

    class Counter:
        n = 0

    def bump(*_args):
        Counter.n += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", bump)
    try:
        yield Counter
    finally:
        event.remove(engine, "before_cursor_execute", bump)
