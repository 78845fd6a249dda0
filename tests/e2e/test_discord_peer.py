"""Peer mock interviews end to end: the product's composition root and the real discord.py client
against the local Discord server, two simulated members interviewing each other both ways.

What a member relies on: the pair gets a private thread; the interviewer's material (what a strong
answer covers, the rubric, the follow-ups) reaches only the interviewer; ratings land beside the
offline scorer's; the roles swap with a different question; both get scorecards and both rounds
reach their history; a no-show and a leave are handled; nothing typed can ping anyone.
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.bootstrap import load_bank
from bot.discord_root import DiscordApp
from bot.engine.peer_ports import PeerStore
from tests.e2e.test_discord import TYPING_SECONDS, World, _modal_input_id, bounded, next_bot_text, world
from tests.e2e.test_discord_restart import start_bot
from tests.e2e.test_discord_voice import bot_with_speech
from tests.servers.discord import DiscordEmulator, InteractionHandle, running_discord
from tests.servers.discord.state import Channel, StoredMessage
from tests.voice import speak

ANSWER = ("A list is mutable, so appending changes the same object every name bound to it sees, while a tuple is "
          "immutable and hashable when its items are, which is why tuples can be dictionary keys.")
PINGS = "@everyone @here <@{bob}> "


def store(app: DiscordApp) -> PeerStore:
    assert app.bot.peer_desk is not None
    return app.bot.peer_desk.store


def with_id(message: StoredMessage, prefix: str) -> str:
    return next(i for i in message.custom_ids() if i.startswith(prefix))


async def join(em: DiscordEmulator, user: int, channel: int, **extra: Any) -> StoredMessage:
    handle = await em.slash(user, "peer join", {"round": "core", "level": "mid", **extra}, channel=channel)
    reply = await handle.wait_followup(lambda m: "queue" in m.content, timeout=10)
    assert reply.ephemeral
    return reply


async def paired_thread(w: World | tuple[DiscordEmulator, int], *members: int) -> Channel:
    """The pair's thread once both are in it (members are added after it is created, so poll)."""
    em, channel = (w.emulator, w.channel) if isinstance(w, World) else w
    async with asyncio.timeout(15):
        while True:
            found = [t for t in em.threads(channel) if set(members) <= set(t.thread_member_ids)]
            if found:
                return found[-1]
            await asyncio.sleep(0.02)


async def press(em: DiscordEmulator, user: int, message: StoredMessage, prefix: str,
                values: list[str] | None = None) -> InteractionHandle:
    handle = await em.click(user, message, with_id(message, prefix), values=values)
    await handle.acked()
    return handle


async def confirm_both(em: DiscordEmulator, thread: Channel, first: int, second: int) -> StoredMessage:
    welcome = await next_bot_text(em, thread.id, None, lambda m: "Peer mock interview" in m.content)
    for user in (first, second):
        await (await press(em, user, welcome, "pr:confirm:")).wait_followup(lambda m: "confirmed" in m.content)
    return await next_bot_text(em, thread.id, welcome, lambda m: m.content.startswith("Turn 1 of 2"))


async def open_panel(em: DiscordEmulator, user: int, message: StoredMessage) -> StoredMessage:
    handle = await press(em, user, message, "pr:panel:")
    return await handle.wait_followup(lambda m: bool(m.embeds), timeout=10)


async def rate(em: DiscordEmulator, user: int, closed: StoredMessage, levels: str, note: str | None) -> None:
    """Press Rate, pick each criterion's level in turn (``levels`` in order, repeating its last), and
    submit (with a note if given)."""
    step = await (await press(em, user, closed, "pr:rate:")).wait_followup(lambda m: "Criterion 1" in m.content)
    assert step.ephemeral
    picked = 0
    while any(i.startswith("pr:lv:") for i in em.message(step.id).custom_ids()):
        await press(em, user, em.message(step.id), "pr:lv:", values=[levels[min(picked, len(levels) - 1)]])
        picked += 1
        await em.wait_for_edit(step, min_version=picked)  # each pick shows the next criterion, or Submit
    final = em.message(step.id)
    assert "Your levels" in final.content
    if note is None:
        await (await press(em, user, final, "pr:done:")).wait_followup(lambda m: "Rated" in m.content, timeout=15)
        return
    opened = await press(em, user, final, "pr:note:")
    await asyncio.sleep(TYPING_SECONDS)
    submitted = await em.submit_modal(user, opened, {_modal_input_id(opened.modal or {}): note})
    await submitted.wait_followup(lambda m: "Rated" in m.content, timeout=15)


async def answers_saved(app: DiscordApp, pairing_id: str, turn: int, count: int) -> None:
    """Until the candidate's typed answers of ``turn`` are stored (messages are handled as they arrive)."""
    async with asyncio.timeout(5):
        while True:
            loaded = await store(app).load(pairing_id)
            if loaded is not None and len(loaded[0].turns[turn].answers) >= count:
                return
            await asyncio.sleep(0.02)


def visible_to(em: DiscordEmulator, channel: int, user: int) -> list[StoredMessage]:
    """What ``user`` can read in a channel: every public message, and ephemerals shown to them."""
    return [m for m in em.messages(channel, include_ephemeral=True)
            if not m.ephemeral or (m.interaction_metadata or {}).get("user", {}).get("id") == str(user)]


def text_of(message: StoredMessage) -> str:
    return message.content + json.dumps(message.embeds)


@bounded
async def test_two_members_interview_each_other_both_ways(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em, app = w.emulator, w.app
        await join(em, w.alice, w.channel)
        await join(em, w.bob, w.channel)
        thread = await paired_thread(w, w.alice, w.bob)
        ready = await confirm_both(em, thread, w.alice, w.bob)
        assert f"<@{w.alice}> interviews" in ready.content  # the one who waited longer asks first

        refused = await press(em, w.bob, ready, "pr:panel:")
        assert "Only the interviewer" in (await refused.wait_followup()).content
        panel = await open_panel(em, w.alice, ready)
        assert panel.ephemeral
        pid = with_id(panel, "pr:ask:").split(":")[2]
        session, _ = await store(app).load(pid)  # type: ignore[misc]
        first_q = app.services.bank.get(session.turns[0].question_id)
        assert first_q.strong_answer[0] in text_of(panel)
        await press(em, w.alice, panel, "pr:ask:")
        asked = await next_bot_text(em, thread.id, ready, lambda m: "Question 1 of 2" in json.dumps(m.embeds))
        await em.say(w.bob, thread.id, PINGS.format(bob=w.bob) + ANSWER)
        await answers_saved(app, pid, 0, 1)
        followup = next(o["value"] for c in panel.components for o in c["components"][0].get("options", []))
        await press(em, w.alice, panel, "pr:fu:", values=[followup])
        await next_bot_text(em, thread.id, asked, lambda m: m.content.startswith("**Follow-up:**"))
        await em.say(w.bob, thread.id, "Strings and ints are immutable too, so += rebinds the name.")
        await answers_saved(app, pid, 0, 2)
        await press(em, w.alice, panel, "pr:close:")
        closed = await next_bot_text(em, thread.id, asked, lambda m: "moved on" in m.content)
        await rate(em, w.alice, closed, "3210",
                   f"Good structure. @everyone <@{w.bob}>")
        card = await next_bot_text(em, thread.id, closed, lambda m: "Scorecard, turn 1" in json.dumps(m.embeds))
        assert "offline" in json.dumps(card.embeds)
        swapped = await next_bot_text(em, thread.id, card, lambda m: m.content.startswith("Roles swap"))

        panel2 = await open_panel(em, w.bob, swapped)  # now bob asks, a different question
        second_q = app.services.bank.get(session.turns[1].question_id)
        assert second_q.id != first_q.id and second_q.strong_answer[0] in text_of(panel2)
        await press(em, w.bob, panel2, "pr:ask:")
        asked2 = await next_bot_text(em, thread.id, swapped, lambda m: "Question 2 of 2" in json.dumps(m.embeds))
        await em.say(w.alice, thread.id, ANSWER)
        await answers_saved(app, pid, 1, 1)
        w.clock.advance(minutes=11)  # the clock runs out; the deadline timer closes the question
        closed2 = await next_bot_text(em, thread.id, asked2, lambda m: m.content.startswith("Time is up"), timeout=15)
        await rate(em, w.bob, closed2, "1", None)
        done = await next_bot_text(em, thread.id, closed2, lambda m: "Rate your interviewer" in m.content, timeout=15)
        for user in (w.alice, w.bob):
            step = await (await press(em, user, done, "pr:review:")).wait_followup(lambda m: "1 of 3" in m.content)
            for n, level in enumerate("321"):
                handle = await press(em, user, em.message(step.id), "pr:iv:", values=[level])
                if n < 2:
                    await em.wait_for_edit(step, min_version=n + 1)
            await handle.wait_followup(lambda m: "saved" in m.content)
        for user in (w.alice, w.bob):  # each interviewer hears how they were rated
            told = await next_bot_text(em, em.dm_channel_id(user), None, lambda m: "as an interviewer" in m.content)
            assert "clarity 3/3, follow-ups 2/3, time keeping 1/3" in told.content
        for user, question in ((w.bob, first_q), (w.alice, second_q)):  # each got their own scorecard privately
            dm = await next_bot_text(em, em.dm_channel_id(user), None, lambda m: "Scorecard" in json.dumps(m.embeds))
            assert question.title in json.dumps(dm.embeds)

        # The candidate never saw the interviewer's material; nothing in the thread pings anyone.
        for user, question in ((w.bob, first_q), (w.alice, second_q)):
            for message in visible_to(em, thread.id, user):
                assert question.strong_answer[0] not in text_of(message), message.content
        for message in em.bot_messages(thread.id, include_ephemeral=False):
            assert not message.pings_everyone() and not message.pinged_user_ids(), message.content
        note = json.dumps(card.embeds, ensure_ascii=False)
        assert "Good structure." in note and "@\u200beveryone" in note  # the note is shown, defused

        stored, _ = await store(app).load(pid)  # type: ignore[misc]
        assert stored.status.value == "finished" and len(stored.turns[0].answers) == 2
        assert stored.turns[0].answers[1].followup == followup
        assert set(stored.interviewer_ratings) == {f"discord:{w.alice}", f"discord:{w.bob}"}
        for user in (w.alice, w.bob):  # both rounds are in the members' histories like any round
            history = await app.services.repo.list_sessions(await app.services.repo.ensure_user(f"discord:{user}", ""), 5)
            assert len(history) == 1 and history[0].rounds[0].questions[0].result is not None
            reply = await (await em.slash(user, "mock history", channel=w.channel)).wait_followup(timeout=10)
            assert "core" in json.dumps(reply.embeds)


@bounded
async def test_a_no_show_is_dropped_and_the_partner_is_paired_first_next(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        carol = em.add_user("carol")
        await join(em, w.alice, w.channel)
        await join(em, w.bob, w.channel)
        thread = await paired_thread(w, w.alice, w.bob)
        welcome = await next_bot_text(em, thread.id, None, lambda m: "Peer mock interview" in m.content)
        await (await press(em, w.bob, welcome, "pr:confirm:")).wait_followup(lambda m: "confirmed" in m.content)
        w.clock.advance(seconds=61)
        told = await next_bot_text(em, thread.id, welcome, lambda m: "did not confirm" in m.content, timeout=15)
        assert f"<@{w.alice}>" in told.content and "front of the queue" in told.content
        late = await press(em, w.alice, welcome, "pr:confirm:")
        assert "pairing" in (await late.wait_followup()).content  # one sentence, nothing else happens
        await join(em, carol, w.channel)
        await paired_thread(w, w.bob, carol)


@bounded
async def test_leaving_mid_session_tells_the_partner_and_blocking_keeps_two_apart(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        em = w.emulator
        carol = em.add_user("carol")
        await join(em, w.alice, w.channel)
        await join(em, w.bob, w.channel)
        thread = await paired_thread(w, w.alice, w.bob)
        ready = await confirm_both(em, thread, w.alice, w.bob)
        panel = await open_panel(em, w.alice, ready)
        await press(em, w.alice, panel, "pr:ask:")
        reply = await (await em.slash(w.bob, "peer leave", channel=w.channel)).wait_followup(timeout=10)
        assert "left the peer interview" in reply.content
        await next_bot_text(em, thread.id, ready, lambda m: f"<@{w.bob}> left" in m.content)

        blocked = await (await em.slash(w.alice, "peer block", {"member": carol}, channel=w.channel)).wait_followup()
        assert "won't be paired" in blocked.content
        await join(em, w.alice, w.channel)
        await join(em, carol, w.channel)
        await asyncio.sleep(0.5)
        assert len([t for t in em.threads(w.channel) if carol in t.thread_member_ids]) == 0
        await join(em, w.bob, w.channel)
        await paired_thread(w, w.alice, w.bob, )
        assert await _queued(w.app, carol)


async def _queued(app: DiscordApp, user: int) -> bool:
    return await store(app).queued(f"discord:{user}") is not None


async def test_a_whole_peer_session_through_mockloop_run_survives_kill_9(tmp_path: Path) -> None:
    """Real ``mockloop run`` processes and the real clock: the first is killed with SIGKILL after the
    candidate's first answer; the second carries on from the rows and old buttons keep working."""
    database, log = tmp_path / "bot.db", tmp_path / "bot.log"
    async with asyncio.timeout(150), running_discord(point_discord_py=False) as em:
        alice, bob = em.add_user("alice"), em.add_user("bob")
        channel = em.default_channel_id
        assert channel is not None
        first = await start_bot(em, database, log)
        second: asyncio.subprocess.Process | None = None
        try:
            await em.wait_for_gateway(lambda: em.identify_count >= 1 and em.gateway.sessions.get(0) is not None
                                      and em.gateway.sessions[0].connection is not None, timeout=30, what="login")
            await join(em, alice, channel)
            await join(em, bob, channel)
            thread = await paired_thread((em, channel), alice, bob)
            ready = await confirm_both(em, thread, alice, bob)
            panel = await open_panel(em, alice, ready)
            await press(em, alice, panel, "pr:ask:")
            await next_bot_text(em, thread.id, ready, lambda m: "Question 1 of 2" in json.dumps(m.embeds))
            await em.say(bob, thread.id, ANSWER)
            await rows_until(database, "select count(*) from peer_rounds where answers like '%tuple%'", 1)

            first.send_signal(signal.SIGKILL)
            await first.wait()
            second = await start_bot(em, database, log)
            await em.wait_for_gateway(lambda: em.identify_count >= 2 and em.gateway.sessions.get(0) is not None
                                      and em.gateway.sessions[0].connection is not None, timeout=30, what="relogin")
            await asyncio.sleep(1)  # the new process has synced its commands and registered its buttons
            await em.say(bob, thread.id, "Strings and ints are immutable too, so += rebinds the name.")
            await rows_until(database, "select count(*) from peer_rounds where answers like '%rebinds%'", 1)
            await press(em, alice, em.message(panel.id), "pr:close:")  # a button from the killed process
            closed = await next_bot_text(em, thread.id, ready, lambda m: "moved on" in m.content, timeout=15)
            await rate(em, alice, closed, "2", None)
            swapped = await next_bot_text(em, thread.id, closed, lambda m: m.content.startswith("Roles swap"),
                                          timeout=15)
            panel2 = await open_panel(em, bob, swapped)
            await press(em, bob, panel2, "pr:ask:")
            await next_bot_text(em, thread.id, swapped, lambda m: "Question 2 of 2" in json.dumps(m.embeds))
            await em.say(alice, thread.id, ANSWER)
            await rows_until(database, "select count(*) from peer_rounds where position = 1 and answers like '%tuple%'",
                             1)
            await press(em, bob, panel2, "pr:close:")
            closed2 = await next_bot_text(em, thread.id, swapped, lambda m: "moved on" in m.content, timeout=15)
            await rate(em, bob, closed2, "1", None)
            await next_bot_text(em, thread.id, closed2, lambda m: "Rate your interviewer" in m.content, timeout=15)
            assert rows(database, "select status from peer_pairings") == [("finished",)]
            assert rows(database, "select count(*) from sessions where status = 'completed'") == [(2,)]
            [(answers,)] = rows(database, "select answers from peer_rounds where position = 0")
            assert [a["text"] for a in json.loads(answers)][1].startswith("Strings and ints")  # nothing lost
            bank = load_bank(warm=False)
            for position, candidate in ((0, bob), (1, alice)):
                [(question_id,)] = rows(database, f"select question_id from peer_rounds where position = {position}")
                question = bank.get(question_id)
                for message in visible_to(em, thread.id, candidate):  # the material stayed with the interviewer
                    assert question.strong_answer[0] not in text_of(message), message.content
                await next_bot_text(em, em.dm_channel_id(candidate), None, mentions(question.title))

            await join(em, alice, channel)  # again, and this time bob leaves in the middle
            await join(em, bob, channel)
            again = await next_thread(em, channel, thread.id)
            ready = await confirm_both(em, again, alice, bob)
            await press(em, alice, await open_panel(em, alice, ready), "pr:ask:")
            reply = await (await em.slash(bob, "peer leave", channel=channel)).wait_followup(timeout=10)
            assert "left the peer interview" in reply.content
            await next_bot_text(em, again.id, ready, lambda m: f"<@{bob}> left" in m.content)
            assert rows(database, "select status, left_by from peer_pairings order by created_at") == [
                ("finished", None), ("abandoned", f"discord:{bob}")]
        finally:
            for proc in (first, second):
                if proc is not None and proc.returncode is None:
                    proc.kill()
                    await proc.wait()
        assert "emulated-bot-token" not in log.read_text()


async def test_a_no_show_through_mockloop_run_on_the_real_clock(tmp_path: Path) -> None:
    """The real process and the real minute: the member who never confirms is dropped and told, the
    one who did goes back to the front of the queue and is the first paired with the next member."""
    database, log = tmp_path / "bot.db", tmp_path / "bot.log"
    async with asyncio.timeout(150), running_discord(point_discord_py=False) as em:
        alice, bob, carol = em.add_user("alice"), em.add_user("bob"), em.add_user("carol")
        channel = em.default_channel_id
        assert channel is not None
        bot = await start_bot(em, database, log)
        try:
            await em.wait_for_gateway(lambda: em.identify_count >= 1 and em.gateway.sessions.get(0) is not None
                                      and em.gateway.sessions[0].connection is not None, timeout=30, what="login")
            await join(em, alice, channel)
            await join(em, bob, channel)
            thread = await paired_thread((em, channel), alice, bob)
            welcome = await next_bot_text(em, thread.id, None, lambda m: "Peer mock interview" in m.content)
            await (await press(em, bob, welcome, "pr:confirm:")).wait_followup(lambda m: "confirmed" in m.content)
            # Nobody touches anything for a minute: the no-show timer, written at pairing, fires in the process.
            told = await next_bot_text(em, thread.id, welcome, lambda m: "did not confirm" in m.content, timeout=90)
            assert f"<@{alice}>" in told.content and "front of the queue" in told.content
            assert rows(database, "select member from peer_queue") == [(f"discord:{bob}",)]
            await join(em, carol, channel)
            await paired_thread((em, channel), bob, carol)
        finally:
            bot.kill()
            await bot.wait()
        assert "emulated-bot-token" not in log.read_text()


async def next_thread(em: DiscordEmulator, channel: int, previous: int) -> Channel:
    async with asyncio.timeout(15):
        while True:
            found = [t for t in em.threads(channel) if t.id != previous and len(t.thread_member_ids) >= 3]
            if found:
                return found[-1]
            await asyncio.sleep(0.02)


def mentions(text: str) -> Callable[[StoredMessage], bool]:
    return lambda message: text in json.dumps(message.embeds)


def rows(database: Path, sql: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


async def rows_until(database: Path, sql: str, count: int) -> None:
    async with asyncio.timeout(10):
        while rows(database, sql)[0][0] < count:
            await asyncio.sleep(0.05)


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real spoken recording, as a Discord voice message carries it."""
    return speak(ANSWER, tmp_path_factory.mktemp("voice"), "ogg", name="voice-message").read_bytes()


@bounded
async def test_a_voice_answer_in_a_peer_turn_is_transcribed_and_taken(tmp_path: Path, recording: bytes) -> None:
    async with bot_with_speech(tmp_path) as (em, server, app):
        alice, bob = em.add_user("alice"), em.add_user("bob")
        channel = em.default_channel_id
        assert channel is not None
        await join(em, alice, channel)
        await join(em, bob, channel)
        thread = await paired_thread((em, channel), alice, bob)
        ready = await confirm_both(em, thread, alice, bob)
        panel = await open_panel(em, alice, ready)
        pid = with_id(panel, "pr:ask:").split(":")[2]
        await em.say(bob, thread.id, "Before the question: is this thing on?")  # not an answer: nothing asked yet
        await press(em, alice, panel, "pr:ask:")
        await next_bot_text(em, thread.id, ready, lambda m: "Question 1 of 2" in json.dumps(m.embeds))
        server.audio.transcript(ANSWER)
        sent = await em.say(bob, thread.id, "", attachments=[("voice-message.ogg", recording)], voice_seconds=9.5)
        shown = await next_bot_text(em, thread.id, sent, lambda m: m.content.startswith("**Transcript**"), timeout=15)
        assert "**Delivery**" in shown.content
        await answers_saved(app, pid, 0, 1)
        loaded = await store(app).load(pid)
        assert loaded is not None and [a.text for a in loaded[0].turns[0].answers] == [ANSWER]
        await em.wait_for_gateway(lambda: bool(sent.reactions.get("✅")), timeout=10, what="the ✅ under the answer")
