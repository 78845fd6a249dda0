"""The bot grades in a process of its own: the same grades as on a thread, and none lost if the process dies."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

import bot.scoring.grading_process as grading_process
from bot.bootstrap import load_bank, offline_scorer
from bot.content.bank import QuestionBank
from bot.engine.ports import AnswerText
from bot.scoring.story import StoryAwareScorer, star_note

GIL = ("CPython's GIL lets one thread run bytecode at a time. The thumbnail job is CPU-bound, so its threads take "
       "turns; the API calls wait on the network, which releases the GIL. Use a process pool for the thumbnails.")
STORY = ("Last spring our payment exports failed every night because a partner changed their file format. I was the "
         "on-call engineer, so I owned the fix. I wrote a parser for both formats, added a test with their sample "
         "files and paired with the partner's engineer to confirm the change. Since then the export has run 120 "
         "nights without a failure, and I now ask partners for format changes a month ahead.")


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


def _story_question(bank: QuestionBank) -> str:
    return next(q.id for q in bank.all() if q.answer_format == "story")


async def test_grades_made_in_the_process_are_the_grades_made_here(bank: QuestionBank) -> None:
    scorer = offline_scorer(bank, in_process=True)
    assert scorer.process is not None
    scorer.process.start()
    try:
        story_id = _story_question(bank)
        for qid, text in (("core.gil", GIL), ("core.gil", GIL + " Pickling costs memory."), (story_id, STORY)):
            question, rubric = bank.get(qid), bank.rubric(qid)
            there = await scorer.score(question, rubric, AnswerText([text]), frozenset())
            assert there == scorer.grade(question, rubric, text)
        # Graded elsewhere, and each rubric crossed once, not with every answer.
        assert await scorer.process.run(os.getpid) != os.getpid()
        assert scorer.process.sent_pairs == 2
        assert scorer.process.fallbacks == 0
    finally:
        await scorer.process.close()


async def test_the_story_note_is_read_in_the_process_too(bank: QuestionBank) -> None:
    offline = offline_scorer(bank, in_process=True)
    assert offline.process is not None
    scorer = StoryAwareScorer(offline, offline.process)
    try:
        question = bank.get(_story_question(bank))
        result = await scorer.score(question, bank.rubric(question.id), AnswerText([STORY]), frozenset())
        note = star_note(STORY)
        assert note is not None and result.notes[-1] == note
    finally:
        await offline.process.close()


async def test_a_grade_is_not_lost_when_the_process_dies(bank: QuestionBank) -> None:
    scorer = offline_scorer(bank, in_process=True)
    assert scorer.process is not None
    question, rubric = bank.get("core.gil"), bank.rubric("core.gil")
    try:
        first = await scorer.process.run(os.getpid)
        os.kill(first, signal.SIGKILL)
        await asyncio.sleep(0.2)  # the pool notices its worker is gone
        graded = await scorer.score(question, rubric, AnswerText([GIL]), frozenset())
        assert graded == scorer.grade(question, rubric, GIL)  # made on the thread meanwhile
        assert scorer.process.fallbacks == 1
        # The next grade starts a new process, which is sent the rubric again.
        again = await scorer.score(question, rubric, AnswerText([GIL]), frozenset())
        assert again == graded
        second = await scorer.process.run(os.getpid)
        assert second not in (first, os.getpid())
    finally:
        await scorer.process.close()


async def test_a_process_holds_a_bounded_number_of_rubrics(bank: QuestionBank, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grading_process, "KNOWN_PAIRS", 2)
    scorer = offline_scorer(bank, in_process=True)
    assert scorer.process is not None
    try:
        ids = ["core.gil", "core.closures", "core.decorators", "core.gil"]
        pids = []
        for qid in ids:
            question, rubric = bank.get(qid), bank.rubric(qid)
            graded = await scorer.score(question, rubric, AnswerText([GIL]), frozenset())
            assert graded == scorer.grade(question, rubric, GIL)
            pids.append(await scorer.process.run(os.getpid))
        # Two pairs fill a process; the third question starts a fresh one, which the fourth answer reuses.
        assert pids[0] == pids[1] != pids[2] == pids[3]
        assert scorer.process.fallbacks == 0
    finally:
        await scorer.process.close()
