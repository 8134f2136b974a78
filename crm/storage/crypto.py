"""Encryption at rest for important files (重要合同加密存储, R-03): Fernet (AES-128-CBC with an
HMAC-SHA256, from `cryptography`) under a magic prefix, so a stored file tells whether it is
sealed. The key is CRM_STORAGE_KEY (a Fernet key) when set, else derived from SECRET_KEY by
HKDF-SHA256: changing either makes the sealed files unreadable (see README)."""

from base64 import urlsafe_b64encode
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from crm.storage.settings import setting

MAGIC = b"CRMSEAL1\n"  # no accepted upload starts so: PDF and images begin with their own magic


def storage_key(app) -> bytes:
    if key := setting(app, "CRM_STORAGE_KEY", ""):
        return key.encode() if isinstance(key, str) else key
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"crm-storage-encryption").derive(app.config["SECRET_KEY"].encode())
    return urlsafe_b64encode(derived)


def _fernet() -> Fernet:
    return Fernet(storage_key(current_app))


def is_sealed(data: bytes) -> bool:
    return data.startswith(MAGIC)


def is_sealed_file(path: Path) -> bool:
    with path.open("rb") as stored:
        return is_sealed(stored.read(len(MAGIC)))


def sealed(data: bytes) -> bytes:
    return MAGIC + _fernet().encrypt(data)


def opened(data: bytes) -> bytes:
    """The plain bytes of a stored file, sealed or not."""
    return _fernet().decrypt(data[len(MAGIC):]) if is_sealed(data) else data
