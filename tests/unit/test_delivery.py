"""Delivery feedback on a spoken answer: length against its target, pace, fillers, long pauses."""

from __future__ import annotations

from bot.scoring.delivery import TECHNICAL_SECONDS, fillers, long_pauses, measure, target_for
from bot.scoring.star import analyse

STORY = ("Last spring our checkout service started timing out during a big sale. I was the on-call engineer, and my "
         "task was to bring the error rate under one percent before the evening peak. I profiled the service, found a "
         "slow query, and added an index. I also added a cache for the product lookups. The error rate dropped from "
         "twelve percent to 0.3 percent within an hour. I learned to load test before every sale.")


def test_filler_words_are_counted_where_they_fill_not_where_they_mean_something() -> None:
    said = ("Um, so basically the GIL, like, stops threads. Uh, you know, it is like a lock. I like asyncio. "
            "So like I said, we had like 20 workers, you know the ones.")
    assert fillers(said) == {"um": 1, "basically": 1, "like": 2, "uh": 1, "you know": 1}
    assert not fillers("It works like a queue, and I would like to know how you know the answer.")


def test_long_pauses_come_from_the_gaps_between_segments() -> None:
    found = long_pauses([(0.0, 4.0), (8.5, 12.0), (12.5, 20.0), (19.0, 30.0), (33.0, 40.0)])  # overlap at 19-20
    assert [(p.at, p.seconds) for p in found] == [(4.0, 4.5), (30.0, 3.0)]
    assert long_pauses([(0.0, 4.0), (6.0, 9.0)]) == []


def test_pace_fillers_and_length_are_reported_per_minute() -> None:
    text = " ".join(["Um, the GIL lets one thread run bytecode."] * 20)  # 160 words, 20 fillers
    report = measure(text, 80.0, [(0.0, 30.0), (34.0, 80.0)], TECHNICAL_SECONDS)
    assert (report.words, report.words_per_minute, report.fillers_per_minute) == (160, 120, 15.0)
    assert [(p.at, p.seconds) for p in report.long_pauses or []] == [(30.0, 4.0)]
    assert report.feedback[0] == "You spoke for 1:20, within the 45-120 s target."
    assert "20 filler words (“um” ×20), 15 a minute; a silent pause sounds more confident." in report.feedback
    assert "1 long pause (4 s at 0:30)" in report.feedback[-1]


def test_without_timestamps_pauses_are_unknown_not_absent() -> None:
    assert measure("I would use a queue.", 3.0, None).long_pauses is None
    assert measure("I would use a queue.", 3.0, [(0.0, 3.0)]).long_pauses == []


def test_each_kind_of_question_has_its_own_target() -> None:
    assert target_for("behavioral", "story") == (90, 120)
    assert target_for("core") == TECHNICAL_SECONDS and target_for("framework") == TECHNICAL_SECONDS
    assert target_for("design") == (120, 300) and target_for("screen") == (60, 120)
    fast = measure(STORY, 20.0, None, target_for("behavioral"))
    assert "under the 90-120 s" in fast.feedback[0] and "speaking fast" in fast.feedback[1]


def test_the_star_analysis_takes_the_recordings_real_length() -> None:
    estimated = analyse(STORY)
    assert not estimated.length.measured and estimated.length.verdict == "much too short"  # 75 words at 140 a minute
    spoken = analyse(STORY, spoken_seconds=100.4)
    assert spoken.length.measured and spoken.length.seconds == 100 and spoken.length.verdict == "on target"
    assert spoken.length.words_per_minute == round(estimated.length.words * 60 / 100.4)
    assert spoken.score is not None and estimated.score is not None and spoken.score > estimated.score
    assert not any("seconds" in f for f in spoken.feedback)  # on target: no length advice
    long = analyse(STORY, spoken_seconds=200)
    assert long.length.verdict == "much too long"
    assert any("200 seconds as recorded" in f for f in long.feedback)
