"""A prep plan keeps every area whatever its length, and puts drills on the practice days in order."""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

import pytest

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.scheduling.plans import AREAS, drills_for, weeks_for

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("weeks", [4, 5, 6])
def test_every_area_and_topic_is_in_every_plan_length(weeks: int) -> None:
    layout = weeks_for(weeks)
    assert len(layout) == weeks
    topics = {q for week in layout for _, focus in week.drills for q in focus}
    assert topics == {q for area in AREAS for _, ids in area.drills for q in ids}
    assert layout[0].title.startswith("core refresh") and layout[-1].title == "system design and behavioral stories"


def test_every_topic_is_a_real_question_of_its_drills_round() -> None:
    bank = QuestionBank.load(content_root())  # a drill only asks questions of its own round
    for area in AREAS:
        for kind, ids in area.drills:
            assert {bank.get(q).round for q in ids} == {kind}, (area.title, ids)


def test_drills_fall_on_the_practice_days_at_the_local_time() -> None:
    drills = drills_for(weeks_for(6), date(2026, 3, 23), frozenset({1, 3}), time(19, 0), BERLIN)  # DST on the 29th
    assert len(drills) == 12
    local = [d.at.astimezone(BERLIN) for d in drills]
    assert all(x.weekday() in (1, 3) and (x.hour, x.minute) == (19, 0) for x in local)
    assert [d.week for d in drills] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]
    assert local == sorted(local)


def test_one_practice_day_a_week_doubles_up_an_hour_apart() -> None:
    drills = drills_for(weeks_for(4), date(2026, 1, 5), frozenset({5}), time(10, 0), BERLIN)
    first_week = [d.at.astimezone(BERLIN) for d in drills if d.week == 1]
    assert [(x.day, x.hour) for x in first_week] == [(10, 10), (10, 11), (10, 12), (10, 13)]
