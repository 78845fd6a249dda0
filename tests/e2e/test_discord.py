"""The Discord bot end to end: the real discord.py client, the product's composition root, and a
local Discord API server (``tests/servers/discord``) acting as Discord and as the candidates.

Each test builds the bot exactly as ``mockloop run`` does (``build_discord``) on a fresh SQLite
file, with a hand-moved clock so question and round deadlines pass on demand, and drives it the
way people would: slash commands, buttons, the Answer modal, messages in the thread.  Every wait
is bounded, and every interaction must have been acknowledged within Discord's 3 seconds.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from bot.config import Settings
from bot.discord_root import DiscordApp, build_discord
from bot.engine.clock import FakeClock
from bot.scheduling.plans import weeks_for
from bot.storage import tables as t
from tests.servers.discord import DiscordEmulator, bot_process_env, running_client, running_discord
from tests.servers.discord import bounded as bounded_by
from tests.servers.discord.state import Channel, StoredMessage
from tests.servers.openai_server import running_fake_openai

TEST_TIMEOUT = 60.0
# A person needs a moment to type into a modal.  Submitting in the same instant it opens would race
# discord.py, which registers the modal only after Discord has accepted the response that opened it.
TYPING_SECONDS = 0.3
ROOT = Path(__file__).resolve().parents[2]

CORE_ANSWER = (
    "A list is mutable, so appending changes the same object every name bound to it sees, while a tuple is "
    "immutable and hashable when its items are, which is why tuples can be dictionary keys. Strings and ints "
    "are immutable too, so += on them builds a new object and rebinds the name."
)


bounded = bounded_by(TEST_TIMEOUT)


@dataclass
class World:
    emulator: DiscordEmulator
    app: DiscordApp
    clock: FakeClock
    guild: int
    channel: int
    alice: int
    bob: int
    database: Path

    async def start_round(self, round_: str = "core", level: str = "mid", user: int | None = None,
                          **options: Any) -> Channel:
        who = self.alice if user is None else user
        handle = await self.emulator.slash(who, "mock start", {"round": round_, "level": level, **options},
                                           channel=self.channel)
        reply = await handle.wait_followup(lambda m: "round is in" in m.content, timeout=10)
        assert reply.ephemeral
        return await self.emulator.wait_for_thread(self.channel, lambda t: who in t.thread_member_ids)

    def rows(self, sql: str) -> list[Any]:
        engine = sa.create_engine(f"sqlite:///{self.database}")
        try:
            with engine.connect() as conn:
                return list(conn.execute(sa.text(sql)))
        finally:
            engine.dispose()


def settings_for(emulator: DiscordEmulator, database: Path, guild: int) -> Settings:
    return Settings(_env_file=None, DATABASE_URL=f"sqlite+aiosqlite:///{database}",
                    DISCORD_API_BASE=emulator.api_base, DISCORD_GATEWAY_URL=emulator.ws_url,
                    DISCORD_DEV_GUILD_ID=guild, DISCORD_TOKEN=emulator.token)


@asynccontextmanager
async def running_bot(emulator: DiscordEmulator, database: Path, clock: FakeClock,
                      **options: Any) -> AsyncIterator[DiscordApp]:
    assert emulator.default_guild_id is not None
    app = await build_discord(settings_for(emulator, database, emulator.default_guild_id), clock=clock,
                              guild_ready_timeout=0.1, **options)
    try:
        async with running_client(emulator, app.bot, ready_timeout=15):
            yield app
    finally:
        await app.close()


@asynccontextmanager
async def world(tmp_path: Path, **options: Any) -> AsyncIterator[World]:
    clock = FakeClock()
    database = tmp_path / "bot.db"
    async with running_discord() as emulator:
        alice = emulator.add_user("alice")
        bob = emulator.add_user("bob")
        async with running_bot(emulator, database, clock, **options) as app:
            assert emulator.default_guild_id is not None and emulator.default_channel_id is not None
            yield World(emulator, app, clock, emulator.default_guild_id, emulator.default_channel_id, alice, bob,
                        database)
        emulator.assert_acks_within(3.0)


def question_messages(emulator: DiscordEmulator, thread: int) -> list[StoredMessage]:
    return [m for m in emulator.bot_messages(thread) if m.embeds and m.embeds[0].get("title", "").startswith("Question")]


def custom_ids(message: StoredMessage) -> list[str]:
    return message.custom_ids()


def button_id(message: StoredMessage, prefix: str) -> str:
    """The custom_id of the button on ``message`` whose id starts with ``prefix`` (e.g. "ml:skip:")."""
    return next(i for i in message.custom_ids() if i.startswith(prefix))


async def next_bot_text(emulator: DiscordEmulator, thread: int, after: StoredMessage | int | None,
                        predicate: Callable[[StoredMessage], bool], timeout: float = 10) -> StoredMessage:
    try:
        return await emulator.wait_for_bot_message(thread, predicate, after=after, timeout=timeout)
    except TimeoutError:
        raise AssertionError("the expected message never came; the thread holds:\n" + transcript(emulator, thread)) from None


def transcript(emulator: DiscordEmulator, thread: int) -> str:
    lines = []
    for m in emulator.messages(thread):
        title = m.embeds[0].get("title", "") if m.embeds else ""
        lines.append(f"{m.author.name}: {m.content[:150]!r} {title!r} {m.custom_ids()}")
    return "\n".join(lines)


def asks(message: StoredMessage, number: int) -> bool:
    return f"Question {number} of" in json.dumps(message.embeds)


def is_scorecard(message: StoredMessage) -> bool:
    return any(e.get("title") == "Scorecard" for e in message.embeds)


@bounded
async def test_a_whole_round_in_a_private_thread(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        synced = {c["name"]: c for c in em.synced_commands(w.guild)}
        assert {"mock", "privacy", "mockadmin"} <= set(synced)
        # /mock and /mockadmin are each one group, their subcommands written by several features.
        assert {o["name"] for o in synced["mock"]["options"]} == {
            "start", "loop", "end", "skip", "hint", "status", "schedule", "schedules", "unschedule", "plan",
            "history", "report"}
        assert {o["name"] for o in synced["mockadmin"]["options"]} == {"channel", "budget", "code", "group", "show"}
        assert synced["mockadmin"]["default_member_permissions"] == str(1 << 5)  # Manage Server, group included

        thread = await w.start_round("design", "senior")
        assert thread.is_private_thread
        assert set(thread.thread_member_ids) <= {w.alice, em.state.bot.id}
        status = await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        question = question_messages(em, thread.id)[0]
        assert {"Answer", "Hint", "Skip", "End"} <= {c.get("label") for c in _buttons(question)}

        # Answer through the modal (no privileged intent needed).
        answer_id = button_id(question, "ml:answer:")
        press = await em.click(w.alice, question, answer_id)
        await press.acked()
        assert press.modal is not None
        modal_field = _modal_input_id(press.modal)
        text = ("I would put a load balancer in front of stateless API servers, keep the data in PostgreSQL with a "
                "read replica, cache hot reads in Redis with a TTL, and move slow work to a queue with workers. "
                "I would estimate traffic first: requests per second, storage growth per day, and the read/write "
                "ratio, then shard by key when one primary cannot keep up.")
        await asyncio.sleep(TYPING_SECONDS)
        submitted = await em.submit_modal(w.alice, press, {modal_field: text})
        saved = await submitted.wait_followup(lambda m: m.content == "Saved.", timeout=10)
        assert saved.ephemeral

        echo = await next_bot_text(em, thread.id, question, lambda m: m.content.startswith("**Your answer**"))
        assert "read replica" in echo.content

        # The interviewer digs in with follow-ups; the candidate answers them by typing in the thread.
        replies = ["Consumers fall behind, so the queue absorbs the burst and I would add consumers and alert on lag.",
                   "Each event carries an idempotency key; the writer upserts on it, so a resend changes nothing.",
                   "I would measure p99 latency and queue depth, and alert on both."]
        last: StoredMessage = echo
        done: StoredMessage | None = None
        for text in replies:
            last = await next_bot_text(em, thread.id, last, lambda m: m.content.startswith("**Follow-up:**")
                                       or is_scorecard(m), timeout=20)
            if is_scorecard(last):
                done = last
                break
            reply = await em.say(w.alice, thread.id, text)
            await em.wait_for_gateway(functools.partial(lambda m: bool(m.reactions.get("✅")), reply),
                                      what="the ✅ under an answer")
        if done is None:
            done = await next_bot_text(em, thread.id, last, is_scorecard, timeout=20)

        debrief = await next_bot_text(em, thread.id, done, lambda m: m.content.startswith("**Debrief**"))
        assert len(debrief.content) > len("**Debrief**") + 20
        # The chart, drawn in its own process, is added to the scorecard once ready.
        done = await em.wait_for_edit(done, lambda m: bool(m.attachments), timeout=20)
        assert done.embeds[0].get("image", {}).get("url", "") == "attachment://scores.png"
        assert any(a.filename == "scores.png" and a.data.startswith(b"\x89PNG") for a in done.attachments)
        # The status message was edited in place, not re-sent, and the buttons are gone.
        assert sum(1 for m in em.bot_messages(thread.id) if m.id == status.id) == 1
        assert em.message(question.id).components == []
        assert all(m.allowed_mentions == {"parse": []} for m in em.bot_messages(thread.id) if not m.ephemeral)
        assert w.rows("select count(*) from sessions where ended_at is not null")[0][0] == 1


def _buttons(message: StoredMessage) -> list[dict[str, Any]]:
    from tests.servers.discord.state import walk_components

    return [c for c in walk_components(message.components) if c.get("type") == 2]


def _modal_input_id(modal: dict[str, Any]) -> str:
    from tests.servers.discord.state import walk_components

    return next(c["custom_id"] for c in walk_components(modal.get("components", [])) if c.get("type") == 4)


@bounded
async def test_a_question_runs_out_of_time_and_the_round_moves_on(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        thread = await w.start_round("core", "mid")
        await em.wait_for_bot_message(thread.id, lambda m: bool(question_messages(em, thread.id)))
        first = question_messages(em, thread.id)[0]
        w.clock.advance(minutes=10)  # beyond one question's share of a 20-minute round
        timed_out = await next_bot_text(em, thread.id, first, lambda m: "Time is up for this question" in m.content)
        second = await next_bot_text(em, thread.id, timed_out, lambda m: bool(m.embeds)
                                     and m.embeds[0].get("title", "").startswith("Question 2"))
        # The new question goes out first, then the old one's buttons go (never a moment with none).
        await em.wait_for_edit(first, lambda m: m.components == [], timeout=10)
        assert any(i.startswith("ml:answer:") for i in custom_ids(second))


@bounded
async def test_buttons_refuse_everyone_but_the_candidate_and_mentions_never_ping(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        thread = await w.start_round("core", "mid")
        await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        question = question_messages(em, thread.id)[0]
        # A moderator joins the private thread; they can read along but not act for the candidate.
        em.channel(thread.id).thread_member_ids[w.bob] = "2026-01-05T09:00:00+00:00"
        skip = button_id(question, "ml:skip:")
        press = await em.click(w.bob, question, skip)
        refusal = await press.wait_response(lambda m: "Only the candidate" in m.content)
        assert refusal.ephemeral
        before = w.rows("select count(*) from answers")[0][0]
        await em.say(w.bob, thread.id, "A tuple is immutable and a list is mutable.")
        await asyncio.sleep(0.3)
        assert w.rows("select count(*) from answers")[0][0] == before  # not the candidate's words: not an answer
        assert len(question_messages(em, thread.id)) == 1  # nothing was skipped

        # The candidate's text, echoed back, pings nobody.
        answer = button_id(question, "ml:answer:")
        opened = await em.click(w.alice, question, answer)
        await opened.acked()
        pings = f"@everyone @here <@{w.bob}> <@&{w.guild}> " + CORE_ANSWER
        await asyncio.sleep(TYPING_SECONDS)
        await em.submit_modal(w.alice, opened, {_modal_input_id(opened.modal or {}): pings})
        echo = await next_bot_text(em, thread.id, question, lambda m: m.content.startswith("**Your answer**"))
        assert "@everyone" in echo.content
        await next_bot_text(em, thread.id, echo, lambda m: m.content.startswith("**Follow-up:**")
                            or "Question 2" in json.dumps(m.embeds))
        for message in em.bot_messages(thread.id, include_ephemeral=False):
            assert not message.pings_everyone(), message.content
            assert not message.pinged_user_ids() and not message.pinged_role_ids(), message.content


async def finish_quickly(w: World, thread: Channel) -> StoredMessage:
    """End the round with the End button and wait for its scorecard."""
    em = w.emulator
    await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
    question = question_messages(em, thread.id)[-1]
    end = button_id(question, "ml:end:")
    await (await em.click(w.alice, question, end)).acked()
    return await next_bot_text(em, thread.id, question, is_scorecard, timeout=20)


@bounded
async def test_one_session_at_a_time_and_a_cooldown_between_starts(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        thread = await w.start_round("core", "mid")
        again = await em.slash(w.alice, "mock start", {"round": "screen", "level": "mid"}, channel=w.channel)
        busy = await again.wait_followup(timeout=10)
        assert "already have a session running" in busy.content and f"<#{thread.id}>" in busy.content
        await finish_quickly(w, thread)
        soon = await em.slash(w.alice, "mock start", {"round": "screen", "level": "mid"}, channel=w.channel)
        wait = await soon.wait_followup(timeout=10)
        assert wait.content.startswith("Please wait")
        w.clock.advance(seconds=31)
        await w.start_round("screen", "mid")
        assert len(em.threads(w.channel)) == 2


@bounded
async def test_history_report_export_and_forget(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        thread = await w.start_round("core", "junior")
        await finish_quickly(w, thread)

        history = await (await em.slash(w.alice, "mock history", channel=w.channel)).wait_followup(timeout=10)
        assert history.ephemeral and history.embeds and "core" in json.dumps(history.embeds)
        report = await (await em.slash(w.alice, "mock report", channel=w.channel)).wait_followup(timeout=20)
        assert report.ephemeral

        exported = await (await em.slash(w.alice, "privacy export", channel=w.channel)).wait_followup(timeout=10)
        assert exported.ephemeral
        data = json.loads(exported.attachments[0].data)
        assert len(data["sessions"]) == 1
        nothing = await (await em.slash(w.bob, "privacy export", channel=w.channel)).wait_followup(timeout=10)
        assert "stores nothing" in nothing.content
        await w.start_round("screen", "mid", user=w.bob)  # someone else's data, which must survive
        [(alice_id,)] = w.rows(f"select id from users where external_id = 'discord:{w.alice}'")

        forget = await em.slash(w.alice, "privacy forget", channel=w.channel)
        prompt = await forget.wait_original()
        assert prompt.ephemeral
        buttons = {c.get("label"): c["custom_id"] for c in _buttons(prompt)}
        await (await em.click(w.alice, prompt, buttons["Delete everything"])).acked()
        await em.wait_for_edit(prompt, lambda m: m.content.startswith("Done: deleted 1 session"), timeout=10)
        assert w.rows(f"select count(*) from users where id = '{alice_id}'")[0][0] == 0
        for table in ("sessions", "llm_usage", "grade_cache"):
            assert w.rows(f"select count(*) from {table} where user_id = '{alice_id}'")[0][0] == 0, table
        sessions = w.rows("select id from sessions")
        assert len(sessions) == 1  # Bob's
        for table in ("answers", "asked_questions", "rounds", "discord_rooms"):
            owners = {row[0] for row in w.rows(f"select distinct session_id from {table}")}
            assert owners <= {sessions[0][0]}, table


@bounded
async def test_admin_settings_need_manage_server(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        with pytest.raises(PermissionError):  # Discord hides the command from members without the permission
            await em.slash(w.bob, "mockadmin budget", {"tokens": 0}, channel=w.channel)
        boss = em.add_user("boss", manage_guild=True)
        done = await (await em.slash(boss, "mockadmin budget", {"tokens": 0}, channel=w.channel)).wait_followup()
        assert "off" in done.content
        shown = await (await em.slash(boss, "mockadmin show", channel=w.channel)).wait_followup()
        assert "0 tokens" in shown.content
        assert w.rows("select tokens_per_member from guild_settings")[0][0] == 0


@bounded
async def test_a_dropped_gateway_resumes_and_the_round_goes_on(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        thread = await w.start_round("core", "mid")
        await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        await em.drop_connection()  # TCP cut, no close frame
        await em.wait_for_gateway(lambda: em.resume_count >= 1, timeout=15, what="a RESUME")
        await em.wait_until_connected(timeout=15)
        assert em.identify_count == 1  # resumed, not a new session
        said = await em.say(w.alice, thread.id, CORE_ANSWER)
        await em.wait_for_gateway(lambda: bool(said.reactions.get("✅")), timeout=10, what="the ✅ under the answer")
        await next_bot_text(em, thread.id, said, lambda m: m.content.startswith("**Follow-up:**")
                            or "Question 2" in json.dumps(m.embeds))


@bounded
async def test_rate_limited_messages_are_retried_and_sent_once(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        rule = em.rate_limit("POST", r"/channels/\d+/messages", retry_after=0.3, times=2)
        thread = await w.start_round("core", "mid")
        await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        assert len(rule.hits) == 2 and len(rule.retries) >= 1
        assert rule.retries[0] - rule.hits[0] >= 0.25  # Retry-After was honoured
        texts = [m.content for m in em.bot_messages(thread.id, include_ephemeral=False)]
        assert len(question_messages(em, thread.id)) == 1
        assert len(texts) == len(set(texts))  # nothing was sent twice


@bounded
async def test_a_restart_keeps_the_buttons_working_and_the_clock_running(tmp_path: Path) -> None:
    clock = FakeClock()
    database = tmp_path / "bot.db"
    async with running_discord() as em:
        alice = em.add_user("alice")
        assert em.default_channel_id is not None
        async with running_bot(em, database, clock):
            handle = await em.slash(alice, "mock start", {"round": "core", "level": "mid"}, channel=em.default_channel_id)
            await handle.wait_followup(lambda m: "round is in" in m.content, timeout=10)
            thread = await em.wait_for_thread(em.default_channel_id)
            await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        first = question_messages(em, thread.id)[0]

        # A new process: the old question's Skip button still works.
        async with running_bot(em, database, clock):
            skip = button_id(first, "ml:skip:")
            await (await em.click(alice, first, skip)).acked()
            second = await next_bot_text(em, thread.id, first, lambda m: "Question 2" in json.dumps(m.embeds))
            await em.wait_for_edit(first, lambda m: m.components == [], timeout=10)

        # Down for ten minutes: the question ran out meanwhile, and the next process says so.
        clock.advance(minutes=10)
        async with running_bot(em, database, clock):
            await next_bot_text(em, thread.id, second, lambda m: "Time is up for this question" in m.content)
            await next_bot_text(em, thread.id, second, lambda m: "Question 3" in json.dumps(m.embeds))
        em.assert_acks_within(3.0)


@bounded
async def test_a_session_that_cannot_be_resumed_does_not_keep_the_others_offline(tmp_path: Path) -> None:
    # A session whose question left the bank (an upgrade removed it) fails to resume; the bot still starts and
    # every other round goes on where it was.
    clock = FakeClock()
    database = tmp_path / "bot.db"
    async with running_discord() as em:
        alice, bob = em.add_user("alice"), em.add_user("bob")
        channel = em.default_channel_id
        assert channel is not None
        threads: dict[str, Channel] = {}
        async with running_bot(em, database, clock):
            for name, user in (("alice", alice), ("bob", bob)):
                handle = await em.slash(user, "mock start", {"round": "core", "level": "mid"}, channel=channel)
                await handle.wait_followup(lambda m: "round is in" in m.content, timeout=10)
                threads[name] = await em.wait_for_thread(
                    channel, functools.partial(lambda u, c: u in c.thread_member_ids, user))
                await next_bot_text(em, threads[name].id, None, lambda m: m.content.startswith("⏱"))
        asked = question_messages(em, threads["bob"].id)[-1]
        engine = sa.create_engine(f"sqlite:///{database}")
        with engine.begin() as conn:
            broken = conn.scalar(sa.select(t.DiscordRoom.session_id).where(t.DiscordRoom.thread_id == str(threads["alice"].id)))
            conn.execute(sa.update(t.AskedQuestion).where(t.AskedQuestion.session_id == broken)
                         .values(question_id="core.a-question-that-was-removed"))
        engine.dispose()

        clock.advance(minutes=10)
        async with running_bot(em, database, clock):
            await next_bot_text(em, threads["bob"].id, asked, lambda m: "Time is up for this question" in m.content)
            await next_bot_text(em, threads["bob"].id, asked, lambda m: "Question 2" in json.dumps(m.embeds))


@bounded
async def test_code_answers_come_as_python_files_within_a_size_limit(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        thread = await w.start_round("coding", "mid")
        await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        big = await em.say(w.alice, thread.id, "", attachments=[("solution.py", b"x = 1\n" * 8000)])
        refusal = await next_bot_text(em, thread.id, big, lambda m: "at most 32 KB" in m.content)
        assert refusal.message_reference is not None
        code = b"def solve(items):\n    return sorted(set(items))\n"
        sent = await em.say(w.alice, thread.id, "Here is my solution:", attachments=[("solution.py", code)])
        await em.wait_for_gateway(lambda: bool(sent.reactions.get("✅")), timeout=10, what="the ✅ under the code")
        tests = await next_bot_text(em, thread.id, sent, lambda m: m.content.startswith("**Tests**"), timeout=20)
        assert "passed" in tests.content and "bwrap sandbox" in tests.content
        stored = w.rows("select text from answers")
        assert any("def solve(items)" in row[0] and "```python" in row[0] for row in stored)


@bounded
async def test_without_the_message_content_intent_the_answer_button_still_works(tmp_path: Path) -> None:
    async with world(tmp_path, message_content=False) as w:
        em = w.emulator
        thread = await w.start_round("core", "mid")
        await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        typed = await em.say(w.alice, thread.id, CORE_ANSWER)
        await asyncio.sleep(0.3)
        assert not typed.reactions  # Discord blanks the text; the bot cannot take it as an answer
        question = question_messages(em, thread.id)[0]
        opened = await em.click(w.alice, question, button_id(question, "ml:answer:"))
        await opened.acked()
        await asyncio.sleep(TYPING_SECONDS)
        submitted = await em.submit_modal(w.alice, opened, {_modal_input_id(opened.modal or {}): CORE_ANSWER})
        await submitted.wait_followup(lambda m: m.content == "Saved.", timeout=10)
        assert w.rows("select count(*) from answers")[0][0] == 1


@bounded
async def test_mockloop_run_logs_in_without_the_intent_and_stops_cleanly(tmp_path: Path) -> None:
    """The real command in its own process: it falls back when the message-content intent is not
    enabled for the application, serves a round, never logs the token, and stops on SIGTERM."""
    async with running_discord(point_discord_py=False) as em:
        em.gateway.allowed_intents = 0  # the privileged intents are off in the "Developer Portal"
        alice = em.add_user("alice")
        assert em.default_guild_id is not None and em.default_channel_id is not None
        env = bot_process_env(em, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
                                                    stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            await em.wait_for_gateway(lambda: em.identify_count >= 1 and bool(em.synced_commands(em.default_guild_id)),
                                      timeout=30, what="the bot to log in again without the intent and sync")
            await em.wait_until_connected(timeout=15)
            handle = await em.slash(alice, "mock start", {"round": "screen", "level": "junior"},
                                    channel=em.default_channel_id)
            await handle.wait_followup(lambda m: "round is in" in m.content, timeout=15)
            thread = await em.wait_for_thread(em.default_channel_id)
            await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"), timeout=15)
            for number in (1, 2, 3):  # a screen round has three questions: answer each through the modal
                question = await next_bot_text(em, thread.id, None, functools.partial(asks, number=number), timeout=15)
                opened = await em.click(alice, question, button_id(question, "ml:answer:"))
                await opened.acked()
                await asyncio.sleep(TYPING_SECONDS)
                submitted = await em.submit_modal(alice, opened, {_modal_input_id(opened.modal or {}): CORE_ANSWER})
                await submitted.wait_followup(lambda m: m.content == "Saved.", timeout=15)
                if number == 3:
                    end = button_id(question, "ml:end:")
                    await (await em.click(alice, question, end)).acked()
                else:
                    skip = button_id(question, "ml:skip:")
                    await (await em.click(alice, question, skip)).acked()
            await next_bot_text(em, thread.id, None, is_scorecard, timeout=20)
        except (TimeoutError, AssertionError) as exc:
            proc.kill()
            output, _ = await proc.communicate()
            raise AssertionError(f"mockloop run did not serve the round ({exc}); it printed:\n{output.decode()}") from None
        except BaseException:  # cancelled by the test's time limit: never leave the process behind
            proc.kill()
            await proc.wait()
            raise
        proc.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(proc.communicate(), 20)
        log = output.decode()
        assert proc.returncode == 0, log
        assert "message-content intent is not enabled" in log
        assert not int(em.gateway.stats.identifies[-1]["intents"]) & (1 << 15)  # asked again without it
        assert em.token not in log
        em.assert_acks_within(3.0)


@bounded
async def test_the_models_debrief_is_shown_as_it_streams_with_at_most_one_edit_a_second(tmp_path: Path) -> None:
    spoken = " ".join(f"Point {i}: you named the trade-off and backed it with a number." for i in range(1, 9))
    async with running_fake_openai() as llm, running_discord() as em:
        llm.default(lambda body: spoken if body.get("stream") else "{}")
        llm.chunk_delay = 0.1  # about 30 chunks over 3 seconds
        alice = em.add_user("alice")
        assert em.default_guild_id is not None and em.default_channel_id is not None
        settings = settings_for(em, tmp_path / "bot.db", em.default_guild_id).model_copy(
            update={"openai_api_key": SecretStr("test-key"), "openai_base_url": llm.base_url})
        app = await build_discord(settings, guild_ready_timeout=0.1)  # the real clock: edits are paced in real time
        try:
            async with running_client(em, app.bot, ready_timeout=15):
                handle = await em.slash(alice, "mock start", {"round": "design", "level": "mid"},
                                        channel=em.default_channel_id)
                await handle.wait_followup(lambda m: "round is in" in m.content, timeout=10)
                thread = await em.wait_for_thread(em.default_channel_id)
                w_question = await next_bot_text(em, thread.id, None, lambda m: "Question 1" in json.dumps(m.embeds))
                end = button_id(w_question, "ml:end:")
                await (await em.click(alice, w_question, end)).acked()
                debrief = await next_bot_text(em, thread.id, w_question, lambda m: m.content.startswith("**Debrief**"))
                final = await em.wait_for_edit(debrief, lambda m: spoken in m.content, timeout=15)
        finally:
            await app.close()
        edits = [r.at for r in em.requests if r.method == "PATCH" and r.path.endswith(f"/messages/{debrief.id}")]
        assert 1 <= len(edits) <= 6, edits  # shown while streaming, not once per chunk (30 chunks)
        paced = edits[:-1]  # the last edit completes the text as soon as it is all there
        assert all(b - a >= 0.9 for a, b in itertools.pairwise(paced)), edits
        assert "written offline" not in final.content
        em.assert_acks_within(3.0)


@bounded
async def test_a_scheduled_round_reminds_then_starts_from_the_dm(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        options = {"when": "in 30m", "round": "screen", "timezone": "europe/berlin"}
        saved = await (await em.slash(w.alice, "mock schedule", options, channel=w.channel)).wait_followup(timeout=10)
        # times are Discord timestamps: every reader sees them in their own zone
        at = int((w.clock.now() + timedelta(minutes=30)).timestamp())
        assert saved.ephemeral and "screen" in saved.content and f"<t:{at}:F> (<t:{at}:R>)" in saved.content
        listed = await (await em.slash(w.alice, "mock schedules", channel=w.channel)).wait_followup(timeout=10)
        assert "screen" in listed.content and f"<t:{at}:F>" in listed.content
        # the timezone is remembered: no need to give it again
        weekly = {"when": "every mon,thu 19:00", "round": "core"}
        again = await (await em.slash(w.alice, "mock schedule", weekly, channel=w.channel)).wait_followup(timeout=10)
        assert "Repeating" in again.content and "Europe/Berlin" in again.content
        ident = again.content.split("Id `")[1][:8]
        gone = await (await em.slash(w.alice, "mock unschedule", {"id": ident}, channel=w.channel)).wait_followup()
        assert gone.content.startswith("Removed")

        dm = em.dm_channel_id(w.alice)
        w.clock.advance(minutes=15)
        reminder = await next_bot_text(em, dm, None, lambda m: "starts at" in m.content)
        w.clock.advance(minutes=15)
        due = await next_bot_text(em, dm, reminder, lambda m: any(i.startswith("ml:start:") for i in m.custom_ids()))
        start = button_id(due, "ml:start:")
        pressed = await em.click(w.alice, due, start)
        opened = await pressed.wait_followup(lambda m: "round is in" in m.content, timeout=10)
        thread = await em.wait_for_thread(w.channel, lambda t: w.alice in t.thread_member_ids)
        assert f"<#{thread.id}>" in opened.content
        await next_bot_text(em, thread.id, None, lambda m: "Question 1 of" in json.dumps(m.embeds))
        await em.wait_for_edit(due, lambda m: not m.custom_ids(), timeout=10)  # one round per reminder


@bounded
async def test_schedule_input_errors_say_what_works(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        # a time counted from now needs no timezone; a clock time does, asked once
        soon = await (await em.slash(w.alice, "mock schedule", {"when": "in 1 minute", "round": "core"},
                                     channel=w.channel)).wait_followup()
        assert soon.content.startswith("Once") and "<t:" in soon.content, soon.content
        before = w.rows("select count(*) from schedules")[0][0]
        cases = [({"when": "tomorrow 18:00", "round": "core"}, "Tell me your timezone once"),
                 ({"when": "every 2h", "round": "core", "timezone": "UTC"}, "at most daily"),
                 ({"when": "yesterday at noon", "round": "core", "timezone": "UTC"}, "Examples that work"),
                 ({"when": "tomorrow 18:00", "round": "core", "timezone": "Mars/Base"}, "IANA name")]
        for options, says in cases:
            reply = await (await em.slash(w.alice, "mock schedule", options, channel=w.channel)).wait_followup()
            assert says in reply.content, reply.content
        assert w.rows("select count(*) from schedules")[0][0] == before  # nothing saved by a refused request


@bounded
async def test_an_admin_can_switch_code_execution_off_for_the_server(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        boss = em.add_user("boss", manage_guild=True)
        off = await (await em.slash(boss, "mockadmin code", {"run": False}, channel=w.channel)).wait_followup()
        assert "off" in off.content
        thread = await w.start_round("coding", "mid")
        await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        code = b"def flatten(data, sep='.'):\n    return dict(data)\n"
        sent = await em.say(w.alice, thread.id, "My solution:", attachments=[("solution.py", code)])
        note = await next_bot_text(em, thread.id, sent, lambda m: "Code was not run" in m.content, timeout=20)
        assert "switched code execution off" in note.content and "rubric only" in note.content
        assert not any(m.content.startswith("**Tests**") for m in em.bot_messages(thread.id))


@bounded
async def test_a_prep_plan_lays_out_drills_that_start_on_their_topics_and_count_as_progress(tmp_path: Path) -> None:
    async with world(tmp_path) as w:  # the clock starts on a Monday, 09:00 UTC
        em = w.emulator
        made = await (await em.slash(w.alice, "mock plan", {"weeks": 4, "timezone": "UTC"},
                                     channel=w.channel)).wait_followup(timeout=15)
        assert "4-week plan" in made.content and "Week 1: core refresh + OOP, decorators, generators" in made.content
        progress = await (await em.slash(w.alice, "mock plan", channel=w.channel)).wait_followup()
        assert "Week 1 (core refresh + OOP, decorators, generators): 0 done, 0 skipped, 4 to come" in progress.content
        listed = await (await em.slash(w.alice, "mock schedules", channel=w.channel)).wait_followup()
        assert listed.content.count(f"<t:{int(datetime(2026, 1, 6, 19, 0, tzinfo=UTC).timestamp())}:F>") >= 1

        w.clock.advance(hours=34)  # Tuesday 19:00: the first drill
        dm = em.dm_channel_id(w.alice)
        due = await next_bot_text(em, dm, None, lambda m: any(i.startswith("ml:start:") for i in m.custom_ids()))
        pressed = await em.click(w.alice, due, button_id(due, "ml:start:"))
        await pressed.wait_followup(lambda m: "round is in" in m.content, timeout=10)
        thread = await em.wait_for_thread(w.channel, lambda t: w.alice in t.thread_member_ids)
        await next_bot_text(em, thread.id, None, lambda m: "Question 1 of" in json.dumps(m.embeds))
        week_one = {q for _, focus in weeks_for(4)[0].drills for q in focus}
        [(asked,)] = w.rows("select question_id from asked_questions where position = 0")
        assert asked in week_one
        progress = await (await em.slash(w.alice, "mock plan", channel=w.channel)).wait_followup()
        assert "Week 1 (core refresh + OOP, decorators, generators): 1 done" in progress.content

        again = await em.slash(w.alice, "mock plan", {"weeks": 6}, channel=w.channel)
        ask = await again.wait_followup(lambda m: "Replace it" in json.dumps(m.components), timeout=10)
        buttons = {c.get("label"): c["custom_id"] for c in _buttons(ask)}
        await (await em.click(w.alice, ask, buttons["Replace it"])).acked()
        replaced = await again.wait_followup(lambda m: "6-week plan" in m.content, timeout=10)
        assert "Week 6: system design and behavioral stories" in replaced.content
        assert w.rows("select count(*) from plans where state = 'replaced'")[0][0] == 1


@bounded
async def test_a_group_round_gives_each_member_who_joined_their_own_thread(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        boss = em.add_user("boss", manage_guild=True)
        with pytest.raises(PermissionError):
            await em.slash(w.alice, "mockadmin group", {"when": "in 30m", "round": "screen"}, channel=w.channel)
        done = await (await em.slash(boss, "mockadmin group", {"when": "in 30m", "round": "screen"},
                                     channel=w.channel)).wait_followup(timeout=10)
        assert "Join button" in done.content
        post = await next_bot_text(em, w.channel, None, lambda m: "Group mock round" in m.content)
        join = button_id(post, "ml:join:")
        for who in (w.alice, w.bob, w.bob, w.bob):  # Bob changes his mind twice: in, out, in
            reply = await (await em.click(who, post, join)).wait_followup(timeout=10)
            assert reply.ephemeral
        await em.wait_for_edit(post, lambda m: "Joined: 2 members" in m.content, timeout=10)
        assert not post.pings_everyone()

        w.clock.advance(minutes=30)
        started = await next_bot_text(em, w.channel, post, lambda m: "has started" in m.content, timeout=20)
        assert "2 private threads opened" in started.content
        for who in (w.alice, w.bob):
            thread = next(t for t in em.threads(w.channel) if who in t.thread_member_ids)
            assert thread.is_private_thread and set(thread.thread_member_ids) <= {who, em.state.bot.id}
            await next_bot_text(em, thread.id, None, lambda m: "Question 1 of" in json.dumps(m.embeds))
        assert em.message(post.id).components == []


@bounded
async def test_with_dms_closed_the_start_button_comes_in_the_channel_mentioning_only_that_member(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        carol = em.add_user("carol", dms_open=False)
        options = {"when": "in 20m", "round": "screen", "timezone": "UTC", "remind": 0}
        await (await em.slash(carol, "mock schedule", options, channel=w.channel)).wait_followup(timeout=10)
        w.clock.advance(minutes=20)
        due = await next_bot_text(em, w.channel, None, lambda m: any(i.startswith("ml:start:") for i in m.custom_ids()))
        assert due.pinged_user_ids() == {carol} and not due.pings_everyone() and not due.pinged_role_ids()
        refused = await (await em.click(w.alice, due, due.custom_ids()[0])).wait_response(
            lambda m: "belongs to someone else" in m.content)
        assert refused.ephemeral
        opened = await (await em.click(carol, due, due.custom_ids()[0])).wait_followup(timeout=10)
        assert "round is in" in opened.content


@bounded
async def test_star_rehearsal_in_a_thread_compares_revisions_and_saves_them_to_the_story_bank(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        opened = await (await em.slash(w.alice, "star practice", {"theme": "incident"}, channel=w.channel)).wait_followup()
        thread = await em.wait_for_thread(w.channel, lambda t: w.alice in t.thread_member_ids)
        assert f"<#{thread.id}>" in opened.content
        prompt = await next_bot_text(em, thread.id, None, lambda m: "production problem" in m.content)
        first = ("Last spring our checkout API timed out every evening at peak. I was on call. I profiled the endpoint, "
                 "found an N+1 query in the discount lookup and rewrote it with a join.")
        told = await em.say(w.alice, thread.id, first)
        reply = await next_bot_text(em, thread.id, told, lambda m: "scores" in m.content, timeout=15)
        assert first not in reply.content  # the story is never echoed back
        tell = button_id(reply, "ml:coach:tell:")
        modal = await em.click(w.alice, reply, tell)
        await modal.acked()
        await asyncio.sleep(TYPING_SECONDS)
        revised = first + " My goal was p99 under 300 ms before the sale. Afterwards p99 went from 2.4 s to 180 ms."
        await (await em.submit_modal(w.alice, modal, {_modal_input_id(modal.modal or {}): revised})).wait_followup()
        compared = await next_bot_text(em, thread.id, reply, lambda m: m.content.startswith("```diff"), timeout=15)
        assert "+ " in compared.content
        done = button_id(compared, "ml:coach:done:")
        await (await em.click(w.alice, compared, done)).acked()
        await next_bot_text(em, thread.id, compared, lambda m: "Saved to your story bank (2 versions)" in m.content)
        bank = await (await em.slash(w.alice, "star stories", channel=w.channel)).wait_followup()
        assert "2 versions" in bank.content and bank.ephemeral
        assert prompt.allowed_mentions == {"parse": []}
