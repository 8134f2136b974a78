"""Issue 22 in the browser: an htmx request that meets an unreachable database shows the
server's own message in the toast area (not the generic failure toast), and the page stays."""

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from crm import create_app
from tests.web.test_db_faults import _unreachable_url


@pytest.fixture
def server_without_database(app):
    down = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": _unreachable_url(
        app.config["SQLALCHEMY_DATABASE_URI"])})
    server = make_server("127.0.0.1", 0, down, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_an_htmx_request_without_database_shows_the_servers_toast(
        signed_in, live_server, server_without_database, browser_problems):
    browser_problems.expect("/followups?q=x", 503)
    page = signed_in("zhangwei")
    page.goto(f"{live_server}/followups")
    heading = page.get_by_role("heading", level=1).inner_text()

    def from_the_cut_off_server(route):
        url = route.request.url.replace(live_server, server_without_database)
        route.fulfill(response=route.fetch(url=url))

    page.route("**/followups?*", from_the_cut_off_server)
    page.evaluate("htmx.ajax('GET', '/followups?q=x', {target: '#main'})")
    toast = page.locator("#toasts .toast-error")
    expect(toast).to_have_count(1)
    expect(toast).to_contain_text("暂时无法使用")
    expect(toast).to_contain_text("暂时无法连接数据库")
    assert page.get_by_role("heading", level=1).inner_text() == heading  # the page stays
