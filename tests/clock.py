"""Today as a test sees it, read when the test runs: a suite may cross midnight."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")  # the demo users' zone


def local_today() -> date:
    return datetime.now(ZONE).date()


def local_day(days: int = 0) -> str:
    """The ISO date `days` from the users' today, as a date field takes it."""
    return (local_today() + timedelta(days=days)).isoformat()


def server_day() -> str:
    """The server's ISO date, for forms whose default is the server's today."""
    return date.today().isoformat()
