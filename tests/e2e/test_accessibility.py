"""axe-core on every page (issue 21): WCAG 2.0/2.1 A and AA plus best practice, in chromium at
1366 and 390 px, on every page each demo role's navigation offers, on every other page of the
app (one record of each kind, as an admin), on forms with errors, on open menus and dialogs, on
the 404 page and on the login page. A serious or critical violation fails, and so do an id
used twice on a page, a console error and a CSP violation. The pages covered are listed at the
end of the run (see pytest_terminal_summary in conftest.py)."""

import hashlib
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import select

from crm.auth.demo import DEMO_PASSWORD, seed_people
from crm.auth.models import Team, User
from crm.base import utcnow
from crm.deadlines.calendars import default_calendar_id
from crm.domains import registry
from crm.extensions import db
from crm.followups import KIND as FOLLOWUP_KIND
from crm.followups import services as followups
from crm.notifications.services import notify
from crm.sales.demo import seed_sales_demo
from crm.service.demo import seed_service_demo
from crm.web.layout import nav_for
from tests.e2e.conftest import AXE_COVERAGE
from tests.sample_records import sample_records
from tests.web.test_access_matrix import ROLE_USERS
from tests.web.test_route_guard import PUBLIC

AXE_VERSION = "4.14.1"
AXE = Path(__file__).parent / "vendor" / f"axe-{AXE_VERSION}.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_OPTIONS = {
    "runOnly": {"type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}
WIDTHS = (1366, 390)
# Answers that are parts of pages (htmx fragments) or not HTML: checked inside their pages.
NOT_PAGES = {"customers.duplicates", "followups.panel", "notifications.bell", "deals.value",
             "deals.edit_value", "followups.agenda_ics", "health.healthz", "static",
             "deadlines.countdown", "deadlines.export_year", "favicon", "leads.customer_hint",
             "picker.suggest", "user_picker.suggest", "calls.contact_options",
             "complaints.signed_form",
             "scores.export_csv", "scores.export_xlsx", "scores.row", "scores.adjust",
             "channel.apply_checks",
             "campaigns.document", "contracts.document", "contracts.letter_pdf"}  # downloads
RUN_AXE = "options => axe.run(document, options)"
DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}"""
HTMX_IDLE = "() => document.readyState === 'complete' && !document.querySelector('.htmx-request')"


def test_the_vendored_axe_is_the_pinned_release():
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256
    assert source.startswith(f"/*! axe v{AXE_VERSION}".encode())


class Audit:
    """Runs axe (injected as an init script: CSP does not apply to those, while a <script> tag
    added to the page would be refused by our `script-src 'self'`) and gathers what fails."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url = browser, base_url
        self.problems: list[str] = []
        self.covered: list[str] = []
        self.expected_errors: set[str] = set()

    def context(self):
        context = self.browser.new_context(viewport={"width": WIDTHS[0], "height": 900})
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))
        return page

    def _console(self, page, message) -> None:
        source = message.location.get("url", "")
        if message.type != "error" or source in self.expected_errors:
            return
        if source.endswith("/favicon.ico"):  # chromium asks for one; the layout links none
            return
        if "status of 422" in message.text:  # a form with errors: the answer htmx swaps in
            return
        self.problems.append(f"{page.url}: console {message.type}: {message.text} ({source})")

    def sign_in(self, username: str):
        page = self.context()
        page.goto(f"{self.base_url}/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(f"{self.base_url}/")
        return page

    def visit(self, page, path: str, label: str) -> None:
        page.goto(self.base_url + path)
        self.check(page, label)

    def check(self, page, label: str) -> None:
        """axe at each width on the page as it is now, once htmx has loaded its parts."""
        page.wait_for_function(HTMX_IDLE)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            result = page.evaluate(RUN_AXE, AXE_OPTIONS)
            for violation in result["violations"]:
                if violation["impact"] in FAILING_IMPACTS:
                    targets = [node["target"] for node in violation["nodes"]][:5]
                    self.problems.append(f"{label} @{width}px: {violation['impact']} "
                                         f"{violation['id']} ({violation['help']}) {targets}")
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        if duplicates := page.evaluate(DUPLICATE_IDS):
            self.problems.append(f"{label}: ids used twice: {duplicates}")
        self.covered.append(label)


def _seed(app) -> dict:
    """The demo data, zhangwei's sample records (a lead and a deal of the same company, a deal
    with no product lines), a follow-up and a notification of the admin: the URL args."""
    with app.app_context():
        seed_people()
        db.session.flush()
        seed_sales_demo()
        seed_service_demo()
        db.session.commit()
        args = sample_records(app)
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        followup = followups.add(what="回访样例客户", owner_id=admin.id,
                                 due=utcnow() + timedelta(days=1), subject_type="deal",
                                 subject_id=args["deal_id"], by=admin)
        notify(admin.id, "样例通知", "followup", followup.id)
        db.session.commit()
        return {**args, "followup_id": followup.id,
                "user_id": db.session.scalar(select(User.id).where(User.username == "zhangwei")),
                "team_id": db.session.scalar(select(Team.id).where(Team.name == "华东销售一组")),
                "calendar_id": default_calendar_id(), "kind": FOLLOWUP_KIND}


def _offered_nav(app, username: str) -> list[str]:
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return [url_for(item.endpoint) for item in nav_for(user)]


# Pages that open only on a record in a given state take another sample: costs are recorded
# once a campaign is approved (its cost form answers 409 before).
SAMPLE_FOR = {"campaigns.new_cost": {"campaign_id": "approved_campaign_id"}}


def _other_pages(app, args: dict) -> list[str]:
    """Every page reached with GET but through the navigation (fragments and files aside):
    the record pages and forms, with the sample records' ids."""
    nav = {item.endpoint for item in registry(app).nav}
    with app.test_request_context():
        return [url_for(rule.endpoint, **{
                    name: args[SAMPLE_FOR.get(rule.endpoint, {}).get(name, name)]
                    for name in rule._converters})
                for rule in app.url_map.iter_rules()
                if "GET" in rule.methods and rule.endpoint not in NOT_PAGES | PUBLIC
                and not (rule.endpoint in nav and not rule._converters)]


@pytest.fixture
def audit(browser, live_server):
    return Audit(browser, live_server)


# The sweep in parts, so that parallel test processes share it.
ROLE_GROUPS = (("admin", "ceo"), ("director", "legal"), ("channel", "finance", "manager"),
               ("marketing", "product", "sales", "service"))


def test_the_role_groups_hold_every_role_once():
    assert sorted(role for group in ROLE_GROUPS for role in group) == sorted(ROLE_USERS)


def _covering(request, audit) -> None:
    """Adds what this part covers to the run's list (printed at the end of the run)."""
    _version, _widths, pages = request.config.stash.setdefault(
        AXE_COVERAGE, (AXE_VERSION, WIDTHS, []))
    audit.covered = pages


@pytest.mark.parametrize("roles", ROLE_GROUPS, ids="+".join)
def test_the_pages_each_role_is_offered_pass_axe(app, audit, request, roles):
    args = _seed(app)
    _covering(request, audit)
    for role in roles:
        username = ROLE_USERS[role]
        page = audit.sign_in(username)
        offered = page.locator("nav.nav-wide a").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))")
        assert offered == _offered_nav(app, username), f"{role}: not the registry's nav"
        for path in offered:
            audit.visit(page, path, f"{role} {path}")
        if role == "manager":  # the lead page with the assign form beside the others (finding 2)
            audit.visit(page, f"/leads/{args['lead_id']}", f"{role} /leads/{args['lead_id']}")
        page.context.close()
        covered = [label for label in audit.covered if label.startswith(f"{role} /")]
        assert len(covered) >= len(offered), f"{role}: covered {covered}, offered {offered}"
    assert audit.problems == [], "\n".join(audit.problems)


@pytest.mark.parametrize("half", (0, 1), ids=("first-half", "second-half"))
def test_every_other_page_passes_axe_as_an_admin(app, audit, request, half):
    args = _seed(app)
    _covering(request, audit)
    admin = audit.sign_in("admin")
    for path in _other_pages(app, args)[half::2]:
        audit.visit(admin, path, f"admin {path}")
    admin.context.close()
    assert audit.problems == [], "\n".join(audit.problems)


def test_forms_with_errors_menus_dialogs_and_the_login_page_pass_axe(app, audit, request):
    args = _seed(app)
    _covering(request, audit)
    admin = audit.sign_in("admin")
    _check_states(audit, admin, args)
    admin.context.close()

    anonymous = audit.context()
    audit.visit(anonymous, "/login", "anonymous /login")
    anonymous.get_by_label("用户名").fill("zhangwei")
    anonymous.get_by_label("密码").fill("wrong password")
    anonymous.get_by_role("button", name="登录").click()
    anonymous.locator("#password-error").wait_for()
    audit.check(anonymous, "anonymous /login with a wrong password")
    anonymous.context.close()
    assert audit.problems == [], "\n".join(audit.problems)


def _check_states(audit, page, args: dict) -> None:
    """Forms with errors, open menus and dialogs, and the 404 page, as the admin."""
    base = audit.base_url
    page.goto(f"{base}/customers/new")
    page.get_by_role("button", name="保存").click()
    page.locator(".field.has-error").first.wait_for()
    audit.check(page, "admin /customers/new with errors")

    page.goto(f"{base}/leads/{args['lead_id']}")
    page.get_by_label("阶段").select_option(label="已流失")
    page.get_by_role("button", name="转入").click()
    page.locator(".field.has-error").first.wait_for()
    audit.check(page, f"admin /leads/{args['lead_id']} stage form with errors")

    page.goto(f"{base}/admin/users/{args['user_id']}")
    page.get_by_role("button", name="停用").click()
    page.locator("#confirm-dialog[open]").wait_for()
    audit.check(page, f"admin /admin/users/{args['user_id']} confirm dialog open")
    page.locator("#confirm-dialog").get_by_role("button", name="取消").click()

    page.goto(f"{base}/")
    page.locator("summary.user-chip").click()
    audit.check(page, "admin / user menu open")
    page.set_viewport_size({"width": WIDTHS[1], "height": 900})
    page.locator("details.nav-toggle summary").click()
    audit.check(page, "admin / phone menu open")

    page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    page.goto(f"{base}/")
    page.keyboard.press("c")
    page.get_by_role("combobox", name="客户").press_sequentially("yl")
    page.locator("#call-customer_id-listbox [role=option]").first.wait_for()
    audit.check(page, "admin / call dialog with customer suggestions open")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="保存").click()
    page.locator("#call-dialog .field.has-error").first.wait_for()
    audit.check(page, "admin / call dialog with errors")
    page.keyboard.press("Escape")

    missing = f"{base}/no-such-page"
    audit.expected_errors.add(missing)
    assert page.goto(missing).status == 404
    audit.check(page, "admin /no-such-page (404)")


def test_the_axe_sweep_reports_what_it_finds(audit, live_server, people):
    """The sweep is not blind: a page with a low-contrast text and a duplicate id fails."""
    page = audit.context()
    page.goto(f"{live_server}/login")
    page.evaluate("""() => {
      const p = document.createElement('p');
      p.textContent = 'faint'; p.id = 'username'; p.style.color = '#ddd';
      document.querySelector('main').append(p);
    }""")
    audit.check(page, "login with a faint paragraph")
    found = json.dumps(audit.problems)
    assert re.search(r"serious color-contrast", found) and "ids used twice: ['username']" in found
