"""Issue 22: with the database unreachable a logged-in user still gets the app's own error page
(full page, or a toast for htmx) with the security headers, and the log gets one line and one
traceback; a PostgreSQL restart between two requests costs no request."""

import logging

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from crm import create_app
from crm.devrun import free_port
from crm.extensions import db
from crm.web.security import HEADERS
from tests.conftest import Client


def _unreachable_url(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite:////no-such-directory/crm.db"
    return f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere_test"


@pytest.fixture
def loggers_enabled():
    """Alembic's fileConfig (run by the session's migration) disables existing loggers; a
    failed request must be judged by everything it would log in production."""
    loggers = [logger for logger in logging.root.manager.loggerDict.values()
               if isinstance(logger, logging.Logger) and logger.disabled]
    for logger in loggers:
        logger.disabled = False
    yield
    for logger in loggers:
        logger.disabled = True


@pytest.fixture
def rep_without_database(app, login):
    """zhangwei's logged-in browser, talking to an app whose database cannot be reached."""
    rep = login("zhangwei")
    down = create_app({**app.config,
                       "SQLALCHEMY_DATABASE_URI": _unreachable_url(
                           app.config["SQLALCHEMY_DATABASE_URI"])})
    cut_off = Client(down)
    cut_off.http.set_cookie("session", rep.http.get_cookie("session").value)
    yield cut_off
    with down.app_context():
        db.engine.dispose()


def _assert_secure(response):
    for name, value in HEADERS.items():
        assert response.headers[name] == value, name
    assert response.headers["Cache-Control"] == "no-store"


def test_a_logged_in_page_without_database_gets_the_apps_own_503(
        rep_without_database, loggers_enabled, caplog):
    with caplog.at_level(logging.INFO):
        response = rep_without_database.get("/customers")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "暂时无法使用" in page and "暂时无法连接数据库" in page and 'lang="zh-CN"' in page
    assert "Internal Server Error" not in page and "张伟" not in page  # no user was loaded
    assert 'href="/customers"' in page  # try again
    _assert_secure(response)
    failures = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(failures) == 1 and failures[0].exc_info is not None, [
        r.getMessage() for r in failures]
    assert failures[0].getMessage() == "GET /customers failed: 503 OperationalError"


def test_an_htmx_request_without_database_gets_a_toast_in_the_toast_area(
        rep_without_database, loggers_enabled, caplog):
    with caplog.at_level(logging.INFO):
        response = rep_without_database.get("/followups", htmx=True, target="followup-list")
    assert response.status_code == 503
    assert response.headers["HX-Retarget"] == "#toasts"
    assert response.headers["HX-Reswap"] == "beforeend"
    assert response.get_data(as_text=True).strip() == (
        '<div class="toast toast-error" role="alert"><strong>暂时无法使用</strong> '
        '暂时无法连接数据库。没有保存一半的数据，请稍后再试。</div>')
    _assert_secure(response)
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1


def test_the_error_page_speaks_the_language_of_the_session_or_the_browser(
        app, login, rep_without_database):
    english = login("liuyang")
    english.post("/language", {"lang": "en"})
    down = rep_without_database.app
    cut_off = Client(down)
    cut_off.http.set_cookie("session", english.http.get_cookie("session").value)
    page = cut_off.get("/").get_data(as_text=True)
    assert "Temporarily unavailable" in page and 'lang="en"' in page
    stranger = Client(down)  # no session language: the browser's
    login = stranger.post("/login", {"username": "zhangwei", "password": "x"},
                          headers={"Accept-Language": "en-US,en;q=0.9"})
    page = login.get_data(as_text=True)
    assert login.status_code == 503 and "Temporarily unavailable" in page
    assert "Try again" not in page  # a form post is not repeated by a link


def _restart_postgresql(url: str) -> int:
    """What a restart does to the app's pooled connections: the server ends them all."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        ended = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
    engine.dispose()
    return ended


@pytest.mark.parametrize("pre_ping", [True, False], ids=["as-configured", "control-no-ping"])
def test_a_postgresql_restart_between_two_requests_costs_no_request(app, login, pre_ping):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("a server restart needs PostgreSQL")
    options = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_size": 1, "max_overflow": 0}
    if not pre_ping:
        options["pool_pre_ping"] = False
    one_connection = create_app({**app.config, "SQLALCHEMY_ENGINE_OPTIONS": options})
    rep = Client(one_connection)
    rep.http.set_cookie("session", login("zhangwei").http.get_cookie("session").value)
    try:
        assert rep.get("/followups").status_code == 200
        assert _restart_postgresql(url) >= 1
        status = rep.get("/followups").status_code
    finally:
        with one_connection.app_context():
            db.engine.dispose()
    # The app's configuration checks a pooled connection before use; without that check the
    # stale connection fails the request (so this test does reach the stale connection).
    assert status == (200 if pre_ping else 503)
