"""Prep plans: four to six weeks of drills, each week on one area, laid out as scheduled rounds.

The six areas follow the order candidates usually need them: a core refresh first, then the
object model and the functional tools, the framework, data and testing, concurrency, and
finally system design with behavioral stories.  A shorter plan merges neighbouring areas so
nothing is left out.  Each drill is an ordinary one-off schedule (reminder, Start button,
missed notice) whose round asks the week's topics first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.engine.models import RoundKind
from bot.scheduling.when import local_instant


@dataclass(frozen=True)
class Area:
    title: str
    drills: tuple[tuple[RoundKind, tuple[str, ...]], ...]  # (round, question ids asked first), one per drill day


AREAS: tuple[Area, ...] = (
    Area("core refresh", (
        (RoundKind.CORE, ("core.mutability", "core.is-vs-eq", "core.argument-passing", "core.copying")),
        (RoundKind.CORE, ("core.args-kwargs", "core.collections", "core.mutable-default", "core.exceptions",
                          "core.comprehension-vs-generator", "core.lambda-vs-def")),
    )),
    Area("OOP, decorators, generators", (
        (RoundKind.CORE, ("core.method-kinds", "core.mro", "core.abc-vs-duck-typing", "core.dataclasses",
                          "core.slots")),
        (RoundKind.CORE, ("core.decorators", "core.closures", "core.generators", "core.iterators", "core.yield-from",
                          "core.context-managers")),
    )),
    Area("the framework track", (
        (RoundKind.FRAMEWORK, ("framework.django-request-lifecycle", "framework.django-vs-fastapi",
                               "framework.fastapi-pydantic", "framework.flask-auth")),
        (RoundKind.FRAMEWORK, ("framework.production-api", "framework.deployment", "framework.fastapi-model-loading",
                               "framework.frontend-integration")),
    )),
    Area("SQL, pytest, mocking", (
        (RoundKind.FRAMEWORK, ("framework.sql", "framework.django-n-plus-one")),
        (RoundKind.CORE, ("core.pytest", "core.mocking")),
    )),
    Area("concurrency", (
        (RoundKind.CORE, ("core.gil", "core.concurrency-models", "core.asyncio-when", "core.asyncio-mistakes",
                          "core.event-loop-blocking")),
        (RoundKind.CODING, ("coding.async-fanout",)),
    )),
    Area("system design and behavioral stories", (
        (RoundKind.DESIGN, ("design.url-shortener", "design.ingestion-service", "design.notification-service")),
        (RoundKind.BEHAVIORAL, ("behavioral.incident", "behavioral.ownership", "behavioral.conflict",
                                "behavioral.mentoring")),
    )),
)
MIN_WEEKS, MAX_WEEKS = 4, 6
DEFAULT_DAYS = frozenset({1, 3})  # Tuesday and Thursday
DEFAULT_TIME = time(19, 0)


@dataclass(frozen=True)
class Week:
    number: int
    title: str
    drills: tuple[tuple[RoundKind, frozenset[str]], ...]


@dataclass(frozen=True)
class Drill:
    week: int
    at: datetime  # UTC
    round: RoundKind
    focus: frozenset[str]


def weeks_for(count: int) -> list[Week]:
    """The areas spread over ``count`` weeks (4-6); with fewer weeks, neighbouring areas share one."""
    if not MIN_WEEKS <= count <= MAX_WEEKS:
        raise ValueError(f"a plan is {MIN_WEEKS} to {MAX_WEEKS} weeks")
    merges = {6: [[0], [1], [2], [3], [4], [5]], 5: [[0], [1], [2], [3, 4], [5]],
              4: [[0, 1], [2], [3, 4], [5]]}[count]
    weeks: list[Week] = []
    for number, group in enumerate(merges, start=1):
        areas = [AREAS[i] for i in group]
        drills = tuple((kind, frozenset(ids)) for area in areas for kind, ids in area.drills)
        weeks.append(Week(number, " + ".join(a.title for a in areas), drills))
    return weeks


def drills_for(weeks: list[Week], start: date, days: frozenset[int], at: time, where: ZoneInfo) -> list[Drill]:
    """Each week's drills on its practice days, in order, starting the week that begins on ``start``.

    A week with more drills than practice days puts the extra ones on the following practice
    days of the same week when there are some, else doubles up on the last day an hour later."""
    ordered = sorted(days)
    drills: list[Drill] = []
    for week in weeks:
        monday = start + timedelta(days=7 * (week.number - 1))
        slots = [monday + timedelta(days=d) for d in ordered]
        for i, (kind, focus) in enumerate(week.drills):
            day = slots[min(i, len(slots) - 1)]
            extra = timedelta(hours=max(0, i - len(slots) + 1))
            drills.append(Drill(week.number, local_instant(day, at, where) + extra, kind, focus))
    return drills
