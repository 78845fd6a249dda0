"""Grading happens on its own thread: the loop serving every member keeps turning, and grades stay the same and in order."""

from __future__ import annotations

import asyncio
import threading

from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.models import Question, Rubric
from bot.engine.ports import AnswerText
from bot.scoring.offline import Assessment, OfflineScorer
from bot.scoring.story import StoryAwareScorer, star_note

BANK = QuestionBank.load(content_root())
ANSWERS = [
    "The default list is evaluated once, when def runs, so every call that leaves tags out shares it.",
    "Default to None and build a new list inside the body; id(tags) in two calls shows the same object.",
    "It happens because the list is shared between calls, so appends pile up.",
    "",
    "I do not know.",
]


class WhereGraded(OfflineScorer):
    """The real offline scorer, noting which thread graded each answer and in what order."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[int, str]] = []

    def assess(self, question: Question, rubric: Rubric, text: str, hinted: frozenset[str] = frozenset()) -> Assessment:
        self.seen.append((threading.get_ident(), text))
        return super().assess(question, rubric, text, hinted)


async def test_answers_are_graded_off_the_loops_thread_in_the_order_they_came_with_the_same_grades() -> None:
    question, rubric = BANK.get("core.mutable-default"), BANK.rubric("core.mutable-default")
    scorer = WhereGraded()
    results = await asyncio.gather(*(scorer.score(question, rubric, AnswerText([text]), frozenset()) for text in ANSWERS))
    assert [text for _, text in scorer.seen] == ANSWERS
    assert threading.get_ident() not in {thread for thread, _ in scorer.seen}
    direct = [OfflineScorer().grade(question, rubric, text) for text in ANSWERS]
    assert [r.model_dump() for r in results] == [r.model_dump() for r in direct]


async def test_the_loop_keeps_answering_while_a_long_answer_is_graded() -> None:
    """A heartbeat on the loop goes on while the grade is computed, instead of waiting for all of it."""
    question, rubric = BANK.get("core.mutable-default"), BANK.rubric("core.mutable-default")
    long_answer = " ".join(ANSWERS[:3] * 60)
    beats = 0

    async def heartbeat() -> None:
        nonlocal beats
        while True:
            await asyncio.sleep(0)
            beats += 1

    ticking = asyncio.create_task(heartbeat())
    try:
        await asyncio.sleep(0)
        before = beats
        result = await OfflineScorer().score(question, rubric, AnswerText([long_answer]), frozenset())
        during = beats - before
    finally:
        ticking.cancel()
    assert result == OfflineScorer().grade(question, rubric, long_answer)
    assert during >= 2  # done in place, the heartbeat could not have run at all until the grade was back


async def test_a_story_keeps_its_star_note_when_the_analysis_runs_off_the_loop() -> None:
    question = next(q for q in BANK.all() if q.answer_format == "story")
    story = ("Last year our checkout service timed out every Friday. I was the on-call engineer, so the fix was mine. "
             "I traced the slow query, added an index and a cache, and wrote a runbook. "
             "Timeouts fell from 40 a week to 2, and p99 latency dropped by 60%.")
    result = await StoryAwareScorer(OfflineScorer()).score(question, BANK.rubric(question.id), AnswerText([story]),
                                                          frozenset())
    note = star_note(story)
    assert note is not None and result.notes[-1] == note


async def test_a_star_story_is_analysed_off_the_loops_thread_with_the_same_analysis(monkeypatch) -> None:
    """``/star`` on Discord: the offline analysis of a told story is made where grades are, not on the loop."""
    import bot.scoring.star_offline as star_offline
    from bot.scoring.star import analyse
    from bot.scoring.star_models import StarAnalysis

    story = ("Last year our checkout service timed out every Friday. I was the on-call engineer, so the fix was mine. "
             "I traced the slow query, added an index and a cache, and wrote a runbook. "
             "Timeouts fell from 40 a week to 2, and p99 latency dropped by 60%.")
    threads: list[int] = []

    def watched(text: str, spoken_seconds: float | None = None) -> StarAnalysis:
        threads.append(threading.get_ident())
        return analyse(text, spoken_seconds)

    monkeypatch.setattr(star_offline, "analyse", watched)
    found = await star_offline.OfflineStarAnalyser().analyse(story, 40.0)
    assert threads and threading.get_ident() not in threads
    assert found == analyse(story, 40.0) and found.status == "analysed"
