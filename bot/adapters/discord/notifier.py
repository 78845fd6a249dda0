"""The engine's Notifier on Discord: each session's events become messages in its private thread.

The engine saves every step's events in the step's own transaction (the session outbox), so
what the thread must show can never be lost between "saved" and "sent".  ``publish`` only wakes
the session's delivery task (:class:`~bot.adapters.discord.relay.Relay`), which reads the
pending rows in order, shows each and then marks it delivered.  A process killed in between
shows the row again after its restart; every message is sent with a nonce made from the row,
which Discord uses to return the message it already created instead of posting a second one,
so each message appears exactly once.  The first events of a new session arrive before its
thread is registered (the engine asks the first question inside ``start``); delivery waits for
the room, briefly, instead of dropping them.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from dataclasses import dataclass, replace
from typing import assert_never

import discord

from bot.adapters.discord import render
from bot.adapters.discord.chart_worker import ChartRenderer
from bot.adapters.discord.features.rounds.buttons import question_view
from bot.adapters.discord.ports import Outbox, Room, Rooms
from bot.adapters.discord.relay import Relay
from bot.adapters.discord.split import split_text
from bot.adapters.discord.stream import stream_edits
from bot.adapters.discord.timers import SessionTimers
from bot.engine import events as ev
from bot.engine import wording
from bot.engine.ports import Clock, Debriefer, QuestionBank
from bot.engine.session import InterviewEngine

log = logging.getLogger(__name__)
ROOM_WAIT_SECONDS = 15.0
NONE = discord.AllowedMentions.none()


@dataclass(frozen=True)
class Nonce:
    """Nonces for the messages of one outbox row: the same row and part give the same nonce after
    a restart, so Discord hands back the message it already posted (at most 25 characters)."""

    session_id: str
    row_id: int

    def part(self, label: str) -> str:
        return f"{self.session_id[:10]}{self.row_id:x}.{label}"[:25]


class DiscordNotifier:
    def __init__(self, rooms: Rooms, outbox: Outbox, bank: QuestionBank, clock: Clock, debriefer: Debriefer,
                 charts: ChartRenderer) -> None:
        self.rooms = rooms
        self.outbox = outbox
        self.charts = charts
        self.bank = bank
        self.clock = clock
        self.debriefer = debriefer
        self.client: discord.Client | None = None
        self.engine: InterviewEngine | None = None
        self.timers: SessionTimers | None = None
        self._rooms: dict[str, Room] = {}
        self._room_ready: dict[str, asyncio.Event] = {}
        self._relay = Relay(self._deliver)
        self._last_fallback: dict[str, str | None] = {}

    def bind(self, client: discord.Client, engine: InterviewEngine, timers: SessionTimers) -> None:
        """Late wiring: the engine needs this notifier before the bot and timers exist."""
        self.client, self.engine, self.timers = client, engine, timers

    def register(self, room: Room) -> None:
        self._rooms[room.session_id] = room
        self._room_ready.setdefault(room.session_id, asyncio.Event()).set()

    async def publish(self, session_id: str, event: ev.Event) -> None:
        """The engine saved ``event`` in the outbox with its step: deliver it (and anything before it)."""
        self._relay.wake(session_id)

    async def post(self, session_id: str, event: ev.Event) -> None:
        await self.outbox.add(session_id, event)
        self._relay.wake(session_id)

    def wake(self, session_id: str) -> None:
        self._relay.wake(session_id)

    async def pending_sessions(self) -> list[str]:
        return await self.outbox.sessions_with_pending()

    async def idle(self) -> None:
        """Wait until every queued event has been sent (tests and shutdown)."""
        await self._relay.idle()

    async def close(self, grace: float = 5.0) -> None:
        """Send what is queued (for at most ``grace`` seconds), then stop; the rest is sent after a restart."""
        await self._relay.close(grace)

    async def _room(self, session_id: str) -> Room | None:
        room = self._rooms.get(session_id)
        if room is None:
            room = await self.rooms.by_session(session_id)
        if room is None:
            ready = self._room_ready.setdefault(session_id, asyncio.Event())
            try:
                await asyncio.wait_for(ready.wait(), ROOM_WAIT_SECONDS)
            except TimeoutError:
                return None
            room = self._rooms.get(session_id)
        if room is not None:
            self._rooms[session_id] = room
        return room

    async def _deliver(self, session_id: str) -> bool:
        """Show the session's pending rows in order; True once its end has been shown."""
        ended = False
        for row_id, event in await self.outbox.pending(session_id):
            room = await self._room(session_id)
            if room is None:
                log.warning("no Discord thread for session %s; event %s dropped", session_id[:8], type(event).__name__)
            else:
                try:
                    await self._show(room, event, Nonce(session_id, row_id))
                except discord.HTTPException as exc:  # refused for good (deleted thread, no access): not retried
                    log.warning("could not show %s in session %s: %s", type(event).__name__, session_id[:8], exc.status)
            await self.outbox.delivered(row_id)
            if isinstance(event, ev.SessionEnded):
                ended = True
                self._rooms.pop(session_id, None)
                self._room_ready.pop(session_id, None)
        if ended:
            await self.outbox.prune(session_id)
        return ended

    async def _thread(self, room: Room) -> discord.abc.Messageable:
        assert self.client is not None
        channel = self.client.get_channel(room.thread_id) or await self.client.fetch_channel(room.thread_id)
        assert isinstance(channel, discord.abc.Messageable)
        return channel

    async def _say(self, room: Room, nonce: Nonce, text: str, label: str = "t") -> None:
        thread = await self._thread(room)
        for i, chunk in enumerate(split_text(text)):
            await thread.send(chunk, allowed_mentions=NONE, nonce=nonce.part(f"{label}{i}"))

    async def _status(self, room: Room, nonce: Nonce, note: str | None = None) -> None:
        """Edit the one status message (time bar) in place: at start, halfway, two minutes, each question."""
        assert self.engine is not None
        state = await self.engine.state(room.session_id)
        round_ = state.current_round()
        if round_ is None or round_.deadline_at is None or round_.started_at is None:
            return
        now = self.clock.now()
        current = round_.current()
        question_left = (current.deadline_at - now) if current is not None and current.deadline_at else None
        text = render.status_text(round_.kind.value, round_.deadline_at - now, round_.deadline_at - round_.started_at,
                                  question_left, note)
        thread = await self._thread(room)
        if room.status_message_id is not None:
            try:
                await thread.get_partial_message(room.status_message_id).edit(content=text)  # type: ignore[attr-defined]
                return
            except discord.NotFound:
                pass
        message = await thread.send(text, allowed_mentions=NONE, nonce=nonce.part("s"))
        room = self._remember(room, status=message.id)
        await self.rooms.set_messages(room.session_id, status=message.id)

    def _remember(self, room: Room, *, status: int | None = None, question: int | None = None) -> Room:
        updated = replace(room, status_message_id=status or room.status_message_id,
                          question_message_id=question or room.question_message_id)
        self._rooms[room.session_id] = updated
        return updated

    async def _retire_buttons(self, room: Room, keep: int | None = None) -> None:
        """Remove the buttons of the last question shown (never of ``keep``, the one now on screen)."""
        if room.question_message_id is None or room.question_message_id == keep:
            return
        thread = await self._thread(room)
        with contextlib.suppress(discord.NotFound):  # deleted by a moderator: nothing left to disable
            await thread.get_partial_message(room.question_message_id).edit(view=None)  # type: ignore[attr-defined]

    async def _show(self, room: Room, event: ev.Event, nonce: Nonce) -> None:
        """Frame the engine's words for ``event`` as Discord messages (bold leads, small notes, a code block)."""
        said = wording.say(event, self.clock.now())
        match event:
            case ev.RoundStarted() | ev.FollowUpAsked() | ev.HintGiven() | ev.RoundEnded():
                await self._say(room, nonce, render.words_text(said))
            case ev.QuestionAsked():
                thread = await self._thread(room)
                # Sent before the old buttons go: a crash in between leaves two questions with buttons
                # (the old one's still work, as late answers), never none.
                message = await thread.send(embed=render.question_embed(said, event.question),
                                            view=question_view(room.session_id, room.discord_user_id),
                                            allowed_mentions=NONE, nonce=nonce.part("q"))
                await self._retire_buttons(room, keep=message.id)
                room = self._remember(room, question=message.id)
                await self.rooms.set_messages(room.session_id, question=message.id)
                await self._status(room, nonce)
                if self.timers is not None:
                    await self.timers.poke(room.session_id, room.guild_id)
            case ev.NoHintLeft() | ev.AnswerRejected() | ev.Notice():
                await self._say(room, nonce, render.words_text(said))
            case ev.AnswerRecorded():
                if event.late:  # an answer in time needs no receipt: the thread shows it
                    await self._say(room, nonce, render.words_text(said))
            case ev.SkipConfirmationNeeded():
                await self._say(room, nonce, f"{render.words_text(said)} Press **Skip** to move on, or answer again.")
            case ev.TimeWarning():
                await self._status(room, nonce, said.lead if said is not None else None)
                await self._say(room, nonce, f"⏳ {render.words_text(said, bold=False)}")
            case ev.QuestionClosed():
                await self._closed(room, event, said, nonce)
            case ev.ClockPaused():
                if event.seconds >= 1:
                    # The bot waited on the model with the clock stopped: the time bar and the timer move with it.
                    await self._status(room, nonce)
                    if self.timers is not None:
                        await self.timers.poke(room.session_id, room.guild_id)
            case ev.SessionEnded():
                await self._finish(room, nonce)
            case ev.CodeChecked():
                text = render.words_text(said)
                await self._say(room, nonce, render.code_report(text) if event.check.ran else text)
            case _:
                assert_never(event)

    async def _closed(self, room: Room, event: ev.QuestionClosed, said: wording.Words | None, nonce: Nonce) -> None:
        reason = event.result.fallback_reason if event.result is not None else None
        if reason and reason != self._last_fallback.get(room.session_id):
            await self._say(room, nonce, wording.graded_offline(reason), "f")
        if event.result is not None and event.result.scorer != "none":
            self._last_fallback[room.session_id] = reason
        if event.reason == "timed_out":  # a skip was the member's own button: its reply says so already
            await self._say(room, nonce, f"⏰ {render.words_text(said)}", "o")

    async def _finish(self, room: Room, nonce: Nonce) -> None:
        assert self.engine is not None
        if self.timers is not None:
            await self.timers.stop(room.session_id)
        self._last_fallback.pop(room.session_id, None)
        await self._retire_buttons(room)
        state = await self.engine.state(room.session_id)
        thread = await self._thread(room)
        # Drawn in the chart worker while the scorecard and the debrief go out; added to the card after.
        chart = asyncio.ensure_future(self.charts.criterion(state, self.bank))
        try:
            card: tuple[discord.Message, list[discord.Embed]] | None = None
            for i, embeds in enumerate(render.scorecard_messages(state, self.bank)):
                sent = await thread.send(embeds=embeds, allowed_mentions=NONE, nonce=nonce.part(f"c{i}"))
                card = card or (sent, embeds)
            await stream_edits(thread, "**Debrief**", self.debriefer.debrief(state), self.clock, nonce.part("d"))
            png = await chart
        finally:
            chart.cancel()
        if png is not None and card is not None:
            message, embeds = card
            embeds[0].set_image(url="attachment://scores.png")
            await message.edit(embeds=embeds, attachments=[discord.File(io.BytesIO(png), "scores.png")])
