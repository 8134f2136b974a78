"""Jinja filters: the Chinese way of writing money, dates, phones; relative times."""

from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import format_timedelta

from crm.web.i18n import local_time

RECENT_SECONDS = 7 * 24 * 3600


def money(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"¥{Decimal(value):,.2f}"


def day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return value.strftime("%Y-%m-%d")


def moment(value: datetime | None) -> str:
    """Exact local time, minutes precision: 2026-11-22 14:05."""
    return local_time(value).strftime("%Y-%m-%d %H:%M") if value else ""


def ago(value: datetime | None) -> str:
    """'3 小时前' when recent, else the date."""
    if value is None:
        return ""
    delta = value - datetime.now(UTC)
    if abs(delta.total_seconds()) < RECENT_SECONDS:
        return format_timedelta(delta, add_direction=True)
    return day(value)


def phone(value: str | None) -> str:
    digits = "".join(c for c in value or "" if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return value or ""


def masked_phone(value: str | None) -> str:
    digits = "".join(c for c in value or "" if c.isdigit())
    if len(digits) < 7:
        return "****" if digits else ""
    return f"{digits[:3]}****{digits[-4:]}"


def masked_email(value: str | None) -> str:
    """z***@example.cn: enough to recognise, not enough to use (R-05)."""
    if not value:
        return ""
    name, _at, domain = value.partition("@")
    return f"{name[:1]}***@{domain}" if domain else "***"


def masked_text(value: str | None) -> str:
    if not value:
        return ""
    return f"{value[:2]}****" if len(value) > 3 else "****"


FILTERS = {
    "money": money,
    "day": day,
    "moment": moment,
    "ago": ago,
    "phone": phone,
    "masked_phone": masked_phone,
    "masked_email": masked_email,
    "masked_text": masked_text,
}
