"""Browser tests: the app served from a thread, driven by Playwright on Debian's chromium.
Every browser context is watched: a console error, an uncaught exception, a CSP violation or a
failed request (a script, a style, the icon, an htmx call) on any page fails the test."""

import threading

import pytest
from playwright.sync_api import Browser
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"

# Runs before the page's own scripts; CDP init scripts are not subject to the page's CSP.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
                + ` at ${e.sourceFile}:${e.lineNumber} (${e.sample})`);
});
"""


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


# Answers the app gives on purpose and shows in the page: an expired session (401 with
# HX-Redirect), a stale edit (409), bad input (422). A page the test opens is checked by the
# test itself (a 404 for someone else's record, say).
DESIGNED_STATUSES = {401, 409, 422}


class BrowserProblems:
    """What went wrong in the watched contexts, one line each."""

    def __init__(self):
        self.seen: list[str] = []
        self.expected: set[tuple[str, int]] = set()
        self.expected_console: set[str] = set()

    def expect(self, url_part: str, status: int):
        """A test that provokes a failing answer on purpose names it (a 503 during an outage)."""
        self.expected.add((url_part, status))

    def watch(self, context):
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.seen.append(f"page error: {error.error}"))
        context.on("response", self._on_response)
        context.on("requestfailed", self._on_request_failed)
        return context

    def expect_console(self, start: str):
        """A test that provokes a logged error on purpose names its start (an aborted request)."""
        self.expected_console.add(start)

    def _on_console(self, message):
        # Chromium also logs failed loads; _on_response judges those with their type.
        expected = any(message.text.startswith(start) for start in self.expected_console)
        if message.type == "error" and not expected and not message.text.startswith(
                "Failed to load resource"):
            self.seen.append(f"console error: {message.text} ({message.location['url']})")

    def _on_response(self, response):
        kind = response.request.resource_type
        if any(part in response.url and status == response.status
               for part, status in self.expected):
            return
        if response.status >= 400 and kind != "document" and (
                response.status not in DESIGNED_STATUSES or kind not in ("xhr", "fetch")):
            self.seen.append(f"{kind} {response.request.method} {response.url}: "
                             f"{response.status}")

    def _on_request_failed(self, request):
        if request.failure != "net::ERR_ABORTED":  # a page left while it was loading
            self.seen.append(f"{request.method} {request.url} failed: {request.failure}")


@pytest.fixture(autouse=True)
def browser_problems(monkeypatch):
    """Attaches to every context and page the test opens; fails the test on any problem."""
    problems = BrowserProblems()
    new_context, new_page = Browser.new_context, Browser.new_page

    def watched_context(self, *args, **kwargs):
        return problems.watch(new_context(self, *args, **kwargs))

    def watched_page(self, *args, **kwargs):
        page = new_page(self, *args, **kwargs)
        problems.watch(page.context)
        return page

    monkeypatch.setattr(Browser, "new_context", watched_context)
    monkeypatch.setattr(Browser, "new_page", watched_page)
    yield problems
    assert not problems.seen, "the browser reported:\n" + "\n".join(problems.seen)


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
