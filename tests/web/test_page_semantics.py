"""What a screen reader relies on (issue 21): unique ids when forms share a page, titles that
say what a record is, an empty message outside the table. axe checks every page in the
browser (tests/e2e/test_accessibility.py); these pin the findings it had."""

import re
from collections import Counter

from sqlalchemy import select

from crm.auth.models import User
from crm.extensions import db
from crm.sales.models import Deal
from tests.sample_records import sample_records


def _ids_used_twice(html: str) -> list[str]:
    counts = Counter(re.findall(r'\sid="([^"]+)"', html))
    return [name for name, n in counts.items() if n > 1]


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_the_forms_on_a_lead_page_share_no_id(app, login):
    records = sample_records(app)
    manager = login("wangqiang")
    html = manager.get(f"/leads/{records['lead_id']}").get_data(as_text=True)
    panel = manager.get(f"/followups/panel?subject_type=lead&subject_id={records['lead_id']}",
                        htmx=True).get_data(as_text=True)
    loaded = re.sub(r'<section id="followup-panel".*?</section>', lambda _: panel, html,
                    count=1, flags=re.S)  # the panel as htmx swaps it in
    assert _ids_used_twice(loaded) == []
    assert '<label for="assign-owner_id">' in loaded and 'id="assign-owner_id"' in loaded
    assert '<label for="followup-owner_id">' in loaded


def test_a_lead_with_an_invalid_stage_keeps_its_ids_unique(app, login):
    records = sample_records(app)
    manager = login("wangqiang")
    answer = manager.post(f"/leads/{records['lead_id']}/stage", {"stage_id": ""})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="stage-stage_id-error"' in html
    assert _ids_used_twice(html) == []


def test_the_user_page_and_its_password_reset_share_no_id(app, login):
    admin = login("admin")
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "zhangwei"))
    html = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert _ids_used_twice(html) == [] and 'id="reset-password"' in html


def test_a_lead_a_deal_and_a_customer_of_one_company_have_distinct_titles(app, login):
    records = sample_records(app)
    rep = login("zhangwei")
    titles = {kind: _title(rep.get(f"/{kind}/{records[f'{kind[:-1]}_id']}").get_data(
        as_text=True)) for kind in ("leads", "deals", "customers")}
    with app.app_context():
        deal_title = db.session.get(Deal, records["deal_id"]).title
    assert titles == {"leads": "样例精密机械有限公司 · 线索 · 客户管理系统",
                      "deals": f"{deal_title} · 商机 · 客户管理系统",
                      "customers": "样例精密机械有限公司 · 客户 · 客户管理系统"}


def test_a_deal_without_products_says_so_outside_a_table(app, login):
    records = sample_records(app)
    html = login("zhangwei").get(f"/deals/{records['deal_id']}").get_data(as_text=True)
    products = html.split("<h2>产品</h2>", 1)[1].split("</section>", 1)[0]
    assert "<table" not in products and '<p class="empty">暂无产品明细。</p>' in products
