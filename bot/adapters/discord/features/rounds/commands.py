"""The round commands of /mock: start a round or the whole loop in a private thread, then end, skip,
ask for a hint or see the time left.

A mixin of the one /mock cog (``features.mock``); the buttons under each question do the same from
the thread (``buttons``), and typed or spoken answers arrive there (``answers``, ``recordings``).
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord import render
from bot.adapters.discord.choices import LEVEL_CHOICES, ROUND_CHOICES, TRACK_CHOICES
from bot.adapters.discord.features.rounds.starting import open_round
from bot.adapters.discord.services import Services
from bot.engine.errors import EngineError
from bot.engine.loop import LOOP_ORDER
from bot.engine.models import Level, RoundKind, Track
from bot.engine.wording import hint_cap

log = logging.getLogger(__name__)
NO_SESSION = "You have no session running; start one with `/mock start`."


class RoundCommands(commands.Cog):
    """``/mock start|loop|end|skip|hint|status``."""

    services: Services

    @app_commands.command(name="start")
    @app_commands.describe(round="which interview round", level="the level you are interviewing for",
                           track="framework track (for the framework round)", minutes="round length (default: the usual)",
                           weak="drill your weak spots: questions whose key points you keep missing come first")
    @app_commands.choices(round=ROUND_CHOICES, level=LEVEL_CHOICES, track=TRACK_CHOICES)
    async def start(self, interaction: discord.Interaction[Any], round: app_commands.Choice[str],
                    level: app_commands.Choice[str], track: app_commands.Choice[str] | None = None,
                    minutes: app_commands.Range[int, 1, 120] | None = None, weak: bool = False) -> None:
        """Start a timed mock round in a private thread."""
        await self._start(interaction, (RoundKind(round.value),), Level(level.value),
                          Track(track.value) if track else Track.ANY, minutes, weak)

    @app_commands.command(name="loop")
    @app_commands.describe(level="the level you are interviewing for", track="framework track")
    @app_commands.choices(level=LEVEL_CHOICES, track=TRACK_CHOICES)
    async def loop(self, interaction: discord.Interaction[Any], level: app_commands.Choice[str],
                   track: app_commands.Choice[str] | None = None) -> None:
        """Run the whole interview loop, round after round, in a private thread."""
        await self._start(interaction, LOOP_ORDER, Level(level.value), Track(track.value) if track else Track.ANY, None)

    async def _start(self, interaction: discord.Interaction[Any], kinds: tuple[RoundKind, ...], level: Level,
                     track: Track, minutes: int | None, weak: bool = False) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        s = self.services
        channel = interaction.channel
        if interaction.guild is None or not isinstance(channel, discord.TextChannel):
            await interaction.followup.send("Start a round from a text channel of a server: the round runs in a private "
                                            "thread there.", ephemeral=True)
            return
        left = s.cooldown_left(interaction.user.id)
        if left is None:
            s.last_start[interaction.user.id] = s.clock.now()  # claimed before any await: a double click starts one
        user_id = await s.user_id(interaction.user)
        running = await s.repo.resumable_session(user_id)
        if running is not None:  # the more useful answer, even during the cooldown
            if left is None:
                s.last_start.pop(interaction.user.id, None)
            room = await s.rooms.by_session(running)
            where = f" in <#{room.thread_id}>" if room else ""
            await interaction.followup.send(f"You already have a session running{where}. Finish it, or end it with "
                                            "`/mock end`, before starting another.", ephemeral=True)
            return
        if left is not None:
            await interaction.followup.send(f"Please wait {int(left.total_seconds()) + 1} s before starting another "
                                            "session.", ephemeral=True)
            return
        try:
            text, _ = await open_round(s, channel, interaction.user, user_id, kinds, level, track, minutes, weak=weak)
        except EngineError as exc:
            s.last_start.pop(interaction.user.id, None)
            text = str(exc)
        await interaction.followup.send(text, ephemeral=True)

    async def _running(self, interaction: discord.Interaction[Any]) -> str | None:
        session_id = await self.services.repo.resumable_session(await self.services.user_id(interaction.user))
        if session_id is None:
            await interaction.followup.send(NO_SESSION, ephemeral=True)
        return session_id

    async def _control(self, interaction: discord.Interaction[Any], action: str) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        session_id = await self._running(interaction)
        if session_id is None:
            return
        engine = self.services.engine
        try:
            await {"end": engine.end, "skip": engine.skip, "hint": engine.hint}[action](session_id)
        except EngineError as exc:
            await interaction.followup.send(str(exc), ephemeral=True)
            return
        room = await self.services.rooms.by_session(session_id)
        where = f" See <#{room.thread_id}>." if room else ""
        done = {"end": "Session ended.", "skip": "Skipped.", "hint": "Hint posted."}[action]
        await interaction.followup.send(done + where, ephemeral=True)

    @app_commands.command(name="end")
    async def end(self, interaction: discord.Interaction[Any]) -> None:
        """End your running session now and get the scorecard."""
        await self._control(interaction, "end")

    @app_commands.command(name="skip")
    async def skip(self, interaction: discord.Interaction[Any]) -> None:
        """Skip the current question."""
        await self._control(interaction, "skip")

    # The description is built from the rule's constants (the docstring would be a second copy of it).
    @app_commands.command(name="hint", description=f"Get a hint on the current question (that point then counts "
                                                   f"for {hint_cap()})")
    async def hint(self, interaction: discord.Interaction[Any]) -> None:
        """Get a hint on the current question; the point it reveals is capped (see the description)."""
        await self._control(interaction, "hint")

    @app_commands.command(name="status")
    async def status(self, interaction: discord.Interaction[Any]) -> None:
        """Where your running session is, and how much time is left."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        session_id = await self._running(interaction)
        if session_id is None:
            return
        state = await self.services.engine.state(session_id)
        round_ = state.current_round()
        current = round_.current() if round_ else None
        if round_ is None or round_.deadline_at is None or round_.started_at is None:
            await interaction.followup.send("Your session is between rounds.", ephemeral=True)
            return
        now = self.services.clock.now()
        left = current.deadline_at - now if current is not None and current.deadline_at else None
        text = render.status_text(round_.kind.value, round_.deadline_at - now, round_.deadline_at - round_.started_at, left)
        await interaction.followup.send(text, ephemeral=True)
