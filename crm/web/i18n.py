"""Language and time zone of the current user: 简体中文 by default, English selectable."""

from zoneinfo import ZoneInfo

from flask import current_app, session
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("lang") in languages:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def zoneinfo(zone) -> ZoneInfo:
    """Babel may hand out pytz zones, which `datetime.combine(tzinfo=...)` gets wrong (LMT)."""
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))
