"""The audit page speaks people's language (issue 11, item 13): stage names, user names,
choice labels and local times instead of ids, codes and UTC ISO strings."""

import re

from sqlalchemy import select

from crm.audit.models import AuditEntry
from crm.extensions import db
from crm.sales import funnel
from crm.sales.models import Deal
from tests.customers.test_customers import make_customer
from tests.sales.test_deals import make_deal


def _row(page: str, field: str) -> str:
    """The first audit row of `field` (its cells' text)."""
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    row = next(r for r in rows if f'data-label="字段">{field}<' in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()


def test_values_read_as_names_labels_and_local_times(app, login):
    deal_id = make_deal(app, "东莞智能装备制造有限公司")
    rep = login("zhangwei")
    rep.post(f"/deals/{deal_id}/move", {"stage_id": str(_intent(app))})
    make_customer(app, "佛山美居家具有限公司", industry="manufacturing", province="广东",
                  is_government_tender=True)
    director = login("zhaomin")

    deals = director.get("/audit?model=deals").get_data(as_text=True)
    stage = _row(deals, "阶段")
    assert "潜在客户" in stage and "意向客户" in stage and "商机 东莞智能装备制造" in stage
    assert "张伟" in _row(deals, "负责人") and "直销" in _row(deals, "销售渠道")

    leads = director.get("/audit?model=leads").get_data(as_text=True)
    touched = _row(leads, "分配时间")
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", touched)
    assert "T" not in touched and "+00:00" not in touched  # not an ISO string in UTC

    customers = director.get("/audit?model=customers").get_data(as_text=True)
    assert "制造业" in _row(customers, "行业") and "广东" in _row(customers, "省份")
    assert "是" in _row(customers, "政府招标项目") and "manufacturing" not in customers


def test_a_record_links_to_all_its_changes_and_names_a_deleted_one_by_id(app, login):
    deal_id = make_deal(app)
    with app.app_context():
        db.session.execute(AuditEntry.__table__.insert(), [{
            "model": "deals", "record_id": 98765, "action": "delete", "field": None}])
        db.session.commit()
    page = login("zhaomin").get("/audit?model=deals").get_data(as_text=True)
    assert f'href="/audit?model=deals&amp;record={deal_id}"' in page
    assert "商机 #98765" in page


def test_a_settings_change_names_the_setting(app, login):
    from tests.settings.test_settings import _form

    login("admin").post("/admin/settings", _form(pool_return_days=45))
    page = login("admin").get("/audit?model=settings").get_data(as_text=True)
    assert "设置项 线索无人跟进多久后退回公海" in page


def _intent(app) -> int:
    with app.app_context():
        return funnel.stage("intent").id


def test_unknown_ids_do_not_break_the_page(app, login):
    deal_id = make_deal(app)
    with app.app_context():
        owner = db.session.scalar(select(Deal.owner_id).where(Deal.id == deal_id))
        db.session.execute(AuditEntry.__table__.insert(), [{
            "model": "deals", "record_id": deal_id, "action": "update", "field": "owner_id",
            "old": "424242", "new": str(owner)}])
        db.session.commit()
    page = login("zhaomin").get("/audit?model=deals").get_data(as_text=True)
    assert "#424242" in _row(page, "负责人") and "张伟" in _row(page, "负责人")
