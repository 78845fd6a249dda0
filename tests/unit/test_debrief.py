"""The offline debrief names real strengths and the costliest gaps, and never repeats candidate text."""

from __future__ import annotations

from bot.engine.clock import FakeClock
from bot.engine.models import Level, RoundKind
from bot.engine.session import InterviewEngine, SessionRequest
from bot.engine.state import SessionState
from bot.interviewer.debrief import OfflineDebriefer
from bot.interviewer.offline import OfflineInterviewer
from bot.scoring.offline import OfflineScorer
from tests.fakes import MemoryRepository, RecordingNotifier, synthetic_bank

BANK = synthetic_bank()


async def finished(*answers: str) -> SessionState:
    engine = InterviewEngine(BANK, OfflineScorer(), OfflineInterviewer(), MemoryRepository(), RecordingNotifier(), FakeClock())
    state = await engine.start(SessionRequest(user_id="u1", rounds=(RoundKind.CORE,), level=Level.MID, minutes=20,
                                              questions=len(answers) or 1, seed=3))
    for text in answers:
        await engine.answer(state.id, text)
        await engine.skip(state.id)  # no follow-ups: one answer per question
    if not answers:
        await engine.end(state.id)
    return await engine.state(state.id)


async def text_of(state: SessionState) -> str:
    parts = [part async for part in OfflineDebriefer(BANK).debrief(state)]
    assert all(p.source == "offline" and p.fallback_reason is None for p in parts)
    return "".join(p.text for p in parts)


async def test_strengths_and_the_heaviest_gap_are_named() -> None:
    # alpha (weight 0.4) fully shown; bravo (0.35) and charlie (0.25) missing: bravo is the costliest gap
    state = await finished("Alpha matters because of load. It is alpha because the queue grows. "
                           "Alpha matters most at peak, because users wait.")
    text = await text_of(state)
    assert "You did well on alpha point" in text
    assert text.index("bravo point") < text.index("charlie point")
    assert "queue grows" not in text and "users wait" not in text  # built from scores, not from the answer


async def test_nothing_answered_says_so_plainly() -> None:
    text = await text_of(await finished())
    assert text.startswith("No answers were graded")
