"""Settings read from environment variables; nothing here talks to a server."""

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one kept in instance/ so sessions survive restarts."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def _flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in {"1", "true", "yes", "on"}


class Config:
    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{INSTANCE / 'crm.db'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.CRM_DEMO = _flag("CRM_DEMO")
        self.CRM_QUERY_COUNT = _flag("CRM_QUERY_COUNT")
        # E-mail for alerts: on when MAIL_SERVER, MAIL_PORT and MAIL_FROM are all set.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
        self.MAIL_PORT = os.environ.get("MAIL_PORT") or None
        self.MAIL_FROM = os.environ.get("MAIL_FROM") or None
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
        self.MAIL_STARTTLS = _flag("MAIL_STARTTLS")
        self.CRM_BASE_URL = os.environ.get("CRM_BASE_URL", "http://127.0.0.1:5000")
        # How often the deadline sweep and the e-mail flush run (tests shorten it).
        self.CRM_SWEEP_SECONDS = int(os.environ.get("CRM_SWEEP_SECONDS") or 60)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _flag("CRM_SECURE_COOKIES")
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.PERMANENT_SESSION_LIFETIME = int(os.environ.get("CRM_SESSION_SECONDS", 8 * 3600))
        self.WTF_CSRF_TIME_LIMIT = None
        self.BABEL_DEFAULT_LOCALE = "zh"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "crm" / "translations")
        self.LANGUAGES = {"zh": "简体中文", "en": "English"}
        # argon2 cost; tests lower it so thousands of logins stay fast.
        self.ARGON2_TIME_COST = int(os.environ.get("CRM_ARGON2_TIME_COST", 3))
        self.ARGON2_MEMORY_KIB = int(os.environ.get("CRM_ARGON2_MEMORY_KIB", 65536))
        self.ARGON2_PARALLELISM = int(os.environ.get("CRM_ARGON2_PARALLELISM", 4))
