"""Working-time arithmetic: pure functions over a calendar value, no database.

A calendar says, for each local date, which wall-clock periods are worked: its weekday hours
unless a dated exception (a holiday, a half-day, a make-up working day 调休) says otherwise.
The instants of a period are found through the zone's UTC offset, one stretch of constant
offset at a time, so a day that springs forward or falls back counts the minutes that really
pass (DST-safe for any zone, not only Asia/Shanghai).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Period = tuple[int, int]  # minutes after local midnight: start, end (end may be 24:00 = 1440)
DAY_MINUTES = 1440
ZERO = timedelta(0)
_CHUNK = timedelta(days=1)  # zones change offset at most once within a day
_HOURS = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–~～]\s*(\d{1,2}):(\d{2})$")


class HoursError(ValueError):
    """Hours written in a way we cannot read (the message says how to write them)."""


class NoWorkingTime(ValueError):
    """The calendar has no working time left after the start."""


@dataclass(frozen=True)
class Calendar:
    zone: str
    week: tuple[tuple[Period, ...], ...]  # Monday .. Sunday
    days: dict[date, tuple[Period, ...]] = field(default_factory=dict)  # exceptions by date

    def periods(self, day: date) -> tuple[Period, ...]:
        found = self.days.get(day)
        return found if found is not None else self.week[day.weekday()]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)


def parse_hours(text: str) -> tuple[Period, ...]:
    """"09:00-12:00, 13:30-18:00" -> ((540, 720), (810, 1080)); blank means no work."""
    periods = []
    for part in filter(None, (p.strip() for p in re.split(r"[,，;；]", text or ""))):
        match = _HOURS.match(part)
        if not match:
            raise HoursError(part)
        h1, m1, h2, m2 = map(int, match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if m1 > 59 or m2 > 59 or start >= end or end > DAY_MINUTES:
            raise HoursError(part)
        periods.append((start, end))
    periods.sort()
    for (_s1, e1), (s2, _e2) in zip(periods, periods[1:], strict=False):
        if s2 < e1:
            raise HoursError(text)
    return tuple(periods)


def format_hours(periods: tuple[Period, ...]) -> str:
    def hhmm(m: int) -> str:
        return f"{m // 60:02d}:{m % 60:02d}"

    return ", ".join(f"{hhmm(s)}-{hhmm(e)}" for s, e in periods)


def _naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware one")
    return moment.astimezone(UTC).replace(tzinfo=None)


def _offset(tz: ZoneInfo, utc: datetime) -> timedelta:
    return utc.replace(tzinfo=UTC).astimezone(tz).utcoffset()


def _stretches(tz: ZoneInfo, start: datetime) -> Iterator[tuple[datetime, datetime, timedelta]]:
    """(from, to, offset): consecutive spans of naive UTC with one UTC offset, from `start`."""
    begin = start
    while True:
        offset, end = _offset(tz, begin), begin + _CHUNK
        if _offset(tz, end) != offset:
            low, high = begin, end  # the change lies in (low, high]
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                low, high = (mid, high) if _offset(tz, mid) == offset else (low, mid)
            end = high.replace(microsecond=0)
        yield begin, end, offset
        begin = end


def _exhausted(calendar: Calendar, local_day: date) -> bool:
    """No weekday works and no dated exception lies ahead: nothing will ever be worked."""
    return not any(calendar.week) and all(d < local_day for d in calendar.days)


def intervals(calendar: Calendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Worked spans of naive UTC at or after `start`, in order; ends when none are left."""
    start = _naive_utc(start)
    for begin, end, offset in _stretches(calendar.tz, start):
        wall_from, wall_to = begin + offset, end + offset
        day = wall_from.date()
        while datetime.combine(day, time()) < wall_to:
            if _exhausted(calendar, day):
                return
            midnight = datetime.combine(day, time())
            for s, e in calendar.periods(day):
                lo = max(midnight + timedelta(minutes=s), wall_from) - offset
                hi = min(midnight + timedelta(minutes=e), wall_to) - offset
                if hi > lo and hi > start:
                    yield max(lo, start), hi
            day += timedelta(days=1)


def add_working(start: datetime, duration: timedelta, calendar: Calendar) -> datetime:
    """The earliest instant by which `duration` of working time has passed since `start`."""
    if duration < ZERO:
        raise ValueError("negative duration")
    if duration == ZERO:
        return start
    left = duration
    for lo, hi in intervals(calendar, start):
        if left <= hi - lo:
            return (lo + left).replace(tzinfo=UTC)
        left -= hi - lo
    raise NoWorkingTime(calendar.zone)


def working_between(a: datetime, b: datetime, calendar: Calendar) -> timedelta:
    """Working time from `a` to `b` (negative when `b` is earlier)."""
    if b < a:
        return -working_between(b, a, calendar)
    end, total = _naive_utc(b), ZERO
    for lo, hi in intervals(calendar, a):
        if lo >= end:
            break
        total += min(hi, end) - lo
    return total


def next_working_start(moment: datetime, calendar: Calendar) -> datetime:
    """`moment` if it is working time, else the start of the next worked span (for date-like
    clocks such as revisits that must land on a working day)."""
    for lo, _hi in intervals(calendar, moment):
        return lo.replace(tzinfo=UTC)
    raise NoWorkingTime(calendar.zone)


ALWAYS = ((0, DAY_MINUTES),)
ROUND_THE_CLOCK = Calendar("Asia/Shanghai", (ALWAYS,) * 7)  # 7×24
