"""The countdown element's words and colour: "剩余 25 分钟", "已超时 2 小时", paused."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _

from crm.base import utcnow
from crm.deadlines.models import Deadline
from crm.deadlines.services import paused_time

SOON_SHARE = 4  # a clock with a quarter or less of its time left is shown as "soon"
MINUTE, HOUR, DAY = 60, 3600, 86400


@dataclass(frozen=True)
class Countdown:
    state: str  # running | soon | overdue | paused | done
    text: str
    due_at: datetime | None
    poll_seconds: int | None  # how often the page asks again (None: it does not change)


def span(delta: timedelta) -> str:
    """A duration in at most two units: "3 天 4 小时", "2 小时 5 分钟", "25 分钟"."""
    seconds = int(abs(delta).total_seconds())
    days, hours, minutes = seconds // DAY, seconds % DAY // HOUR, seconds % HOUR // MINUTE
    if days:
        return (_("%(days)d d %(hours)d h", days=days, hours=hours) if hours
                else _("%(days)d d", days=days))
    if hours:
        return (_("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes) if minutes
                else _("%(hours)d h", hours=hours))
    return _("%(minutes)d min", minutes=max(minutes, 1) if seconds else 0)


def _poll(left: timedelta) -> int | None:
    """Refresh often while the minutes matter; a clock days away changes slowly."""
    seconds = abs(left.total_seconds())
    return 30 if seconds < HOUR else 60 if seconds < DAY else 600


def countdown(due_at: datetime, now: datetime | None = None,
              started_at: datetime | None = None) -> Countdown:
    now = now or utcnow()
    left = due_at - now
    if left <= timedelta(0):
        return Countdown("overdue", _("%(time)s overdue", time=span(left)), due_at, _poll(left))
    soon = started_at is not None and left * SOON_SHARE <= due_at - started_at
    return Countdown("soon" if soon else "running", _("%(time)s left", time=span(left)), due_at,
                     _poll(left))


def deadline_countdown(deadline: Deadline, now: datetime | None = None) -> Countdown:
    if deadline.done_at is not None:
        return Countdown("done", _("Done"), deadline.due_at, None)
    if deadline.paused_at is not None:
        left = paused_time(deadline, deadline.paused_at, deadline.due_at)
        words = (_("Paused, %(time)s left", time=span(left)) if left > timedelta(0)
                 else _("Paused, %(time)s overdue", time=span(left)))
        return Countdown("paused", words, None, None)
    return countdown(deadline.due_at, now, deadline.created_at)
