"""The Discord bot with a slow local model: typing shows while it works, the question's clock stops
meanwhile, the debrief is charged to the candidate and their server, and a server whose admins set
the LLM budget to 0 sends the model nothing at all."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from pydantic import SecretStr

from bot.discord_root import DiscordApp, build_discord
from tests.e2e.test_discord import bounded, button_id, is_scorecard, next_bot_text, settings_for
from tests.e2e.test_practice_llm import DEBRIEF, FOLLOW_UP, ScriptedModel
from tests.servers.discord import DiscordEmulator, running_client, running_discord
from tests.servers.openai_server import FakeOpenAI, running_fake_openai

ANSWER = "Memory stays flat with a generator. It yields lazily."


@asynccontextmanager
async def bot_with_model(tmp_path: Path) -> AsyncIterator[tuple[DiscordEmulator, FakeOpenAI, DiscordApp]]:
    async with running_fake_openai() as llm, running_discord() as em:
        llm.default(ScriptedModel())
        assert em.default_guild_id is not None
        settings = settings_for(em, tmp_path / "bot.db", em.default_guild_id).model_copy(
            update={"openai_api_key": SecretStr("test-key"), "openai_base_url": llm.base_url, "llm_timeout": 10.0})
        app = await build_discord(settings, guild_ready_timeout=0.1)  # the real clock: the model takes real time
        try:
            async with running_client(em, app.bot, ready_timeout=15):
                yield em, llm, app
        finally:
            await app.close()
        em.assert_acks_within(3.0)


def usage_rows(database: Path) -> list[tuple[str | None, str | None, str | None, str]]:
    engine = sa.create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text("select user_id, session_id, guild_id, purpose from llm_usage"))]
    finally:
        engine.dispose()


async def time_left(app: DiscordApp, session_id: str) -> timedelta:
    state = await app.services.engine.state(session_id)
    round_ = state.current_round()
    current = round_.current() if round_ is not None else None
    assert current is not None and current.deadline_at is not None
    return current.deadline_at - datetime.now(UTC)


@bounded
async def test_a_slow_model_shows_typing_costs_no_time_and_its_debrief_is_the_candidates(tmp_path: Path) -> None:
    async with bot_with_model(tmp_path) as (em, llm, app):
        llm.delay = 1.0  # each reply: the grade and the follow-up take 2 s together
        alice = em.add_user("alice")
        assert em.default_channel_id is not None
        handle = await em.slash(alice, "mock start", {"round": "core", "level": "mid"}, channel=em.default_channel_id)
        await handle.wait_followup(lambda m: "round is in" in m.content, timeout=10)
        thread = await em.wait_for_thread(em.default_channel_id)
        question = await next_bot_text(em, thread.id, None, lambda m: "Question 1" in json.dumps(m.embeds))
        user_id = await app.services.repo.ensure_user(f"discord:{alice}", "alice")
        session_id = await app.services.repo.resumable_session(user_id)
        assert session_id is not None

        before = await time_left(app, session_id)
        await em.say(alice, thread.id, ANSWER)
        await next_bot_text(em, thread.id, question, lambda m: m.content == f"**Follow-up:** {FOLLOW_UP}", timeout=20)
        after = await time_left(app, session_id)
        assert (before - after).total_seconds() < 1.0, (before, after)  # 2 s with the model, none of it counted
        assert any(channel == thread.id for channel, _ in em.typing)  # "typing…" while the model worked

        await (await em.click(alice, question, button_id(question, "ml:end:"))).acked()
        card = await next_bot_text(em, thread.id, question, is_scorecard, timeout=20)
        debrief = await next_bot_text(em, thread.id, card, lambda m: m.content.startswith("**Debrief**"))
        debrief = await em.wait_for_edit(debrief, lambda m: DEBRIEF in m.content, timeout=15)
        assert "written offline" not in debrief.content
        rows = usage_rows(tmp_path / "bot.db")
        assert {purpose for *_, purpose in rows} >= {"grade", "followup", "debrief"}
        assert all(row[:3] == (user_id, session_id, str(em.default_guild_id)) for row in rows), rows


@bounded
async def test_a_server_budget_of_zero_sends_the_model_nothing(tmp_path: Path) -> None:
    async with bot_with_model(tmp_path) as (em, llm, _app):
        assert em.default_channel_id is not None
        boss = em.add_user("boss", manage_guild=True)
        await (await em.slash(boss, "mockadmin budget", {"tokens": 0}, channel=em.default_channel_id)).wait_followup()
        alice = em.add_user("alice")
        handle = await em.slash(alice, "mock start", {"round": "core", "level": "mid"}, channel=em.default_channel_id)
        await handle.wait_followup(lambda m: "round is in" in m.content, timeout=10)
        thread = await em.wait_for_thread(em.default_channel_id)
        question = await next_bot_text(em, thread.id, None, lambda m: "Question 1" in json.dumps(m.embeds))
        await em.say(alice, thread.id, ANSWER)
        await next_bot_text(em, thread.id, question, lambda m: m.content.startswith("**Follow-up:**"), timeout=20)
        await (await em.click(alice, question, button_id(question, "ml:end:"))).acked()  # the answer is graded now
        graded = await next_bot_text(em, thread.id, question, lambda m: m.content.startswith("Graded offline"), timeout=20)
        assert "budget to 0" in graded.content
        debrief = await next_bot_text(em, thread.id, graded, lambda m: m.content.startswith("**Debrief**"), timeout=20)
        debrief = await em.wait_for_edit(debrief, lambda m: "written offline" in m.content, timeout=15)
        assert "budget to 0" in debrief.content
        assert llm.requests == [] and usage_rows(tmp_path / "bot.db") == []
