"""What peer interviews show on Discord fits Discord's limits for every question in the bank, and a
note typed by the interviewer is shown inert."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.discord.features.peer import render as peer_render
from bot.adapters.discord.render import EMBEDS_TOTAL, embed_size
from bot.content.bank import QuestionBank
from bot.content.paths import content_root
from bot.engine.models import Signal
from bot.engine.peer_grading import brief_for, compare
from bot.engine.peer_state import HumanRating, PeerTurn
from bot.scoring.offline import OfflineScorer

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return QuestionBank.load(content_root())


def test_the_panel_and_the_level_options_fit_for_every_question(bank: QuestionBank) -> None:
    for question in bank.all():
        brief = brief_for(question, bank.rubric(question.id))
        panel = peer_render.panel_embed(brief, 10)
        assert embed_size(panel) <= EMBEDS_TOTAL and len(panel.fields) <= 25
        assert question.strong_answer[0][:40] in str(panel.fields[0].value)
        for criterion in brief.criteria:
            options = [peer_render.level_option(n, text) for n, text in enumerate(criterion.levels)]
            assert all(len(o.description or "") <= peer_render.OPTION_DESCRIPTION for o in options)


def test_the_scorecard_marks_disagreements_and_shows_the_note_inert(bank: QuestionBank) -> None:
    question = bank.get("core.mutable-default")
    rubric = bank.rubric(question.id)
    offline = OfflineScorer().grade(question, rubric, "I am not sure.")
    levels = {c.id: 3 for c in rubric.criteria}
    note = "@everyone <@123> " + "x" * 3000
    turn = PeerTurn(position=0, interviewer="discord:1", candidate="discord:2", question_id=question.id, minutes=10,
                    rating=HumanRating(levels=levels, note=note, rated_at=NOW), offline=offline)
    comparison = compare(rubric, turn.rating, offline)  # type: ignore[arg-type]
    card = peer_render.scorecard(turn, question, comparison)
    text = " ".join(str(f.value) for f in card.fields)
    assert embed_size(card) <= EMBEDS_TOTAL
    assert comparison.human_score == 100 and offline.signal in (Signal.STRONG_NO, Signal.NO)
    assert "Where they disagree" in [f.name for f in card.fields] and "⚠" in text
    assert "@everyone" not in text and "<@123>" not in text  # defused, still readable
