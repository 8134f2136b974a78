"""Contracts: the list and page per role, important contracts and documents (R-03), uploads
through crm.storage, status changes and the delivery signal (R-15, R-16)."""

import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from crm.contracts.models import Contract, ContractDocument
from crm.contracts.signals import contract_delivered
from crm.extensions import db
from tests.contracts.helpers import make_contract, user_id
from tests.web.test_access_matrix import ROLE_USERS

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
CONTRACT_ROLES = {"sales", "manager", "director", "admin", "finance", "legal"}
IMPORTANT_READERS = {"director", "finance"}


def _number(app, contract_id: int) -> str:
    with app.app_context():
        return db.session.get(Contract, contract_id).number


def _stored_files(app) -> list:
    return [p for p in Path(app.config["CRM_STORAGE_DIR"]).rglob("*") if p.is_file()]


def _upload(user, contract_id: int, data: bytes, name: str, important: bool = False):
    form = {"file": (io.BytesIO(data), name), "form_key": "k" + name[-8:]}
    if important:
        form["important"] = "y"
    return user.post(f"/contracts/{contract_id}/documents", form,
                     content_type="multipart/form-data")


def test_the_list_shows_each_role_the_contracts_it_may_see(app, login):
    mine = make_contract(app, company="比亚迪股份有限公司")
    other = make_contract(app, owner="chenjing", company="格力电器股份有限公司")
    seen = {}
    for role in ("sales", "manager", "director", "finance", "legal"):
        page = login(ROLE_USERS[role]).get("/contracts").get_data(as_text=True)
        seen[role] = {cid for cid in (mine, other) if f"/contracts/{cid}\"" in page}
    assert seen == {"sales": {mine}, "manager": {mine}, "director": {mine, other},
                    "finance": {mine, other}, "legal": {mine, other}}


def test_search_finds_a_contract_by_number_and_by_the_customers_pinyin(app, login):
    found = make_contract(app, company="比亚迪股份有限公司")
    make_contract(app, company="格力电器股份有限公司")
    finance = login("zhengshuang")
    for term in (_number(app, found), "biyadi", "byd"):
        page = finance.get(f"/contracts?q={term}").get_data(as_text=True)
        assert "比亚迪" in page and "格力" not in page, term


def test_the_deal_page_links_its_contract(app, login):
    contract_id = make_contract(app)
    with app.app_context():
        deal_id = db.session.get(Contract, contract_id).deal_id
    page = login("zhangwei").get(f"/deals/{deal_id}").get_data(as_text=True)
    assert f"/contracts/{contract_id}\"" in page


def _mark_important(app, login, contract_id: int, who: str = "zhangwei") -> None:
    user = login(who)
    with app.app_context():
        version = db.session.get(Contract, contract_id).version
    response = user.post(f"/contracts/{contract_id}/important",
                         {"important": "y", "version": version})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_an_important_contract_exists_only_for_directors_finance_and_its_marker(
        app, login, role):
    contract_id = make_contract(app, company="比亚迪股份有限公司",
                                schedule=[(date(2026, 1, 10), "100000")])
    _mark_important(app, login, contract_id)
    number = _number(app, contract_id)
    user = login(ROLE_USERS[role])
    may_read = role in IMPORTANT_READERS or ROLE_USERS[role] == "zhangwei"
    hidden = 404 if role in CONTRACT_ROLES else 403  # 403: no contract page at all
    page = user.get(f"/contracts/{contract_id}")
    assert page.status_code == (200 if may_read else hidden), role
    if role in CONTRACT_ROLES:
        listed = user.get(f"/contracts?q={number}").get_data(as_text=True)
        assert (f"/contracts/{contract_id}\"" in listed) == may_read, role
    if role in {"finance", "director", "admin", "legal", "manager"}:
        drill = user.get("/receivables/d61").get_data(as_text=True)
        assert (f"/contracts/{contract_id}#" in drill) == may_read, role
        ledger = user.get("/receivables").get_data(as_text=True)
        assert ("¥100,000.00" in ledger) == may_read, role


@pytest.mark.parametrize("role", sorted(ROLE_USERS))
def test_an_important_document_is_404_for_all_but_directors_finance_and_its_uploader(
        app, login, role):
    contract_id = make_contract(app)
    legal = login("fenglv")
    assert _upload(legal, contract_id, PDF, "律师函.pdf", important=True).status_code == 303
    with app.app_context():
        document_id = db.session.scalar(select(ContractDocument.id))
    user = login(ROLE_USERS[role])
    may_read = role in IMPORTANT_READERS | {"legal"}
    hidden = 404 if role in CONTRACT_ROLES else 403
    download = user.get(f"/contracts/{contract_id}/documents/{document_id}")
    assert download.status_code == (200 if may_read else hidden), role
    if role in CONTRACT_ROLES:
        page = user.get(f"/contracts/{contract_id}").get_data(as_text=True)
        assert ("律师函.pdf" in page) == may_read, role


def _on_disk(app, name: str) -> bytes:
    with app.app_context():
        key = db.session.scalar(select(ContractDocument.storage_key).where(
            ContractDocument.original_name == name))
    [path] = [p for p in _stored_files(app) if p.name == key]
    return path.read_bytes()


def _download(app, user, contract_id: int, name: str) -> bytes:
    with app.app_context():
        document_id = db.session.scalar(select(ContractDocument.id).where(
            ContractDocument.original_name == name))
    response = user.get(f"/contracts/{contract_id}/documents/{document_id}")
    assert response.status_code == 200
    return response.data


def test_important_documents_are_encrypted_at_rest_and_served_decrypted(app, login):
    """重要合同加密存储: an important document is sealed when uploaded; an ordinary one stays
    plain until its contract is marked important, and is plain again when unmarked."""
    contract_id = make_contract(app)
    rep, finance = login("zhangwei"), login("zhengshuang")
    assert _upload(rep, contract_id, PDF, "报价单.pdf").status_code == 303
    assert _upload(rep, contract_id, PDF, "重要附件.pdf", important=True).status_code == 303
    assert _on_disk(app, "报价单.pdf") == PDF
    assert b"%PDF" not in _on_disk(app, "重要附件.pdf")
    assert _download(app, finance, contract_id, "重要附件.pdf") == PDF

    _mark_important(app, login, contract_id)
    assert b"%PDF" not in _on_disk(app, "报价单.pdf")
    assert _download(app, finance, contract_id, "报价单.pdf") == PDF
    assert _download(app, rep, contract_id, "报价单.pdf") == PDF
    assert _upload(rep, contract_id, PDF, "补充协议.pdf").status_code == 303
    assert b"%PDF" not in _on_disk(app, "补充协议.pdf")

    with app.app_context():
        version = db.session.get(Contract, contract_id).version
    assert rep.post(f"/contracts/{contract_id}/important",
                    {"version": version}).status_code == 303
    assert _on_disk(app, "报价单.pdf") == PDF and _on_disk(app, "补充协议.pdf") == PDF
    assert b"%PDF" not in _on_disk(app, "重要附件.pdf")


def test_a_document_downloads_as_an_attachment_never_sniffed(app, login):
    contract_id = make_contract(app)
    rep = login("zhangwei")
    assert _upload(rep, contract_id, PDF, "合同 终稿.pdf").status_code == 303
    page = rep.get(f"/contracts/{contract_id}").get_data(as_text=True)
    assert "合同 终稿.pdf" in page
    with app.app_context():
        document = db.session.scalar(select(ContractDocument))
        assert document.content_type == "application/pdf" and document.storage_key not in page
    response = rep.get(f"/contracts/{contract_id}/documents/{document.id}")
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    elsewhere = make_contract(app, company="格力电器股份有限公司")
    assert rep.get(f"/contracts/{elsewhere}/documents/{document.id}").status_code == 404


@pytest.mark.parametrize("data, name, message", [
    (ELF, "invoice.pdf", "不接受"),
    (b"", "empty.pdf", "空"),
    (PDF + b"x" * 5000, "big.pdf", "大于"),
    (PDF, "../../x", "路径"),
])
def test_refused_uploads_say_why_and_write_nothing(app, login, monkeypatch, data, name,
                                                   message):
    monkeypatch.setitem(app.config, "CRM_STORAGE_MAX_BYTES", 4096)
    contract_id = make_contract(app)
    before, documents = _stored_files(app), _documents(app)
    response = _upload(login("zhangwei"), contract_id, data, name)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stored_files(app) == before
    assert _documents(app) == documents


def _documents(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ContractDocument))


def _status(user, app, contract_id: int, status: str, delivered_on: str = ""):
    with app.app_context():
        version = db.session.get(Contract, contract_id).version
    return user.post(f"/contracts/{contract_id}/status",
                     {"status": status, "delivered_on": delivered_on, "version": version})


def test_status_moves_along_and_delivery_tells_the_service_domain(app, login):
    contract_id = make_contract(app)
    rep = login("zhangwei")
    heard = []

    def receiver(contract, delivered_on):
        heard.append((contract.id, delivered_on))

    assert _status(rep, app, contract_id, "delivered", "2026-02-01").status_code == 422
    assert _status(rep, app, contract_id, "in_delivery").status_code == 303
    with contract_delivered.connected_to(receiver):
        missing = _status(rep, app, contract_id, "delivered")
        assert missing.status_code == 422 and "收到货物的日期" in missing.get_data(as_text=True)
        assert _status(rep, app, contract_id, "delivered", "2026-02-01").status_code == 303
    assert heard == [(contract_id, date(2026, 2, 1))]
    with app.app_context():
        contract = db.session.get(Contract, contract_id)
        assert (contract.status, contract.delivered_on) == ("delivered", date(2026, 2, 1))
    assert _status(login("zhengshuang"), app, contract_id, "closed").status_code == 403


def test_only_those_who_may_mark_it_see_the_important_switch(app, login):
    contract_id = make_contract(app)
    assert "important-important" in login("zhangwei").get(
        f"/contracts/{contract_id}").get_data(as_text=True)
    assert "important-important" not in login("fenglv").get(
        f"/contracts/{contract_id}").get_data(as_text=True)
    with app.app_context():
        assert user_id("fenglv")
