"""Browser tests: the app served from a thread, driven by Playwright on Debian's chromium."""

import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"],
    }


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def signed_in(page, live_server, people):
    """signed_in('zhangwei') logs the page in through the form and returns it."""

    def sign_in(username: str):
        page.goto(f"{live_server}/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill("Demo#2026crm")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{live_server}/")
        return page

    return sign_in


# What the axe sweep covered (tests/e2e/test_accessibility.py): (axe version, widths, pages).
AXE_COVERAGE = pytest.StashKey[tuple]()


def pytest_terminal_summary(terminalreporter, config):
    if AXE_COVERAGE not in config.stash:
        return
    version, widths, pages = config.stash[AXE_COVERAGE]
    terminalreporter.section(f"axe-core {version}: {len(pages)} pages at "
                             f"{' and '.join(f'{w}' for w in widths)} px")
    by_who: dict[str, list[str]] = {}
    for label in pages:  # "<role> <page>"
        who, _, page = label.partition(" ")
        by_who.setdefault(who, []).append(page)
    for who, seen in by_who.items():
        terminalreporter.line(f"{who} ({len(seen)}): {', '.join(seen)}")
