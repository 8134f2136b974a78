"""Admin-tunable rule numbers: typed, validated, audited, visible to every instance at once."""

import re

from sqlalchemy import select

from crm import create_app
from crm.audit.models import AuditEntry
from crm.extensions import db
from crm.settings.registry import DEFINITIONS
from crm.settings.services import get_setting


def _form(**overrides):
    data = {d.key: str(d.default) for d in DEFINITIONS}
    return data | {k: str(v) for k, v in overrides.items()}


def test_settings_page_lists_every_setting_with_its_rule(login):
    page = login("admin").get("/admin/settings").get_data(as_text=True)
    for d in DEFINITIONS:
        assert f'name="{d.key}"' in page
    assert "R-12" in page and 'value="30"' in page


def test_negative_days_are_refused_beside_the_field(login, app):
    admin = login("admin")
    response = admin.post("/admin/settings", _form(pool_return_days=-3), htmx=True)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="pool_return_days-error"' in page
    assert "请输入 1 到 365 之间的数字" in page
    assert 'value="-3"' in page
    with app.test_request_context():
        assert get_setting("pool_return_days") == 30


def test_saved_values_are_read_back_and_audited(login, app):
    admin = login("admin")
    assert admin.post("/admin/settings", _form(pool_return_days=45,
                                               target_revenue_threshold="60000000.00")
                      ).status_code == 303
    with app.test_request_context():
        assert get_setting("pool_return_days") == 45
        assert str(get_setting("target_revenue_threshold")) == "60000000.00"
        changed = db.session.scalars(select(AuditEntry.new).where(
            AuditEntry.model == "settings", AuditEntry.field == "value")).all()
    assert "45" in changed


def test_a_save_reaches_another_app_instance(login, app):
    other = create_app(dict(app.config))  # a second web instance on the same database
    with other.test_request_context():
        assert get_setting("pool_return_days") == 30  # warms its cache
    login("admin").post("/admin/settings", _form(pool_return_days=12))
    with other.test_request_context():
        assert get_setting("pool_return_days") == 12


def test_labels_say_what_a_setting_does_with_the_rule_as_a_reference(login):
    page = login("admin").get("/admin/settings").get_data(as_text=True)
    label = re.search(r'<label for="pool_return_days">(.*?)</label>', page, re.S).group(1)
    assert label.startswith("线索无人跟进多久后退回公海")
    assert '<span class="rule-ref" title="公司制度 R-12">R-12</span>' in label
    unit = re.search(r'id="pool_return_days"[^>]*>\s*<span class="unit">([^<]+)<', page)
    assert unit.group(1) == "天"
    assert ">R-" not in re.sub(r'<span class="rule-ref"[^>]*>R-\d+</span>', "", page)
