"""When a scheduled round happens: a user's words turned into a rule, and the rule into instants.

Accepted, in the user's timezone: ``tomorrow 18:00``, ``today 7pm``, ``2026-12-01 09:30``,
``mon 19:00`` (the next Monday), ``in 2h`` / ``in 90m`` / ``in 1d 3h``, and ``every mon,thu
19:00`` / ``every day 08:00`` / ``every weekday 07:30`` for weekly recurrences.  Anything more
frequent than once a day is refused: a mock round is an hour of work, not a notification.

Daylight-saving time, on purpose:

- a local time that does not exist (the clocks jump over it, e.g. 02:30 on the spring-forward
  night) happens at the same distance after the jump: 02:30 becomes 03:30;
- a local time that occurs twice (the clocks go back) happens the first time (``fold=0``);
- a weekly rule keeps its local wall-clock time across changes: "every mon 19:00" stays at 19:00.

Everything returned is an aware UTC datetime; every error is one sentence with working examples.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

EXAMPLES = '"tomorrow 18:00", "2026-12-01 09:30", "in 2h", "every mon,thu 19:00"'
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {name: i for i, name in enumerate(DAYS)} | {
    full: i for i, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
_TIME = re.compile(r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>am|pm)?$")
_UNIT = r"(?:d|days?|h|hours?|hrs?|m|mins?|minutes?)"
_DURATION = re.compile(rf"(?P<n>\d+)\s*(?P<unit>{_UNIT})\b")
_DURATIONS = re.compile(rf"(?:\d+\s*{_UNIT}\b\s*)+")
LONGEST_AHEAD = timedelta(days=366)


class ScheduleError(ValueError):
    """The text cannot be a schedule; the message says why and shows what works."""


@dataclass(frozen=True)
class Once:
    at: datetime  # UTC

    def describe(self, zone: ZoneInfo) -> str:
        return self.at.astimezone(zone).strftime("%a %d %b %Y %H:%M")


@dataclass(frozen=True)
class Weekly:
    days: frozenset[int]  # 0 = Monday
    at: time  # local wall-clock time

    def describe(self, zone: ZoneInfo) -> str:
        if len(self.days) == 7:
            which = "day"
        elif self.days == frozenset(range(5)):
            which = "weekday"
        else:
            which = ",".join(DAYS[d] for d in sorted(self.days))
        return f"every {which} {self.at.strftime('%H:%M')}"

    def encode(self) -> str:
        return f"weekly:{''.join(str(d) for d in sorted(self.days))}@{self.at.strftime('%H:%M')}"


Rule = Once | Weekly


def decode(text: str) -> Weekly | None:
    """The stored form of a recurrence (see :meth:`Weekly.encode`); ``None`` for one-off rules."""
    if not text.startswith("weekly:"):
        return None
    days, _, clock = text.removeprefix("weekly:").partition("@")
    hour, minute = clock.split(":")
    return Weekly(frozenset(int(d) for d in days), time(int(hour), int(minute)))


def zone(name: str) -> ZoneInfo:
    """An IANA timezone by name (case-insensitive), or a clear error."""
    cleaned = name.strip()
    try:
        return ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    lowered = {z.lower(): z for z in available_timezones()}
    if cleaned.lower() in lowered:
        return ZoneInfo(lowered[cleaned.lower()])
    raise ScheduleError(f"I don't know the timezone {cleaned!r}; use an IANA name such as Europe/Berlin, "
                        "America/New_York or Asia/Kolkata.")


def timezone_names(prefix: str, limit: int = 25) -> list[str]:
    """Timezone names containing ``prefix`` (for autocomplete), best matches first."""
    needle = prefix.strip().lower().replace(" ", "_")
    names = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))
    starts = [z for z in names if z.lower().startswith(needle) or z.lower().split("/")[-1].startswith(needle)]
    rest = [z for z in names if needle in z.lower() and z not in starts]
    return (starts + rest)[:limit]


def local_instant(day: date, at: time, where: ZoneInfo) -> datetime:
    """``day`` at wall-clock ``at`` in ``where``, as UTC, with the DST policy in the module docstring."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=where, fold=0)
    # A time in the spring-forward gap does not survive a round trip through UTC.
    if first.astimezone(UTC).astimezone(where).replace(tzinfo=None) != naive:
        before = first.utcoffset() or timedelta(0)
        after = naive.replace(tzinfo=where, fold=1).utcoffset() or timedelta(0)
        gap = abs(after - before)
        return (naive + gap).replace(tzinfo=where).astimezone(UTC)
    return first.astimezone(UTC)


def next_occurrence(rule: Weekly, after: datetime, where: ZoneInfo) -> datetime:
    """The first instant of ``rule`` strictly after ``after`` (UTC)."""
    local_day = after.astimezone(where).date()
    for offset in range(0, 9):
        day = local_day + timedelta(days=offset)
        if day.weekday() in rule.days:
            instant = local_instant(day, rule.at, where)
            if instant > after:
                return instant
    raise AssertionError("a weekly rule always has an occurrence within eight days")  # pragma: no cover


def parse_clock(text: str) -> time:
    found = _TIME.match(text.strip())
    if found is None:
        raise ScheduleError(f"I can't read {text!r} as a time of day; write it like 18:00 or 6pm. Examples: {EXAMPLES}.")
    hour, minute = int(found["h"]), int(found["m"] or 0)
    if found["ampm"]:
        if not 1 <= hour <= 12:
            raise ScheduleError(f"{text!r} is not a 12-hour time; write 6pm or 18:00.")
        hour = hour % 12 + (12 if found["ampm"] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError(f"{text!r} is not a time of day; write it like 18:00 or 6pm.")
    return time(hour, minute)


def parse_days(text: str) -> frozenset[int]:
    if text in ("day", "daily", "days"):
        return frozenset(range(7))
    if text in ("weekday", "weekdays"):
        return frozenset(range(5))
    if text in ("weekend", "weekends"):
        return frozenset({5, 6})
    chosen: set[int] = set()
    for part in filter(None, re.split(r"[,\s]+|\band\b", text)):
        if part not in _DAY_NAMES:
            raise ScheduleError(f"I can't read {part!r} as a day; use mon, tue, wed, thu, fri, sat, sun, "
                                "\"day\" or \"weekday\", e.g. \"every mon,thu 19:00\".")
        chosen.add(_DAY_NAMES[part])
    if not chosen:
        raise ScheduleError(f"Say which days, e.g. \"every mon,thu 19:00\" or \"every day 08:00\". Examples: {EXAMPLES}.")
    return frozenset(chosen)


def is_relative(text: str) -> bool:
    """Whether ``text`` counts from now ("in 2h"): the same instant in every timezone."""
    return " ".join(text.lower().split()).startswith("in ")


def parse(text: str, now: datetime, where: ZoneInfo) -> Rule:
    """Read ``text`` relative to ``now`` (UTC) in timezone ``where``."""
    words = " ".join(text.lower().replace("@", " ").split())
    if not words:
        raise ScheduleError(f"Say when, for example {EXAMPLES}.")
    if words.startswith("every "):
        return _weekly(words.removeprefix("every "))
    if words.startswith("in "):
        return _future(Once(_relative(words.removeprefix("in "), now)), now)
    local_now = now.astimezone(where)
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})[ t](.+)$", words)
    if iso:
        try:
            day = date.fromisoformat(iso[1])
        except ValueError:
            raise ScheduleError(f"{iso[1]!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-01 09:30.") from None
        return _future(Once(local_instant(day, parse_clock(iso[2]), where)), now)
    head, _, rest = words.partition(" ")
    if head in ("today", "tonight", "tomorrow"):
        day = local_now.date() + timedelta(days=1 if head == "tomorrow" else 0)
        clock = (rest or "18:00") if head == "tonight" else rest
        return _future(Once(local_instant(day, parse_clock(clock), where)), now)
    if head in _DAY_NAMES:
        target = _DAY_NAMES[head]
        day = local_now.date() + timedelta(days=(target - local_now.weekday()) % 7)
        instant = local_instant(day, parse_clock(rest), where)
        if instant <= now:
            instant = local_instant(day + timedelta(days=7), parse_clock(rest), where)
        return Once(instant)
    raise ScheduleError(f"I can't read {text.strip()!r} as a time. Examples that work: {EXAMPLES}.")


def _weekly(rest: str) -> Weekly:
    if re.match(r"^\d*\s*(h|hours?|hrs?|m|mins?|minutes?)\b", rest) or rest.startswith(("hour", "minute")):
        raise ScheduleError("Repeats can be at most daily, e.g. \"every day 08:00\" or \"every mon,thu 19:00\".")
    parts = rest.rsplit(" ", 1)
    if len(parts) != 2:
        raise ScheduleError(f"Say which days and what time, e.g. \"every mon,thu 19:00\". Examples: {EXAMPLES}.")
    return Weekly(parse_days(parts[0]), parse_clock(parts[1]))


def _relative(rest: str, now: datetime) -> datetime:
    total = timedelta(0)
    for found in _DURATION.finditer(rest):
        n, unit = int(found["n"]), found["unit"][0]
        total += timedelta(days=n) if unit == "d" else timedelta(hours=n) if unit == "h" else timedelta(minutes=n)
    if total <= timedelta(0) or not _DURATIONS.fullmatch(rest.strip()):
        raise ScheduleError(f"I can't read \"in {rest}\"; write it like \"in 2h\", \"in 90m\" or \"in 1d 3h\".")
    return now + total


def _future(rule: Once, now: datetime) -> Once:
    if rule.at <= now:
        raise ScheduleError("That time has already passed; pick a time in the future, e.g. \"tomorrow 18:00\" or "
                            "\"in 2h\".")
    if rule.at - now > LONGEST_AHEAD:
        raise ScheduleError("That is more than a year away; schedule something within the next year.")
    return rule
