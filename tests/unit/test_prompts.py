"""Every prompt file renders with its placeholders filled; a missing or unknown value is an error."""

from __future__ import annotations

import pytest

from bot.content.paths import content_root
from bot.engine.models import Level, RoundKind
from bot.llm.prompts import PromptError, Prompts

PROMPTS = Prompts(content_root() / "prompts")


@pytest.mark.parametrize("name", PROMPTS.names())
def test_every_prompt_renders(name: str) -> None:
    values = {key: f"<{key}>" for key in PROMPTS.placeholders(name)}
    text = PROMPTS.render(name, **values)
    assert "$" not in text.replace("$$", "")
    for value in values.values():
        assert value in text


def test_missing_and_unexpected_values_are_errors() -> None:
    name = "judge_user"
    values = {key: "x" for key in PROMPTS.placeholders(name)}
    missing = dict(values)
    missing.popitem()
    with pytest.raises(PromptError, match="missing"):
        PROMPTS.render(name, **missing)
    with pytest.raises(PromptError, match="unexpected"):
        PROMPTS.render(name, **values, surprise="x")


def test_every_round_has_a_persona_and_every_level_a_note() -> None:
    for kind in RoundKind:
        assert len(PROMPTS.render(f"persona_{kind.value}").split()) > 20
    for level in Level:
        assert level.value in PROMPTS.render(f"level_{level.value}").replace("full-stack", "fullstack")
