"""In the browser, a form's submit button is disabled while its request is in flight, so a
double click sends one request (issue 10, defect 5); the server de-duplicates as well."""

from playwright.sync_api import expect
from sqlalchemy import func, select

from crm.extensions import db
from crm.sales.models import Lead


def test_the_save_button_is_disabled_while_the_new_lead_is_saved(app, signed_in, live_server):
    page = signed_in("zhangwei")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    held = []
    page.route("**/leads/new", lambda route: held.append(route)
               if route.request.method == "POST" else route.continue_())
    page.goto(f"{live_server}/leads/new")
    page.locator("#company_name").fill("舜宇光学")
    save = page.get_by_role("button", name="保存")
    save.click()
    expect(save).to_be_disabled()
    save.click(force=True)  # the second click of a double click: nothing is sent
    held[0].continue_()
    expect(page.locator("h1")).to_contain_text("舜宇光学")
    assert len(held) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Lead)) == 1
    assert errors == []
