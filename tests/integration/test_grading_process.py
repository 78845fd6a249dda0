"""The bot grades in a process of its own: the same grades as on a thread, and none lost if the process dies."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

import bot.scoring.grading_process as grading_module
from bot.bootstrap import grading_process, load_bank, offline_scorer
from bot.content.bank import QuestionBank
from bot.engine.ports import AnswerText
from bot.scoring.star import analyse
from bot.scoring.star_offline import OfflineStarAnalyser
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
    process = grading_process(bank)
    scorer = offline_scorer(bank, process)
    process.start()
    try:
        story_id = _story_question(bank)
        for qid, text in (("core.gil", GIL), ("core.gil", GIL + " Pickling costs memory."), (story_id, STORY)):
            question, rubric = bank.get(qid), bank.rubric(qid)
            there = await scorer.score(question, rubric, AnswerText([text]), frozenset())
            assert there == scorer.grade(question, rubric, text)
        # Graded elsewhere, and each rubric crossed once, not with every answer.
        assert await process.run(os.getpid) != os.getpid()
        assert process.sent_pairs == 2
        assert process.fallbacks == 0
    finally:
        await process.close()


async def test_the_story_note_is_read_in_the_process_too(bank: QuestionBank) -> None:
    process = grading_process(bank)
    offline = offline_scorer(bank, process)
    scorer = StoryAwareScorer(offline, process)
    try:
        question = bank.get(_story_question(bank))
        result = await scorer.score(question, bank.rubric(question.id), AnswerText([STORY]), frozenset())
        note = star_note(STORY)
        assert note is not None and result.notes[-1] == note
    finally:
        await process.close()


async def test_a_star_story_told_on_discord_is_analysed_in_the_process(bank: QuestionBank) -> None:
    process = grading_process(bank)
    try:
        found = await OfflineStarAnalyser(process).analyse(STORY, 45.0)
        assert found == analyse(STORY, 45.0) and found.status == "analysed"
        assert process.fallbacks == 0  # made there, not on the thread the bot falls back to
    finally:
        await process.close()


async def test_a_grade_is_not_lost_when_the_process_dies(bank: QuestionBank) -> None:
    process = grading_process(bank)
    scorer = offline_scorer(bank, process)
    question, rubric = bank.get("core.gil"), bank.rubric("core.gil")
    try:
        first = await process.run(os.getpid)
        os.kill(first, signal.SIGKILL)
        await asyncio.sleep(0.2)  # the pool notices its worker is gone
        graded = await scorer.score(question, rubric, AnswerText([GIL]), frozenset())
        assert graded == scorer.grade(question, rubric, GIL)  # made on the thread meanwhile
        assert process.fallbacks == 1
        # The next grade starts a new process, which is sent the rubric again.
        again = await scorer.score(question, rubric, AnswerText([GIL]), frozenset())
        assert again == graded
        second = await process.run(os.getpid)
        assert second not in (first, os.getpid())
    finally:
        await process.close()


async def test_a_process_holds_a_bounded_number_of_rubrics(bank: QuestionBank, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grading_module, "KNOWN_PAIRS", 2)
    process = grading_process(bank)
    scorer = offline_scorer(bank, process)
    try:
        ids = ["core.gil", "core.closures", "core.decorators", "core.gil"]
        pids = []
        for qid in ids:
            question, rubric = bank.get(qid), bank.rubric(qid)
            graded = await scorer.score(question, rubric, AnswerText([GIL]), frozenset())
            assert graded == scorer.grade(question, rubric, GIL)
            pids.append(await process.run(os.getpid))
        # Two pairs fill a process; the third question starts a fresh one, which the fourth answer reuses.
        assert pids[0] == pids[1] != pids[2] == pids[3]
        assert process.fallbacks == 0
    finally:
        await process.close()


def _cannot_start(parent: int, topics: object) -> None:
    raise RuntimeError("this host forbids the grading process")  # the pool reports it as broken


async def test_a_host_where_the_process_cannot_start_grades_on_the_thread(bank: QuestionBank,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grading_module, "_begin", _cannot_start)
    process = grading_process(bank)
    scorer = offline_scorer(bank, process)
    question, rubric = bank.get("core.gil"), bank.rubric("core.gil")
    try:
        for _ in range(grading_module.GIVE_UP_AFTER + 2):
            graded = await scorer.score(question, rubric, AnswerText([GIL]), frozenset())
            assert graded == scorer.grade(question, rubric, GIL)
        # Every answer graded; after a few failed starts the bot stopped trying.
        assert process.fallbacks == grading_module.GIVE_UP_AFTER
    finally:
        await process.close()


SCRIPT = """
import asyncio, os, sys, time
from pathlib import Path
from bot.bootstrap import grading_process, load_bank

async def main():
    process = grading_process(load_bank())
    Path(sys.argv[1]).write_text(str(await process.run(os.getpid)))
    time.sleep(60)  # killed long before this

asyncio.run(main())
"""


async def test_the_process_ends_when_the_bot_is_killed(tmp_path: Path) -> None:
    told = tmp_path / "worker"
    # No pipes: a worker left behind would hold them open, and the test would hang instead of failing.
    bot = await asyncio.create_subprocess_exec(sys.executable, "-c", SCRIPT, str(told))
    try:
        for _ in range(600):
            if told.exists() and told.read_text():
                break
            await asyncio.sleep(0.1)
        worker = int(told.read_text())
        os.kill(worker, 0)  # running
    finally:
        bot.kill()
        await bot.wait()
    # Killed outright, the bot closed nothing; its grading process notices and ends within seconds.
    for _ in range(50):
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        await asyncio.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    raise AssertionError("the grading process outlived the bot")
