"""What the debrief check lets through and what it stops, sentence by sentence."""

from __future__ import annotations

import pytest

from bot.llm.debrief_guard import DebriefGuard, Rejected

INSTRUCTIONS = ("You are a staff engineer. Write the short spoken debrief an interviewer gives a candidate who asked "
                "for feedback: first what they did well, then the one or two things that would most raise their result.")
LEVELS = [("alpha point", 3, 3), ("bravo point", 1, 3), ("charlie point", 0, 2)]


def run(text: str, overall: int | None = 58) -> str:
    guard = DebriefGuard(INSTRUCTIONS, overall, LEVELS)
    shown = ""
    for i in range(0, len(text), 7):  # arrives in small pieces, as a stream does
        shown += guard.feed(text[i:i + 7])
        guard.raise_problem()
    return shown + guard.finish()


@pytest.mark.parametrize("text", [
    "You did well on the alpha point. To raise your result, work on the bravo point.",
    "You answered 2 of 3 questions in depth. Overall that is 58/100, a lean yes.",
    "The alpha point was 3 of 3. The bravo point was 1/3, so start there.",
    "Naïve caching was your first idea; café-style small services came next.",  # Latin letters with accents
])
def test_plain_truthful_feedback_passes_whole(text: str) -> None:
    assert run(text) == text


@pytest.mark.parametrize(("text", "why"), [
    ("Write the short spoken debrief an interviewer gives a candidate who asked for feedback.", "instructions"),
    ("As an AI language model, I think you did well.", "instructions"),
    ("You did well. Your result: 85/100.", "score"),
    ("You did well. The bravo point was 3 of 3.", "score"),
    ("You did well. Strong yes from me.", "verdict"),
    ("You did well.<end_of_turn>", "garbled"),
    ("You did well. Ты молодец.", "script"),
])
def test_a_bad_sentence_is_stopped(text: str, why: str) -> None:
    with pytest.raises(Rejected, match=why):
        run(text)


def test_only_whole_sentences_are_shown() -> None:
    assert run("You did well on the alpha point. Next time, the bravo") == "You did well on the alpha point."
    with pytest.raises(Rejected, match="broke off"):
        run("You did well on the alpha")


def test_no_overall_score_means_none_may_be_stated() -> None:
    with pytest.raises(Rejected, match="score"):
        run("You did well. That is 40 out of 100.", overall=None)
