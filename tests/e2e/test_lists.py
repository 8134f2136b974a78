"""Every list page behaves the same (issue 12, templates/list.html): search as you type, a chip
that removes its filter, a sort link, the empty state with its text, cards at 390 px."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.auth.models import User
from crm.base import utcnow
from crm.extensions import db
from crm.followups import services as followups
from crm.notifications.services import notify
from crm.sales import leads as sales
from tests.sample_records import sample_records

# path, who sees it, the list's id prefix, a term that finds a sample row
LISTS = [
    ("/customers", "zhangwei", "customer", "样例精密"),
    ("/contacts", "zhangwei", "contact", "王芳"),
    ("/leads", "zhangwei", "lead", "样例精密"),
    ("/pool", "zhangwei", "lead", "公海里的公司"),
    ("/deals", "zhangwei", "deal", "样例精密"),
    ("/products", "hefang", "product", "样例产品"),
    ("/admin/users", "admin", "user", "张伟"),
    ("/admin/teams", "admin", "team", "华东"),
    ("/followups", "zhangwei", "agenda", "回访样例"),
    ("/notifications", "zhangwei", "notification", "样例消息"),
    ("/campaigns", "machao", "campaign", "样例春季"),
]


@pytest.fixture
def records(app, people):
    sample_records(app)
    with app.app_context():
        sales.save_lead(None, {"company_name": "公海里的公司", "source": "referral"})
        rep = db.session.scalar(select(User).where(User.username == "zhangwei"))
        followups.add(what="回访样例客户", owner_id=rep.id, due=utcnow() + timedelta(days=2),
                      subject_type=None, subject_id=None, by=rep)
        notify(rep.id, "样例消息：合同已归档")
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
