"""Reading schedule times the way users write them, and the DST policy, in two timezones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.scheduling.when import (
    Once,
    ScheduleError,
    Weekly,
    decode,
    local_instant,
    next_occurrence,
    parse,
    timezone_names,
    zone,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday; 11:00 in Berlin, 05:00 in New York


@pytest.mark.parametrize(("text", "where", "local"), [
    ("tomorrow 18:00", BERLIN, datetime(2026, 12, 2, 18, 0)),
    ("today 7pm", BERLIN, datetime(2026, 12, 1, 19, 0)),
    ("tonight", NEW_YORK, datetime(2026, 12, 1, 18, 0)),
    ("2026-12-01 09:30", NEW_YORK, datetime(2026, 12, 1, 9, 30)),
    ("2026-12-24T08:15", BERLIN, datetime(2026, 12, 24, 8, 15)),
    ("thu 19:00", BERLIN, datetime(2026, 12, 3, 19, 0)),
    ("Tuesday 9:00", BERLIN, datetime(2026, 12, 8, 9, 0)),  # today's 9:00 has passed: next week
    ("tue 12:00", BERLIN, datetime(2026, 12, 1, 12, 0)),  # later today
    ("tomorrow 12am", BERLIN, datetime(2026, 12, 2, 0, 0)),
    ("tomorrow 12pm", BERLIN, datetime(2026, 12, 2, 12, 0)),
])
def test_one_off_times_in_the_users_timezone(text: str, where: ZoneInfo, local: datetime) -> None:
    rule = parse(text, NOW, where)
    assert isinstance(rule, Once)
    assert rule.at.tzinfo is not None and rule.at.astimezone(where).replace(tzinfo=None) == local


@pytest.mark.parametrize(("text", "after"), [
    ("in 2h", timedelta(hours=2)), ("in 90m", timedelta(minutes=90)), ("in 1d 3h", timedelta(days=1, hours=3)),
    ("in 2 hours", timedelta(hours=2)), ("IN 45 min", timedelta(minutes=45)),
])
def test_relative_times(text: str, after: timedelta) -> None:
    assert parse(text, NOW, BERLIN) == Once(NOW + after)


@pytest.mark.parametrize(("text", "days", "at"), [
    ("every mon,thu 19:00", {0, 3}, time(19, 0)),
    ("every day 08:00", set(range(7)), time(8, 0)),
    ("every weekday 7:30am", set(range(5)), time(7, 30)),
    ("every sat and sun 10:00", {5, 6}, time(10, 0)),
    ("Every Friday 6pm", {4}, time(18, 0)),
])
def test_weekly_rules(text: str, days: set[int], at: time) -> None:
    rule = parse(text, NOW, BERLIN)
    assert rule == Weekly(frozenset(days), at)
    assert decode(rule.encode()) == rule


@pytest.mark.parametrize(("text", "says"), [
    ("", "Say when"),
    ("yesterday", "Examples that work"),
    ("every 2h", "at most daily"),
    ("every hour", "at most daily"),
    ("every 30 minutes", "at most daily"),
    ("in 2 bananas", 'like "in 2h"'),
    ("in 0m", 'like "in 2h"'),
    ("2026-11-30 09:00", "already passed"),
    ("2026-02-30 09:00", "is not a date"),
    ("tomorrow 25:00", "not a time of day"),
    ("tomorrow 13pm", "12-hour"),
    ("every funday 10:00", "can't read 'funday' as a day"),
    ("2028-01-01 10:00", "more than a year"),
])
def test_bad_input_says_why_and_shows_what_works(text: str, says: str) -> None:
    with pytest.raises(ScheduleError, match=None) as caught:
        parse(text, NOW, BERLIN)
    assert says in str(caught.value)


def test_timezones_by_name_and_autocomplete() -> None:
    assert zone("europe/berlin") == BERLIN
    with pytest.raises(ScheduleError, match="IANA name"):
        zone("Mars/Olympus")
    assert timezone_names("berl")[0] == "Europe/Berlin"
    assert "America/New_York" in timezone_names("new_y")
    assert len(timezone_names("a")) <= 25


# ---- daylight-saving time: gaps move forward by the gap, overlaps take the first occurrence ----

@pytest.mark.parametrize(("where", "day", "local", "utc"), [
    (BERLIN, date(2026, 3, 29), time(2, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),  # gap: 03:30 CEST
    (BERLIN, date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # twice: first (CEST)
    (NEW_YORK, date(2026, 3, 8), time(2, 30), datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),  # gap: 03:30 EDT
    (NEW_YORK, date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),  # twice: first (EDT)
    (NEW_YORK, date(2026, 7, 1), time(1, 30), datetime(2026, 7, 1, 5, 30, tzinfo=UTC)),  # an ordinary day
])
def test_dst_policy(where: ZoneInfo, day: date, local: time, utc: datetime) -> None:
    assert local_instant(day, local, where) == utc


def test_a_weekly_round_keeps_its_wall_clock_time_across_the_change() -> None:
    rule = Weekly(frozenset({6}), time(19, 0))  # Sundays 19:00 in Berlin, across the October change
    before = next_occurrence(rule, datetime(2026, 10, 13, tzinfo=UTC), BERLIN)  # Oct 18, CEST
    after = next_occurrence(rule, before, BERLIN)
    assert before.astimezone(BERLIN).hour == after.astimezone(BERLIN).hour == 19
    assert after - before == timedelta(days=7, hours=1)  # the clocks went back an hour in between


@settings(max_examples=300, deadline=None)
@given(start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31)),
       days=st.frozensets(st.integers(0, 6), min_size=1),
       hour=st.integers(0, 23), minute=st.sampled_from([0, 15, 30, 45]),
       where=st.sampled_from([BERLIN, NEW_YORK]))
def test_weekly_occurrences_are_in_order_on_the_right_days(start: datetime, days: frozenset[int], hour: int,
                                                           minute: int, where: ZoneInfo) -> None:
    rule = Weekly(days, time(hour, minute))
    now = start.replace(tzinfo=UTC)
    seen = []
    for _ in range(10):
        nxt = next_occurrence(rule, now, where)
        assert nxt > now and nxt - now <= timedelta(days=7, hours=2)
        local = nxt.astimezone(where)
        assert local.weekday() in days
        # the wall clock matches, unless the time fell into a spring-forward gap (then it moved forward)
        shifted = (local.hour, local.minute) != (hour, minute)
        assert not shifted or local_instant(local.date(), time(hour, minute), where) == nxt
        seen.append(nxt)
        now = nxt
    assert seen == sorted(set(seen))
