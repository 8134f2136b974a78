"""Storage settings: read from the app config, else the environment, else the defaults below.

CRM_STORAGE_BACKEND   "local" (the only backend implemented; "s3" is refused, see README)
CRM_STORAGE_DIR       folder for stored files, outside the web root (default instance/files)
CRM_STORAGE_MAX_BYTES largest upload accepted (default 20 MiB)
CRM_STORAGE_TYPES     MIME types accepted, comma-separated (default PDF and common images)
CRM_STORAGE_KEY       Fernet key sealing important files (default: derived from SECRET_KEY)
"""

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp")


@dataclass(frozen=True)
class StorageSettings:
    backend: str
    directory: Path
    max_bytes: int
    allowed_types: frozenset[str]


def setting(app, name: str, default):
    if name in app.config:
        return app.config[name]
    return os.environ.get(name) or default


def _types(value) -> frozenset[str]:
    if isinstance(value, str):
        value = value.split(",")
    return frozenset(item.strip() for item in value if item.strip())


def storage_settings(app) -> StorageSettings:
    directory = Path(setting(app, "CRM_STORAGE_DIR", Path(app.instance_path) / "files"))
    return StorageSettings(
        backend=str(setting(app, "CRM_STORAGE_BACKEND", "local")).lower(),
        directory=directory.resolve(),
        max_bytes=int(setting(app, "CRM_STORAGE_MAX_BYTES", DEFAULT_MAX_BYTES)),
        allowed_types=_types(setting(app, "CRM_STORAGE_TYPES", DEFAULT_TYPES)),
    )
