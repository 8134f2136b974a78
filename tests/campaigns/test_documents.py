"""Campaign documents (R-50, R-03): the naming rule 项目名称-日期-版本号, versions kept, contracts
read only by directors, finance and their uploader."""

import io
import re
from datetime import date

import pytest

from crm.campaigns import documents
from crm.extensions import db
from tests.campaigns.helpers import make_campaign, user
from tests.web.test_access_matrix import ROLE_USERS

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FORM_KEY = re.compile(r'name="form_key" type="hidden" value="([^"]+)"')


@pytest.fixture
def campaign_id(app, people, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CRM_STORAGE_DIR", str(tmp_path / "files"))
    with app.test_request_context():
        campaign = make_campaign("1000")
        db.session.commit()
        found = campaign.id
    return found  # outside the context: each request gets its own `g` (its CSRF token)


def _upload(client, campaign_id, name, data=PDF, contract=False):
    page = client.get(f"/campaigns/{campaign_id}/documents/new").get_data(as_text=True)
    form = {"name": name, "file": (io.BytesIO(data), "方案.pdf"),
            "form_key": FORM_KEY.search(page).group(1)}
    if contract:
        form["is_contract"] = "y"
    return client.post(f"/campaigns/{campaign_id}/documents/new", form,
                       content_type="multipart/form-data")


def test_the_form_proposes_the_next_name_and_keeps_older_versions(app, login, campaign_id):
    machao, month = login("machao"), date.today().strftime("%Y-%m")
    page = machao.get(f"/campaigns/{campaign_id}/documents/new").get_data(as_text=True)
    assert f'value="春季促销-{month}V1"' in page
    assert _upload(machao, campaign_id, f"春季促销-{month}V1").status_code == 303
    page = machao.get(f"/campaigns/{campaign_id}/documents/new").get_data(as_text=True)
    assert f'value="春季促销-{month}V2"' in page
    assert _upload(machao, campaign_id, f"春季促销-{month}V2", PDF + b"% v2\n").status_code \
        == 303
    shown = machao.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert shown.index(f"春季促销-{month}V2") < shown.index(f"春季促销-{month}V1")
    with app.app_context():
        older, newer = sorted(d.id for d in _documents(app, campaign_id))
    first = machao.get(f"/campaigns/documents/{older}")
    assert first.status_code == 200 and first.data == PDF
    assert "attachment" in first.headers["Content-Disposition"]
    assert machao.get(f"/campaigns/documents/{newer}").data.endswith(b"% v2\n")


def _documents(app, campaign_id):
    from sqlalchemy import select

    from crm.campaigns.models import CampaignDocument

    return db.session.scalars(select(CampaignDocument).where(
        CampaignDocument.campaign_id == campaign_id)).all()


@pytest.mark.parametrize("name", ["春季促销V1", "春季促销-2026-1V1", "春季促销-2026-13V1",
                                  "秋季展会-2026-01V1", "春季促销-2026-01", "春季促销-2026-01V0"])
def test_a_name_that_breaks_the_rule_is_refused_with_the_pattern(login, campaign_id, name):
    refused = _upload(login("machao"), campaign_id, name)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "项目名称-YYYY-MMV版本号" in text and "春季促销-2026-01V1" in text


def test_a_version_that_exists_is_refused(login, campaign_id):
    machao = login("machao")
    _upload(machao, campaign_id, "春季促销-2026-01V1")
    refused = _upload(machao, campaign_id, "春季促销-2026-01V1")
    assert refused.status_code == 422 and "下一个版本号是 V2" in refused.get_data(as_text=True)


def test_an_upload_the_storage_refuses_writes_no_document(app, login, campaign_id):
    refused = _upload(login("machao"), campaign_id, "春季促销-2026-01V1", b"MZ\x90\x00" * 40)
    assert refused.status_code == 422
    with app.app_context():
        assert _documents(app, campaign_id) == []


READ_CONTRACTS = {"director", "finance"}


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_a_contract_document_is_404_but_for_directors_and_finance(app, login, campaign_id,
                                                                  role):
    supervisor = login("gaoyan")  # the uploader: not one of the roles' sample users
    assert _upload(supervisor, campaign_id, "春季促销-2026-01V1", contract=True) \
        .status_code == 303
    with app.app_context():
        (contract,) = _documents(app, campaign_id)
    reader = login(ROLE_USERS[role])
    expected = 200 if role in READ_CONTRACTS else 404
    assert reader.get(f"/campaigns/documents/{contract.id}").status_code == expected
    listed = "春季促销-2026-01V1" in reader.get(f"/campaigns/{campaign_id}").get_data(
        as_text=True)
    assert listed == (role in READ_CONTRACTS)
    assert supervisor.get(f"/campaigns/documents/{contract.id}").status_code == 200


def test_an_ordinary_document_is_read_by_whoever_sees_the_campaign(app, login, campaign_id):
    _upload(login("machao"), campaign_id, "春季促销-2026-01V1")
    with app.app_context():
        (document,) = _documents(app, campaign_id)
    for username, status in (("gaoyan", 200), ("qianjin", 200), ("wangqiang", 404),
                             ("zhangwei", 404)):
        assert login(username).get(f"/campaigns/documents/{document.id}").status_code == \
            status, username


def test_the_proposal_follows_the_months_versions(app, people):
    with app.test_request_context():
        campaign = make_campaign("1000", name="秋季展会", by="machao")
        assert documents.proposed_name(campaign, date(2026, 9, 3)) == "秋季展会-2026-09V1"
        assert user("machao")


def test_a_contract_document_is_encrypted_at_rest_an_ordinary_one_is_not(
        app, login, campaign_id, tmp_path):
    supervisor = login("gaoyan")
    assert _upload(supervisor, campaign_id, "春季促销-2026-01V1", contract=True) \
        .status_code == 303
    assert _upload(supervisor, campaign_id, "春季促销-2026-01V2").status_code == 303
    with app.app_context():
        contract, ordinary = sorted(_documents(app, campaign_id), key=lambda d: d.version)
    on_disk = {p.name: p.read_bytes() for p in (tmp_path / "files").rglob("*") if p.is_file()}
    assert b"%PDF" not in on_disk[contract.storage_key]
    assert on_disk[ordinary.storage_key] == PDF
    assert supervisor.get(f"/campaigns/documents/{contract.id}").data == PDF
