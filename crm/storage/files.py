"""Uploaded files: checked before anything is written, stored under generated names, served as
attachments. Callers check that the user may read the record before calling `send_stored`.
Files of important records (重要合同) are stored encrypted (crm/storage/crypto.py): the stored
bytes say whether they are, so serving needs no flag from the caller."""

import io
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from urllib.parse import quote

import filetype
from flask import current_app, send_file
from flask_babel import gettext as _

from crm.errors import DomainError
from crm.storage import crypto
from crm.storage.settings import StorageSettings, storage_settings

CHUNK = 64 * 1024
KEY = re.compile(r"[0-9a-f]{40}")
# Extensions a detected type may carry in the original name (filetype's own plus common aliases).
EXTENSION_ALIASES = {"jpg": {"jpg", "jpeg", "jpe"}, "tif": {"tif", "tiff"}}


class UploadRefused(DomainError):
    """An upload that was not stored: nothing was written."""


@dataclass(frozen=True)
class StoredFile:
    key: str  # generated: where the bytes live, never derived from the user's name
    original_name: str
    content_type: str
    size: int


class LocalFolder:
    """Files in a folder outside the web root, two levels of fan-out by the generated key."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, key: str) -> Path:
        if not KEY.fullmatch(key):
            raise ValueError("not a generated storage key")
        return self.root / key[:2] / key[2:4] / key

    def put(self, key: str, data: bytes) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def _backend(settings: StorageSettings) -> LocalFolder:
    if settings.backend != "local":
        raise RuntimeError(
            f"CRM_STORAGE_BACKEND={settings.backend!r} is not available: only 'local' is "
            "implemented (no S3 client library is installed)")
    static = Path(current_app.static_folder or "").resolve()
    if settings.directory == static or static in settings.directory.parents:
        raise RuntimeError("CRM_STORAGE_DIR must be outside the web root (static folder)")
    return LocalFolder(settings.directory)


def _checked_name(name: str | None) -> str:
    """The user's file name, kept only for display and download; refused if it is a path."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name or name in {".", ".."}:
        raise UploadRefused(_("The file has no name."), "file")
    bare = PureWindowsPath(PurePosixPath(name).name).name
    if bare != name or ".." in name or any(ord(ch) < 32 or ch == "\x7f" for ch in name):
        raise UploadRefused(_("A file name may not contain a path or control characters."), "file")
    if len(name) > 200:
        raise UploadRefused(_("The file name is too long (200 characters at most)."), "file")
    return name


def _read_limited(stream, max_bytes: int) -> bytes:
    chunks, size = [], 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise UploadRefused(
                _("The file is larger than %(limit)s MB.", limit=round(max_bytes / 1048576, 1)),
                "file")
        chunks.append(chunk)
    if not size:
        raise UploadRefused(_("The file is empty."), "file")
    return b"".join(chunks)


def _checked_type(data: bytes, name: str, allowed: frozenset[str]) -> str:
    """The type read from the content; the name's extension, if any, must agree with it."""
    kind = filetype.guess(data)
    if kind is None or kind.mime not in allowed:
        raise UploadRefused(_("This kind of file is not accepted (PDF or images only)."), "file")
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    if extension and extension not in EXTENSION_ALIASES.get(kind.extension, {kind.extension}):
        raise UploadRefused(
            _("The file name ends in .%(extension)s but its content is %(kind)s.",
              extension=extension, kind=kind.extension.upper()), "file")
    return kind.mime


def store_upload(upload, *, allowed_types: frozenset[str] | None = None,
                 encrypted: bool = False) -> StoredFile:
    """Checks an uploaded file (werkzeug FileStorage) and stores it, encrypted if asked;
    raises UploadRefused."""
    settings = storage_settings(current_app)
    if upload is None:
        raise UploadRefused(_("Choose a file."), "file")
    name = _checked_name(upload.filename)
    data = _read_limited(upload.stream, settings.max_bytes)
    content_type = _checked_type(data, name, allowed_types or settings.allowed_types)
    key = secrets.token_hex(20)
    _backend(settings).put(key, crypto.sealed(data) if encrypted else data)
    return StoredFile(key=key, original_name=name, content_type=content_type, size=len(data))


def set_encrypted(key: str, encrypted: bool) -> None:
    """Rewrites a stored file encrypted or plain (a record marked or unmarked important);
    nothing is written when it already is."""
    backend = _backend(storage_settings(current_app))
    stored = backend.get(key)
    if crypto.is_sealed(stored) != encrypted:
        plain = crypto.opened(stored)
        backend.put(key, crypto.sealed(plain) if encrypted else plain)


def is_encrypted(key: str) -> bool:
    return crypto.is_sealed(_backend(storage_settings(current_app)).get(key))


def delete_stored(key: str) -> None:
    _backend(storage_settings(current_app)).delete(key)


def attachment_header(name: str) -> str:
    """Content-Disposition for `name`: an ASCII fallback (a Chinese name would leave only its
    extension) and the exact name in RFC 5987 form."""
    suffix = PurePosixPath(name).suffix
    stem = unicodedata.normalize("NFKD", name[:len(name) - len(suffix)] if suffix else name)
    ascii_stem = re.sub(r"[^A-Za-z0-9._ -]+", "", stem.encode("ascii", "ignore").decode())
    fallback = (ascii_stem.strip(" .") or "download") + re.sub(r"[^A-Za-z0-9.]", "", suffix)
    return f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(name, safe="")}'


def send_stored(key: str, original_name: str, content_type: str):
    """A download of a stored file (decrypted if it was stored encrypted): an attachment under
    its original name, never sniffed."""
    backend = _backend(storage_settings(current_app))
    path = backend.path(key)
    if crypto.is_sealed_file(path):
        path = io.BytesIO(crypto.opened(backend.get(key)))
    response = send_file(path, mimetype=content_type, conditional=False, etag=False,
                         max_age=0)
    response.headers["Content-Disposition"] = attachment_header(original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("HX-Request")  # like every page: an htmx request gets the same file
    return response
