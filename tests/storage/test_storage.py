"""The storage interface: refused uploads write nothing; stored files come back as attachments."""

import io
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage

from crm.storage import (
    UploadRefused,
    crypto,
    is_encrypted,
    send_stored,
    set_encrypted,
    store_upload,
)
from crm.storage.files import LocalFolder, attachment_header

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
       b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
       b"\x00\x00\x00IEND\xaeB`\x82")
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 120


@pytest.fixture
def storage(app, tmp_path, monkeypatch):
    folder = tmp_path / "files"
    monkeypatch.setitem(app.config, "CRM_STORAGE_DIR", str(folder))  # restored afterwards
    monkeypatch.setitem(app.config, "CRM_STORAGE_MAX_BYTES", 1024)
    with app.test_request_context(), force_locale("en"):  # the messages' English text
        yield folder


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def written(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_pdf_is_stored_under_a_generated_name(storage):
    stored = store_upload(upload(PDF, "合同 2026.pdf"))
    assert (stored.original_name, stored.content_type, stored.size) == (
        "合同 2026.pdf", "application/pdf", len(PDF))
    [path] = written(storage)
    assert path.name == stored.key and "合同" not in str(path)
    assert path.read_bytes() == PDF


def test_an_image_is_typed_by_its_content(storage):
    assert store_upload(upload(PNG, "scan")).content_type == "image/png"


@pytest.mark.parametrize("data, name, message", [
    (ELF, "invoice.pdf", "not accepted"),
    (WINDOWS_EXE, "photo.png", "not accepted"),
    (b"#!/bin/sh\nrm -rf /\n", "notes.pdf", "not accepted"),
    (b"", "empty.pdf", "empty"),
    (PDF + b"x" * 2000, "big.pdf", "larger than"),
    (PDF, "../../x", "path"),
    (PDF, "..\\..\\x.pdf", "path"),
    (PDF, "/etc/passwd", "path"),
    (PDF, "a\x00b.pdf", "control"),
    (PDF, "", "no name"),
    (PDF, "setup.exe", "content is PDF"),
])
def test_refused_uploads_write_nothing(storage, data, name, message):
    with pytest.raises(UploadRefused) as refused:
        store_upload(upload(data, name))
    assert message in refused.value.message and refused.value.field == "file"
    assert written(storage) == []


def test_the_allowed_types_can_be_narrowed_by_the_caller(storage):
    with pytest.raises(UploadRefused):
        store_upload(upload(PNG, "x.png"), allowed_types=frozenset({"application/pdf"}))


def test_a_stored_file_is_served_as_an_attachment_never_sniffed(storage):
    stored = store_upload(upload(PDF, "合同 \"final\".pdf"))
    response = send_stored(stored.key, stored.original_name, stored.content_type)
    response.direct_passthrough = False
    assert response.get_data() == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.isascii()
    assert "filename*=UTF-8''%E5%90%88%E5%90%8C" in disposition


def test_keys_that_are_not_generated_are_refused(tmp_path):
    with pytest.raises(ValueError):
        LocalFolder(tmp_path).path("../../etc/passwd")


def test_the_folder_must_be_outside_the_web_root(app, storage):
    app.config["CRM_STORAGE_DIR"] = app.static_folder + "/uploads"
    with pytest.raises(RuntimeError, match="outside the web root"):
        store_upload(upload(PDF, "a.pdf"))


def test_s3_is_refused_plainly_rather_than_pretended(app, storage):
    app.config["CRM_STORAGE_BACKEND"] = "s3"
    try:
        with pytest.raises(RuntimeError, match="only 'local' is implemented"):
            store_upload(upload(PDF, "a.pdf"))
    finally:
        del app.config["CRM_STORAGE_BACKEND"]


@pytest.mark.parametrize("name, fallback", [
    ("合同 2026.pdf", "2026.pdf"), ("合同.pdf", "download.pdf"), ('a"b;c.pdf', "abc.pdf"),
    ("scan", "scan")])
def test_the_download_name_has_an_ascii_fallback_and_the_exact_name(name, fallback):
    header = attachment_header(name)
    assert header.isascii()
    assert f'filename="{fallback}"' in header
    assert header.endswith("filename*=UTF-8''" + quote(name, safe=""))


def test_an_encrypted_file_differs_on_disk_and_downloads_as_uploaded(storage):
    stored = store_upload(upload(PDF, "重要合同.pdf"), encrypted=True)
    [path] = written(storage)
    on_disk = path.read_bytes()
    assert on_disk != PDF and PDF not in on_disk and b"%PDF" not in on_disk
    assert is_encrypted(stored.key)
    response = send_stored(stored.key, stored.original_name, stored.content_type)
    response.direct_passthrough = False
    assert response.get_data() == PDF


def test_encryption_is_switched_on_and_off_in_place(storage):
    stored = store_upload(upload(PNG, "scan.png"))
    [path] = written(storage)
    assert path.read_bytes() == PNG and not is_encrypted(stored.key)
    set_encrypted(stored.key, True)
    sealed_once = path.read_bytes()
    assert sealed_once != PNG and is_encrypted(stored.key)
    set_encrypted(stored.key, True)  # already sealed: left alone
    assert path.read_bytes() == sealed_once
    set_encrypted(stored.key, False)
    assert path.read_bytes() == PNG and written(storage) == [path]


def test_the_key_comes_from_crm_storage_key_else_from_the_secret_key(app, storage, monkeypatch):
    derived = crypto.storage_key(app)
    assert Fernet(derived)  # a valid key, derived from SECRET_KEY
    monkeypatch.setitem(app.config, "SECRET_KEY", "another secret")
    assert crypto.storage_key(app) != derived
    own = Fernet.generate_key()
    monkeypatch.setitem(app.config, "CRM_STORAGE_KEY", own.decode())
    assert crypto.storage_key(app) == own
    store_upload(upload(PDF, "a.pdf"), encrypted=True)
    [path] = written(storage)
    assert Fernet(own).decrypt(path.read_bytes()[len(crypto.MAGIC):]) == PDF
