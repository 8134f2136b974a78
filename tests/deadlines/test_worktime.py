"""Working-time arithmetic against a brute-force minute-by-minute count (hypothesis)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crm.deadlines.worktime import (
    ROUND_THE_CLOCK,
    Calendar,
    HoursError,
    NoWorkingTime,
    add_working,
    format_hours,
    next_working_start,
    parse_hours,
    working_between,
)

MINUTE = timedelta(minutes=1)
ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe"]
# Starts bunch around the days clocks change, where mistakes hide.
DST_DAYS = [datetime(2026, 3, 8, 6), datetime(2026, 3, 29, 0), datetime(2026, 4, 5, 14),
            datetime(2026, 10, 4, 15), datetime(2026, 10, 25, 0), datetime(2026, 11, 1, 5)]


def _is_working(calendar: Calendar, utc: datetime) -> bool:
    wall = utc.replace(tzinfo=UTC).astimezone(ZoneInfo(calendar.zone))
    minute = wall.hour * 60 + wall.minute
    return any(s <= minute < e for s, e in calendar.periods(wall.date()))


def brute_add(calendar: Calendar, start: datetime, minutes: int) -> datetime:
    t, counted = start, 0
    while counted < minutes:
        counted += _is_working(calendar, t)
        t += MINUTE
    return t


def brute_between(calendar: Calendar, a: datetime, b: datetime) -> int:
    count, t = 0, a
    while t < b:
        count += _is_working(calendar, t)
        t += MINUTE
    return count


@st.composite
def periods(draw):
    points = sorted(draw(st.lists(st.integers(0, 1440), unique=True, max_size=6)))
    return tuple(zip(points[0::2], points[1::2], strict=False))


@st.composite
def starts(draw):
    near = draw(st.sampled_from(DST_DAYS)) + timedelta(minutes=draw(st.integers(-2880, 2880)))
    anywhere = draw(st.datetimes(datetime(2026, 1, 1), datetime(2027, 12, 31)))
    return draw(st.sampled_from([near, anywhere])).replace(second=0, microsecond=0,
                                                            tzinfo=UTC)


@st.composite
def calendars(draw, around: datetime):
    week = tuple(draw(periods()) for _ in range(7))
    assume(sum(e - s for day in week for s, e in day) >= 600)
    first = around.date() - timedelta(days=1)
    offsets = draw(st.lists(st.integers(0, 20), unique=True, max_size=5))
    days = {first + timedelta(days=i): draw(periods()) for i in offsets}
    return Calendar(draw(st.sampled_from(ZONES)), week, days)


PROPERTY = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@PROPERTY
@given(st.data(), starts(), st.integers(0, 900))
def test_add_working_agrees_with_counting_minutes(data, start, minutes):
    calendar = data.draw(calendars(start))
    due = add_working(start, timedelta(minutes=minutes), calendar)
    assert due == brute_add(calendar, start, minutes)
    assert working_between(start, due, calendar) == timedelta(minutes=minutes)


@PROPERTY
@given(st.data(), starts(), st.integers(0, 600), st.integers(0, 600))
def test_adding_in_two_steps_equals_adding_once(data, start, first, second):
    calendar = data.draw(calendars(start))
    once = add_working(start, timedelta(minutes=first + second), calendar)
    halfway = add_working(start, timedelta(minutes=first), calendar)
    assert add_working(halfway, timedelta(minutes=second), calendar) == once


@PROPERTY
@given(st.data(), starts(), st.integers(-3000, 3000))
def test_working_between_counts_the_working_minutes(data, start, span):
    calendar = data.draw(calendars(start))
    end = start + timedelta(minutes=span)
    expected = brute_between(calendar, min(start, end), max(start, end))
    assert working_between(start, end, calendar) == timedelta(minutes=expected if span >= 0
                                                              else -expected)


def test_a_spring_forward_night_has_one_hour_less():
    calendar = Calendar("America/New_York", ((),) * 6 + (((0, 1440),),))  # Sundays only
    sunday = datetime(2026, 3, 8, 5, tzinfo=UTC)  # 00:00 EST
    assert working_between(sunday, sunday + timedelta(days=1), calendar) == timedelta(hours=23)
    assert add_working(sunday, timedelta(hours=3), calendar) == datetime(2026, 3, 8, 8,
                                                                          tzinfo=UTC)


def test_hours_are_read_and_written_back():
    assert parse_hours("09:00-12:00, 13:30-18:00") == ((540, 720), (810, 1080))
    assert parse_hours("13:30 - 18:00，09:00-12:00") == ((540, 720), (810, 1080))
    assert parse_hours("") == ()
    assert format_hours(((0, 1440),)) == "00:00-24:00"
    for bad in ("9-12", "12:00-09:00", "09:00-25:00", "09:00-12:00, 11:00-13:00", "09:61-10:00"):
        with pytest.raises(HoursError):
            parse_hours(bad)


def test_a_calendar_without_any_working_time_says_so():
    empty = Calendar("Asia/Shanghai", ((),) * 7, {date(2026, 5, 9): ((540, 600),)})
    start = datetime(2026, 5, 1, tzinfo=UTC)
    assert add_working(start, timedelta(minutes=60), empty) == datetime(2026, 5, 9, 2,
                                                                         tzinfo=UTC)
    with pytest.raises(NoWorkingTime):
        add_working(start, timedelta(minutes=61), empty)
    assert next_working_start(start, ROUND_THE_CLOCK) == start
