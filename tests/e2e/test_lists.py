"""Every list page behaves the same (issue 12, templates/list.html): search as you type, a chip
that removes its filter, a sort link, the empty state with its text, cards at 390 px."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.auth.models import User
from crm.base import utcnow
from crm.extensions import db
from crm.followups import services as followups
from crm.notifications.services import notify
from crm.sales import leads as sales
from crm.service import calls
from tests.sample_records import sample_records

# path, who sees it, the list's id prefix, a term that finds a sample row
LISTS = [
    ("/customers", "zhangwei", "customer", "样例精密"),
    ("/contacts", "zhangwei", "contact", "王芳"),
    ("/leads", "zhangwei", "lead", "样例精密"),
    ("/pool", "zhangwei", "lead", "公海里的公司"),
    ("/deals", "zhangwei", "deal", "样例精密"),
    ("/products", "hefang", "product", "样例产品"),
    ("/dealers", "sunli", "dealer", "样例经销商有限公司"),
    ("/channel/trainings", "sunli", "training", "样例产品知识"),
    ("/channel/materials", "sunli", "material", "样例经销商"),
    ("/admin/users", "admin", "user", "张伟"),
    ("/admin/teams", "admin", "team", "华东"),
    ("/followups", "zhangwei", "agenda", "回访样例"),
    ("/notifications", "zhangwei", "notification", "样例消息"),
    ("/audit", "zhaomin", "audit", "张伟"),
    ("/service/calls", "zhoujie", "call", "样例精密"),
    ("/service/complaints", "zhoujie", "complaint", "样例投诉"),
    ("/service/archives", "zhoujie", "archive", "样例合同"),
    ("/service/revisits", "zhoujie", "revisit", "样例合同"),
    ("/contracts", "zhengshuang", "contract", "样例合同"),
    ("/campaigns", "machao", "campaign", "样例春季"),
    ("/surveys", "zhoujie", "survey", "样例精密"),
    ("/surveys/plans", "zhoujie", "plan", "样例精密"),
]


@pytest.fixture
def records(app, people):
    found = sample_records(app)
    with app.app_context():
        agent = db.session.scalar(select(User).where(User.username == "zhoujie"))
        calls.log_call(calls.CallValues(customer_id=found["customer_id"], direction="in",
                                        channel="hotline", notes="询问发票"), agent,
                       "Asia/Shanghai")
        sales.save_lead(None, {"company_name": "公海里的公司", "source": "referral"})
        rep = db.session.scalar(select(User).where(User.username == "zhangwei"))
        followups.add(what="回访样例客户", owner_id=rep.id, due=utcnow() + timedelta(days=2),
                      subject_type=None, subject_id=None, by=rep)
        notify(rep.id, "样例消息：合同已归档")
        db.session.add(AuditEntry(user_id=rep.id, model="leads", record_id=1, action="update",
                                  field="company_name", old="旧名", new="新名"))
        db.session.commit()


@pytest.mark.parametrize(("path", "username", "name", "term"), LISTS,
                         ids=[row[0] for row in LISTS])
def test_the_list_behaves_like_every_list(records, signed_in, live_server, path, username,
                                          name, term):
    page = signed_in(username)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(live_server + path)
    rows, box = page.locator(f"#{name}-rows"), page.locator("input[type=search]")

    box.press_sequentially("不存在的名字xyz", delay=20)  # search as you type: no button
    expect(rows.locator(".empty-row .empty p")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q="))
    box.fill("")
    box.press_sequentially(term, delay=20)
    expect(rows).to_contain_text(term)

    select = page.locator("form.filters select").first
    chosen = select.locator("option").nth(1).get_attribute("value")
    select.select_option(chosen)
    chip = page.locator(f"#{name}-list a.chip-remove")
    expect(chip).to_have_count(1)
    chip.click()
    expect(chip).to_have_count(0)
    expect(page).not_to_have_url(re.compile(rf"[?&]{select.get_attribute('name')}={chosen}"))

    unsorted = page.locator(f"#{name}-list thead th:not([aria-sort]) a").first
    key = re.search(r"sort=(\w+)", unsorted.get_attribute("href")).group(1)
    unsorted.click()
    expect(page).to_have_url(re.compile(rf"sort={key}"))
    expect(page.locator(f"#{name}-list thead th[aria-sort] a")).to_have_attribute(
        "href", re.compile(rf"sort={key}"))

    page.set_viewport_size({"width": 390, "height": 800})
    expect(page.locator(f"#{name}-list thead")).to_be_hidden()
    cell = rows.locator("tr:not(.empty-row) td").first
    expect(cell).to_have_attribute("data-label", re.compile(r".+"))
    assert cell.bounding_box()["width"] > 300  # one card a row, full width
    assert problems == []


def test_a_late_answer_for_an_earlier_term_gives_way_to_the_latest(records, signed_in,
                                                                   live_server):
    """On a slow server the answer for what was typed first is still on its way when the user
    types on: the newer request waits its turn (htmx queues the last one per element) and its
    answer is what stays on screen, however late the older one arrives."""
    page = signed_in("zhangwei")
    page.goto(live_server + "/customers")
    held = []
    page.route(re.compile(r"/customers\?.*q="),
               lambda route: held.append(route) if not held else route.continue_())
    box, rows = page.locator("input[type=search]"), page.locator("#customer-rows")
    with page.expect_request(re.compile(r"/customers\?.*q=")):
        box.fill("不存在的名字")  # its answer is held on the way
    box.fill("样例精密")
    held[0].continue_()  # the older answer arrives late
    expect(rows).to_contain_text("样例精密机械有限公司")
    expect(rows.locator(".empty-row")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=%E6%A0%B7"))


def test_search_as_you_type_replaces_history_and_filters_push(records, signed_in, live_server):
    """Back after typing leaves the list (one entry, not one per pause); Back after picking a
    filter returns to the list as it was."""
    page = signed_in("zhangwei")
    page.goto(live_server + "/customers")
    box, rows = page.locator("input[type=search]"), page.locator("#customer-rows")
    for part in ("样例", "精密"):  # two pauses: two requests
        box.press_sequentially(part, delay=20)
        expect(page).to_have_url(re.compile("q=" + re.escape(
            quote(box.input_value()))))
    expect(rows).to_contain_text("样例精密")
    select = page.locator("form.filters select").first
    select.select_option(select.locator("option").nth(1).get_attribute("value"))
    expect(page.locator("#customer-list a.chip-remove")).to_have_count(1)
    page.go_back()
    expect(page).to_have_url(re.compile(r"/customers\?.*q="))
    expect(page.locator("#customer-list a.chip-remove")).to_have_count(0)
    page.go_back()
    expect(page).to_have_url(f"{live_server}/")
