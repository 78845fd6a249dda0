"""After ``/privacy forget`` on the local Discord server: the member's threads are closed with their
buttons gone, every control still on screen answers politely, typed messages get one plain sentence
(never an internal id), Discord refusing part of the clean-up never stops the forget, and the real
``mockloop run`` process leaves none of the member's words readable in the SQLite files."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import sys
from pathlib import Path

import pytest

from bot.storage.db import open_database
from bot.storage.privacy import SqlUserData
from tests.e2e.test_discord import (
    CORE_ANSWER,
    TYPING_SECONDS,
    World,
    _buttons,
    _modal_input_id,
    bounded,
    button_id,
    next_bot_text,
    question_messages,
    world,
)
from tests.servers.discord import DiscordEmulator, bot_process_env, running_discord
from tests.servers.discord.ids import PERM_MANAGE_THREADS
from tests.servers.discord.state import Channel, StoredMessage

GONE = "deleted at the member's request"
STORY = ("Last spring our checkout API timed out every evening at peak. I was on call. I profiled the endpoint, "
         "found an N+1 query in the discount lookup and rewrote it with a join; p99 went from 2.4 s to 180 ms.")


async def forget(em: DiscordEmulator, user: int, channel: int) -> StoredMessage:
    """Run /privacy forget and confirm it; returns the prompt (edited to say what was done)."""
    prompt = await (await em.slash(user, "privacy forget", channel=channel)).wait_original()
    buttons = {c.get("label"): c["custom_id"] for c in _buttons(prompt)}
    await (await em.click(user, prompt, buttons["Delete everything"])).acked()
    return prompt


async def done(em: DiscordEmulator, prompt: StoredMessage) -> StoredMessage:
    return await em.wait_for_edit(prompt, lambda m: m.content.startswith("Done: deleted") and "Closing" not in m.content,
                                  timeout=30)


async def rehearsal(w: World) -> Channel:
    """A STAR rehearsal thread of Alice's, with the coach's buttons under its first message."""
    em = w.emulator
    await (await em.slash(w.alice, "star practice", {"theme": "incident"}, channel=w.channel)).wait_followup()
    thread = await em.wait_for_thread(w.channel, lambda t: w.alice in t.thread_member_ids and t.name.startswith("star"))
    await next_bot_text(em, thread.id, None, lambda m: bool(m.custom_ids()))
    return thread


def without_buttons(em: DiscordEmulator, thread: int) -> bool:
    return all(not m.custom_ids() for m in em.bot_messages(thread, include_ephemeral=False))


async def answered(em: DiscordEmulator, message: StoredMessage) -> None:
    """The ✅ the bot puts under a message it saved as an answer."""
    await em.wait_for_gateway(functools.partial(lambda m: bool(m.reactions.get("✅")), message),
                              what="the ✅ under an answer")


@bounded
async def test_forget_closes_the_threads_and_every_control_left_on_screen_answers_politely(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        thread = await w.start_round("core", "mid")
        await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        question = question_messages(em, thread.id)[0]
        form = await em.click(w.alice, question, button_id(question, "ml:answer:"))  # opened, not yet sent
        await form.acked()
        coach = await rehearsal(w)
        bobs = await w.start_round("core", "mid", user=w.bob)
        await next_bot_text(em, bobs.id, None, lambda m: m.content.startswith("⏱"))
        [(session_id,)] = w.rows("select s.id from sessions s join users u on u.id = s.user_id "
                                 f"where u.external_id = 'discord:{w.alice}'")

        # Reading the round thread is held up by Discord for 5 s: the rows are gone by then, the buttons
        # are still on screen, and the member presses one (the moment the issue reported).
        held = em.rate_limit("GET", rf"/channels/{thread.id}/messages", retry_after=5.0, times=1)
        prompt = await forget(em, w.alice, w.channel)
        async with asyncio.timeout(10):
            while not held.hits:
                await asyncio.sleep(0.02)
        assert w.rows(f"select count(*) from users where external_id = 'discord:{w.alice}'")[0][0] == 0
        press = await em.click(w.alice, question, button_id(question, "ml:answer:"))
        told = await press.wait_response(lambda m: GONE in m.content)
        assert told.ephemeral and session_id not in told.content
        assert em.message(question.id).components == []  # the pressed message lost its buttons at once
        coached = next(m for m in em.bot_messages(coach.id, include_ephemeral=False) if m.custom_ids())
        more = await em.click(w.alice, coached, button_id(coached, "ml:coach:more:"))
        told = await more.wait_response(lambda m: GONE in m.content)
        assert told.ephemeral and "rehearsal" in told.content and em.message(coached.id).components == []
        await asyncio.sleep(TYPING_SECONDS)
        sent = await em.submit_modal(w.alice, form, {_modal_input_id(form.modal or {}): CORE_ANSWER})
        told = await sent.wait_response(lambda m: GONE in m.content)
        assert told.ephemeral and session_id not in told.content

        finished = await done(em, prompt)
        assert "deleted 1 session" in finished.content and "Closed 2 of 2 threads." in finished.content
        for closed in (thread.id, coach.id):
            assert em.channel(closed).archived and em.channel(closed).locked
            assert without_buttons(em, closed)
            assert any(GONE in m.content.lower() for m in em.bot_messages(closed, include_ephemeral=False))
        assert w.rows("select count(*) from answers")[0][0] == 0  # the form's answer went nowhere
        # Bob's round is untouched: open, with its buttons.
        assert not em.channel(bobs.id).archived
        assert any(i.startswith("ml:answer:") for i in question_messages(em, bobs.id)[0].custom_ids())

        # A moderator reopens the closed thread and the member types there: one plain sentence.
        em.channel(thread.id).locked = False
        typed = await em.say(w.alice, thread.id, CORE_ANSWER)
        reply = await next_bot_text(em, thread.id, typed, lambda m: GONE in m.content)
        assert session_id not in reply.content and reply.allowed_mentions == {"parse": []}
        again = await em.say(w.alice, thread.id, "hello?")
        await asyncio.sleep(0.5)
        assert not [m for m in em.bot_messages(thread.id, include_ephemeral=False) if m.id > again.id]  # said once
        em.channel(coach.id).locked = False  # and in the rehearsal's thread: the same sentence, no coaching
        told_story = await em.say(w.alice, coach.id, STORY)
        await next_bot_text(em, coach.id, told_story, lambda m: GONE in m.content)
        assert w.rows("select count(*) from users")[0][0] == 1  # typing there made no new user of her
        assert w.rows("select count(*) from coach_rooms")[0][0] == 0


@bounded
async def test_discord_refusing_the_clean_up_never_stops_the_forget(tmp_path: Path,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with world(tmp_path) as w:
        em = w.emulator
        guild = em.state.guilds[w.guild]
        guild.roles[guild.bot_role_id].permissions &= ~PERM_MANAGE_THREADS  # may archive its threads, not lock them
        thread = await w.start_round("core", "mid")
        await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        first = await em.say(w.alice, thread.id, CORE_ANSWER)  # the bot now knows this thread as a round's
        await answered(em, first)
        coach = await rehearsal(w)
        em.channel(coach.id).deleted = True  # a moderator deleted the rehearsal's thread

        finished = await done(em, await forget(em, w.alice, w.channel))
        assert "deleted 1 session" in finished.content and "Closed 1 of 2 threads." in finished.content
        assert w.rows("select count(*) from users")[0][0] == 0
        room = em.channel(thread.id)
        assert room.archived and not room.locked and without_buttons(em, thread.id)

        # Archived but not locked: the member can still write there, and is told once, plainly.
        typed = await em.say(w.alice, thread.id, "Did my answer count?")
        reply = await next_bot_text(em, thread.id, typed, lambda m: GONE in m.content)
        assert "/mock start" in reply.content and not typed.reactions.get("✅")
        assert w.rows("select count(*) from users")[0][0] == 0

    refusals = [r.getMessage() for r in caplog.records if "forgotten member's thread" in r.getMessage()]
    assert refusals, "the refused clean-up was not logged"
    assert all(str(w.alice) not in text and em.token not in text for text in refusals)


@bounded
async def test_a_forget_run_by_another_process_is_answered_politely_here(tmp_path: Path) -> None:
    """With shards, /privacy forget may run in a process other than the one running the round: this
    one still holds the session in memory, and learns it is gone from its next write."""
    async with world(tmp_path) as w:
        em = w.emulator
        thread = await w.start_round("core", "mid")
        await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"))
        await answered(em, await em.say(w.alice, thread.id, CORE_ANSWER))
        [(session_id,)] = w.rows("select id from sessions")
        elsewhere = open_database(f"sqlite+aiosqlite:///{w.database}")
        try:
            assert await SqlUserData(elsewhere).forget_external(f"discord:{w.alice}") == 1
        finally:
            await elsewhere.close()

        question = question_messages(em, thread.id)[-1]
        press = await em.click(w.alice, question, button_id(question, "ml:skip:"))
        told = await press.wait_response(lambda m: GONE in m.content, timeout=10)
        assert told.ephemeral and session_id not in told.content
        await em.wait_for_edit(question, lambda m: m.components == [], timeout=10)
        typed = await em.say(w.alice, thread.id, "Shall I go on?")
        reply = await next_bot_text(em, thread.id, typed, lambda m: GONE in m.content)
        assert session_id not in reply.content
        assert w.rows("select count(*) from sessions")[0][0] == 0 and w.rows("select count(*) from answers")[0][0] == 0


def _raw(database: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (database, Path(f"{database}-wal")) if p.exists())


async def _mockloop_run(em: DiscordEmulator, database: Path, log: Path) -> asyncio.subprocess.Process:
    env = bot_process_env(em, f"sqlite+aiosqlite:///{database}")
    with open(log, "ab") as out:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=database.parent, env=env,
                                                    stdout=out, stderr=out)


async def _serve(em: DiscordEmulator, alice: int, channel: int, answer: str, story: str) -> tuple[Channel, Channel]:
    """Alice answers a question by typing it, and saves a story to her bank; returns both threads."""
    handle = await em.slash(alice, "mock start", {"round": "core", "level": "mid"}, channel=channel)
    await handle.wait_followup(lambda m: "round is in" in m.content, timeout=15)
    thread = await em.wait_for_thread(channel, lambda t: t.name.startswith("mock"))
    await next_bot_text(em, thread.id, None, lambda m: m.content.startswith("⏱"), timeout=15)
    await answered(em, await em.say(alice, thread.id, answer))
    await (await em.slash(alice, "star practice", {"theme": "incident"}, channel=channel)).wait_followup(timeout=15)
    coach = await em.wait_for_thread(channel, lambda t: t.name.startswith("star"))
    told = await em.say(alice, coach.id, story)
    reply = await next_bot_text(em, coach.id, told, lambda m: "scores" in m.content, timeout=15)
    await (await em.click(alice, reply, button_id(reply, "ml:coach:done:"))).acked()
    await next_bot_text(em, coach.id, reply, lambda m: "Saved to your story bank" in m.content, timeout=15)
    return thread, coach


async def test_mockloop_run_leaves_no_forgotten_words_in_the_sqlite_files(tmp_path: Path) -> None:
    database, log = tmp_path / "bot.db", tmp_path / "bot.log"
    answer = "quokka-zanzibar-4471: " + CORE_ANSWER
    story = STORY + " Codename wombat-tbilisi-5583."
    async with asyncio.timeout(120), running_discord(point_discord_py=False) as em:
        alice = em.add_user("alice")
        channel = em.default_channel_id
        assert channel is not None
        proc = await _mockloop_run(em, database, log)
        try:
            await em.wait_for_gateway(lambda: em.identify_count >= 1 and bool(em.synced_commands(em.default_guild_id)),
                                      timeout=30, what="mockloop run to log in and sync")
            await em.wait_until_connected(timeout=15)
            thread, coach = await _serve(em, alice, channel, answer, story)
            on_disk = _raw(database)
            assert b"quokka-zanzibar-4471" in on_disk and b"wombat-tbilisi-5583" in on_disk

            finished = await done(em, await forget(em, alice, channel))
            assert "Closed 2 of 2 threads." in finished.content
            on_disk = _raw(database)  # read while the bot still runs, as anyone with the disk could
            assert b"quokka-zanzibar-4471" not in on_disk and b"wombat-tbilisi-5583" not in on_disk
            assert str(alice).encode() not in on_disk
            assert all(em.channel(t.id).archived and em.channel(t.id).locked for t in (thread, coach))
        except BaseException:
            proc.kill()
            await proc.wait()
            raise
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 20)
        assert proc.returncode == 0, log.read_text()
        em.assert_acks_within(3.0)

