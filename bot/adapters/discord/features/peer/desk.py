"""Peer interviews on Discord: turns presses, messages and timers into engine steps, and the
engine's events into messages in the pair's thread.

Everything that must happen once, whichever bot process is alive, is a timer row (opening the
pair's thread, the no-show check, a later slot's pairing pass, a question's deadline), fired by
the one dispatcher; so a process killed mid-session loses nothing, and the next one carries on
from the rows.  The interviewer's material only ever goes out as ephemeral replies to their own
presses, never into the thread.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import discord

import bot.adapters.discord.features.peer.render as words
import bot.adapters.discord.features.peer.views as ui
from bot.engine.models import Level, Question, RoundKind, Track
from bot.engine.peer_grading import brief_for, compare
from bot.engine.peer_ports import PeerStore
from bot.engine.peer_round import PeerEvent
from bot.engine.peer_service import PeerService
from bot.engine.peer_state import PeerError, PeerSession, PeerTurn, Phase
from bot.engine.ports import QuestionBank
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.ports import Due

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
TIMER_KINDS = ("peer-open", "peer-confirm", "peer-pair", "peer-deadline")


def member_of(user: discord.abc.User) -> str:
    return f"discord:{user.id}"


def discord_id(member: str) -> int:
    return int(member.removeprefix("discord:"))


class PeerDesk:
    """The peer feature's Discord side; implements :class:`~bot.adapters.discord.features.peer.views.PeerActions`."""

    def __init__(self, service: PeerService, store: PeerStore, bank: QuestionBank, dispatcher: Dispatcher) -> None:
        self.service = service
        self.store = store
        self.bank = bank
        self.dispatcher = dispatcher
        self.client: discord.Client | None = None
        self._threads: dict[int, str] = {}  # thread id -> pairing id, so each typed answer costs one read less

    def bind(self, client: discord.Client) -> None:
        self.client = client
        for kind, handler in zip(TIMER_KINDS, (self._open, self._confirm_due, self._pair_due, self._deadline),
                                 strict=True):
            self.dispatcher.on(kind, handler)

    # ---------------------------------------------------------------- queue

    async def join(self, user: discord.abc.User, round_: RoundKind, level: Level, track: Track,
                   when: Any, guild: int, channel: int) -> None:
        await self.service.join(member_of(user), round_, level, track, when, str(guild), str(channel))
        await self.pair_now()

    async def pair_now(self) -> None:
        """A pairing pass; the threads of new pairs open through their timers (in whichever process)."""
        made = await self.service.pair(self.dispatcher.name)
        if made:
            log.info("peer pairing: %d pair(s) made", len(made))
            self.dispatcher.wake()

    async def block(self, user: discord.abc.User, other: discord.abc.User) -> None:
        await self.service.block(member_of(user), member_of(other))

    async def leave(self, user: discord.abc.User) -> str:
        outcome = await self.service.leave(member_of(user))
        if outcome is None:
            return "You left the peer queue."
        await self.tell(outcome.session, outcome.events)
        return "You left the peer interview; your partner has been told."

    # ---------------------------------------------------------------- timers

    async def _open(self, due: Due) -> None:
        loaded = await self.store.load(str(due.payload.get("pairing", "")))
        if loaded is None or not loaded[0].live or self.client is None:
            return
        session = loaded[0]
        if await self.store.thread_of(session.id) is not None:
            return  # opened already (this timer fired again after a crash)
        channel = self.client.get_channel(int(session.channel or 0))
        if not isinstance(channel, discord.TextChannel):
            log.warning("peer pairing %s: its channel is gone", session.id[:8])
            return
        thread = await channel.create_thread(name=f"peer {session.round.value} · {session.level.value}",
                                             type=discord.ChannelType.private_thread, invitable=False,
                                             auto_archive_duration=1440)
        await self.store.set_thread(session.id, str(thread.id))
        for member in session.members:
            await thread.add_user(discord.Object(discord_id(member)))
        await thread.send(words.welcome(session), view=ui.button("confirm", session.id), allowed_mentions=NONE)

    async def _confirm_due(self, due: Due) -> None:
        pairing_id = str(due.payload.get("pairing", ""))
        try:
            outcome, no_show = await self.service.expire(pairing_id)
        except PeerError:
            return
        if no_show is not None:
            await self._post(outcome.session, words.dropped(no_show.dropped, no_show.requeued))
            await self.pair_now()

    async def _pair_due(self, due: Due) -> None:
        await self.pair_now()

    async def _deadline(self, due: Due) -> None:
        try:
            outcome = await self.service.tick(str(due.payload.get("pairing", "")))
        except PeerError:
            return
        await self.tell(outcome.session, outcome.events)

    # ---------------------------------------------------------------- what the pair sees

    async def _thread(self, session: PeerSession) -> discord.abc.Messageable | None:
        thread_id = await self.store.thread_of(session.id)
        if thread_id is None or self.client is None:
            return None
        found: object = self.client.get_channel(int(thread_id))
        if found is None:
            with contextlib.suppress(discord.HTTPException):
                found = await self.client.fetch_channel(int(thread_id))
        return found if isinstance(found, discord.Thread) else None

    async def _post(self, session: PeerSession, text: str | None = None, **extra: Any) -> None:
        thread = await self._thread(session)
        if thread is not None:
            await thread.send(text, allowed_mentions=NONE, **extra)

    async def tell(self, session: PeerSession, events: list[PeerEvent]) -> None:
        """Put each engine event into the thread (and timers, and DMs at the end)."""
        for event in events:
            turn = session.turns[event.turn] if event.turn is not None else None
            if event.kind == "ready" and turn is not None:
                await self._post(session, words.ready(turn), view=ui.button("panel", session.id))
            elif event.kind == "asked" and turn is not None and turn.deadline_at is not None:
                await self._post(session, embed=words.question_embed(turn, self.bank.get(turn.question_id)))
                self.dispatcher.wake()  # its deadline timer was saved with the step: sleep until then
            elif event.kind == "followup" and event.text:
                await self._post(session, words.follow_up(event.text))
            elif event.kind == "closed" and turn is not None:
                await self._post(session, words.closed(turn, event.text or ""), view=ui.button("rate", session.id))
            elif event.kind == "swapped" and turn is not None:
                await self._post(session, embed=self.scorecard(session.turns[0]))
                await self._post(session, words.swapped(turn), view=ui.button("panel", session.id))
            elif event.kind == "finished":
                await self._post(session, embed=self.scorecard(session.turns[1]))
                await self._post(session, words.finished(session), view=ui.button("review", session.id))
                await self._send_scorecards(session)
            elif event.kind == "left" and event.member:
                await self._post(session, words.left(event.member))

    def scorecard(self, turn: PeerTurn) -> discord.Embed:
        assert turn.rating is not None and turn.offline is not None
        rubric = self.bank.rubric(turn.question_id)
        return words.scorecard(turn, self.bank.get(turn.question_id), compare(rubric, turn.rating, turn.offline))

    async def _send_scorecards(self, session: PeerSession) -> None:
        """Each member gets the scorecard of the turn they answered, privately."""
        for turn in session.turns:
            await self._dm(turn.candidate, embed=self.scorecard(turn))

    async def _dm(self, member: str, text: str | None = None, **extra: Any) -> None:
        """A direct message; closed DMs are not an error (the thread shows the same, or it can wait)."""
        if self.client is None:
            return
        try:
            user = self.client.get_user(discord_id(member)) or await self.client.fetch_user(discord_id(member))
            await user.send(text, allowed_mentions=NONE, **extra)
        except discord.HTTPException as exc:
            log.info("peer message not sent by DM (%s)", exc.status)

    # ---------------------------------------------------------------- presses

    async def _guarded(self, interaction: discord.Interaction[Any], step: Any) -> None:
        """Acknowledge at once, run the step, and put a refusal in one private sentence."""
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            reply = await step()
        except PeerError as exc:
            await interaction.followup.send(str(exc), ephemeral=True)
            return
        if reply:
            await interaction.followup.send(reply, ephemeral=True)

    async def press(self, interaction: discord.Interaction[Any], action: str, pairing_id: str) -> None:
        member = member_of(interaction.user)
        if action in ("panel", "rate", "review"):
            await self._private(interaction, action, pairing_id, member)
            return

        async def step() -> str:
            outcome = await {"confirm": self.service.confirm, "ask": self.service.ask,
                             "close": self.service.close}[action](pairing_id, member)
            await self.tell(outcome.session, outcome.events)
            return {"confirm": "You're confirmed.", "ask": "Question posted; the clock runs.",
                    "close": "Closed; rate the answer when ready."}[action]

        await self._guarded(interaction, step)

    async def _private(self, interaction: discord.Interaction[Any], action: str, pairing_id: str, member: str) -> None:
        """The interviewer's panel and the rating steps: ephemeral, for the presser only."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        loaded = await self.store.load(pairing_id)
        turn = loaded[0].current() if loaded else None
        if action == "review":
            await interaction.followup.send(words.interviewer_step(0), view=ui.review_view(pairing_id, ""),
                                            ephemeral=True)
            return
        if turn is None or turn.interviewer != member:
            await interaction.followup.send("Only the interviewer of the current turn can use that.", ephemeral=True)
            return
        brief = brief_for(self.bank.get(turn.question_id), self.bank.rubric(turn.question_id))
        if action == "panel":
            await interaction.followup.send(embed=words.panel_embed(brief, turn.minutes),
                                            view=ui.panel_view(pairing_id, brief), ephemeral=True)
        elif turn.phase != Phase.RATING:
            await interaction.followup.send("Rate once the question is closed (time up, or Move on).", ephemeral=True)
        else:
            first = brief.criteria[0]
            await interaction.followup.send(words.rating_step(first.name, 0, len(brief.criteria)),
                                            view=ui.level_view(pairing_id, turn.position, "", first), ephemeral=True)

    async def follow_up(self, interaction: discord.Interaction[Any], pairing_id: str, criterion: str) -> None:
        async def step() -> str:
            outcome = await self.service.follow_up(pairing_id, member_of(interaction.user), criterion)
            await self.tell(outcome.session, outcome.events)
            return "Follow-up posted."

        await self._guarded(interaction, step)

    async def level(self, interaction: discord.Interaction[Any], pairing_id: str, position: int, digits: str) -> None:
        loaded = await self.store.load(pairing_id)
        if loaded is None:
            await interaction.response.send_message("That peer interview no longer exists.", ephemeral=True)
            return
        question_id = loaded[0].turns[position].question_id
        brief = brief_for(self.bank.get(question_id), self.bank.rubric(question_id))
        names = [c.name for c in brief.criteria]
        if len(digits) < len(brief.criteria):
            nxt = brief.criteria[len(digits)]
            await interaction.response.edit_message(content=words.rating_step(nxt.name, len(digits), len(names)),
                                                    view=ui.level_view(pairing_id, position, digits, nxt))
            return
        await interaction.response.edit_message(content=words.rated_so_far(names, digits),
                                                view=ui.submit_view(pairing_id, position, digits))

    async def submit(self, interaction: discord.Interaction[Any], pairing_id: str, position: int, digits: str,
                     with_note: bool) -> None:
        if with_note:
            await interaction.response.send_modal(ui.NoteModal(self, pairing_id, position, digits))
            return
        await self.rate(interaction, pairing_id, position, digits, None)

    async def rate(self, interaction: discord.Interaction[Any], pairing_id: str, position: int, digits: str,
                   note: str | None) -> None:
        async def step() -> str:
            loaded = await self.store.load(pairing_id)
            turn = loaded[0].current() if loaded else None
            if turn is None or turn.position != position:
                raise PeerError("That turn is already rated.")
            rubric = self.bank.rubric(turn.question_id)
            levels = {c.id: int(d) for c, d in zip(rubric.criteria, digits, strict=False)}
            outcome = await self.service.rate(pairing_id, member_of(interaction.user), levels, note)
            await self.tell(outcome.session, outcome.events)
            return "Rated; the scorecard is in the thread."

        await self._guarded(interaction, step)

    async def review(self, interaction: discord.Interaction[Any], pairing_id: str, digits: str) -> None:
        if len(digits) < len(words.INTERVIEWER_ASPECTS):
            await interaction.response.edit_message(content=words.interviewer_step(len(digits)),
                                                    view=ui.review_view(pairing_id, digits))
            return

        async def step() -> str:
            clarity, followups, time_keeping = (int(d) for d in digits)
            member = member_of(interaction.user)
            outcome = await self.service.rate_interviewer(pairing_id, member, clarity, followups, time_keeping)
            await self._dm(outcome.session.partner(member), words.reviewed(outcome.session.interviewer_ratings[member]))
            return "Thanks: your rating of your interviewer is saved, and they have been told."

        await self._guarded(interaction, step)

    # ---------------------------------------------------------------- answers typed in the thread

    async def pairing_of_thread(self, thread_id: int) -> str | None:
        found = self._threads.get(thread_id)
        if found is None:
            found = await self.store.by_thread(str(thread_id))
            if found is not None:
                if len(self._threads) > 10_000:
                    self._threads.clear()
                self._threads[thread_id] = found
        return found

    async def open_question(self, pairing_id: str, user: discord.abc.User) -> Question | None:
        """The question ``user`` is answering right now in this pairing, if they are its candidate."""
        loaded = await self.store.load(pairing_id)
        turn = loaded[0].current() if loaded else None
        if turn is None or turn.candidate != member_of(user) or turn.phase != Phase.ASKED:
            return None  # conversation between the two, or the interviewer speaking: not an answer
        return self.bank.get(turn.question_id)

    async def answered(self, message: discord.Message, pairing_id: str, text: str) -> None:
        """The candidate's words while their question is open; a ✅ says they were taken."""
        try:
            outcome = await self.service.answer(pairing_id, member_of(message.author), text)
        except PeerError as exc:
            await message.reply(str(exc), allowed_mentions=NONE)
            return
        with contextlib.suppress(discord.HTTPException):  # a courtesy
            await message.add_reaction("✅")
        await self.tell(outcome.session, outcome.events)

