"""/mock: start a round or the full loop in a private thread, control it, look back at past sessions."""

from __future__ import annotations

import io
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord import render, scheduling
from bot.adapters.discord.services import Services
from bot.adapters.discord.starting import open_round
from bot.engine.errors import EngineError
from bot.engine.loop import LOOP_ORDER, ROUNDS
from bot.engine.models import Level, RoundKind, Track
from bot.engine.review import attempts, due_for_review, progress, weak_spots
from bot.engine.wording import hint_cap

log = logging.getLogger(__name__)
ROUND_CHOICES = [app_commands.Choice(name=f"{k.value} ({ROUNDS[k].default_minutes} min)", value=k.value) for k in RoundKind]
LEVEL_CHOICES = [app_commands.Choice(name=lv.value, value=lv.value) for lv in Level]
TRACK_CHOICES = [app_commands.Choice(name=t.value, value=t.value) for t in Track]
NO_SESSION = "You have no session running; start one with `/mock start`."


class MockCog(commands.GroupCog, group_name="mock", group_description="Timed mock interview rounds"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

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

    @app_commands.command(name="schedule")
    @app_commands.describe(when='e.g. "tomorrow 18:00", "2026-12-01 09:30", "in 2h", "every mon,thu 19:00"',
                           round="which interview round", level="the level you are interviewing for (default mid)",
                           repeat="repeat a one-off time", timezone="your IANA timezone, remembered (e.g. Europe/Berlin)",
                           remind="minutes before to remind you (default 15, 0 for none)")
    @app_commands.choices(round=ROUND_CHOICES, level=LEVEL_CHOICES, repeat=scheduling.REPEAT_CHOICES)
    async def schedule(self, interaction: discord.Interaction[Any], when: app_commands.Range[str, 1, 100],
                       round: app_commands.Choice[str], level: app_commands.Choice[str] | None = None,
                       repeat: app_commands.Choice[str] | None = None, timezone: str | None = None,
                       remind: app_commands.Range[int, 0, 1440] | None = None) -> None:
        """Schedule a mock round: a reminder before, then a Start button at the time."""
        await scheduling.schedule(self.services, interaction, when, RoundKind(round.value),
                                  Level(level.value) if level else Level.MID, repeat.value if repeat else None,
                                  timezone, remind)

    @schedule.autocomplete("timezone")
    async def _timezones(self, interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        return await scheduling.timezone_choices(current)

    @app_commands.command(name="schedules")
    async def schedules(self, interaction: discord.Interaction[Any]) -> None:
        """Your scheduled rounds, with the next time in your timezone."""
        await scheduling.schedules(self.services, interaction)

    @app_commands.command(name="unschedule")
    @app_commands.describe(id="the schedule's id from /mock schedules (the first characters are enough)")
    async def unschedule(self, interaction: discord.Interaction[Any], id: str) -> None:
        """Remove a scheduled round."""
        await scheduling.unschedule(self.services, interaction, id)

    @app_commands.command(name="plan")
    @app_commands.describe(weeks="a new plan of 4 to 6 weeks; leave out to see your progress",
                           days='practice days (default "tue,thu")', at="time of day (default 19:00)",
                           timezone="your IANA timezone, remembered", level="your target level (default mid)",
                           track="your framework (default any)")
    @app_commands.choices(level=LEVEL_CHOICES, track=TRACK_CHOICES)
    async def plan(self, interaction: discord.Interaction[Any], weeks: app_commands.Range[int, 4, 6] | None = None,
                   days: str | None = None, at: str | None = None, timezone: str | None = None,
                   level: app_commands.Choice[str] | None = None, track: app_commands.Choice[str] | None = None) -> None:
        """A prep plan: a few drills a week, one area per week, with your progress."""
        await scheduling.plan(self.services, interaction, weeks, days, at, timezone,
                              Level(level.value) if level else Level.MID, Track(track.value) if track else Track.ANY)

    @plan.autocomplete("timezone")
    async def _plan_timezones(self, interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        return await scheduling.timezone_choices(current)

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

    @app_commands.command(name="history")
    async def history(self, interaction: discord.Interaction[Any]) -> None:
        """Your recent sessions and their scores (only you see this)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        sessions = await self.services.repo.list_sessions(await self.services.user_id(interaction.user), 10)
        await interaction.followup.send(embed=render.history_embed(sessions), ephemeral=True)

    @app_commands.command(name="report")
    @app_commands.describe(session="a session id (the first characters are enough); leave out for your trend")
    async def report(self, interaction: discord.Interaction[Any], session: str | None = None) -> None:
        """A past session's scorecard, or your scores over time as a chart (only you see this)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        s = self.services
        sessions = await s.repo.list_sessions(await s.user_id(interaction.user), 50)
        if session:
            found = [x for x in sessions if x.id.startswith(session.strip().lower())]
            if len(found) != 1:
                await interaction.followup.send("No session of yours matches that id; `/mock history` lists them.",
                                                ephemeral=True)
                return
            for embeds in render.scorecard_messages(found[0], s.bank)[:3]:
                await interaction.followup.send(embeds=embeds, ephemeral=True)
            return
        points = [(x.created_at, x.score, x.rounds[0].kind.value if x.mode == "round" else "loop")
                  for x in sessions if x.score is not None]
        tried = attempts(sessions)
        topics = [(s.bank.get(t.question_id).title, list(t.scores)) for t in progress(tried)]
        trend, by_topic = await s.charts.trend(points), await s.charts.topics(topics)
        embed = render.history_embed(sessions[:10])
        due, weak = due_for_review(tried, s.clock.now()), weak_spots(tried)
        if due:
            embed.add_field(name="Back for review next time", value=render.shorten(
                ", ".join(s.bank.get(q).title for q in due), render.FIELD_VALUE), inline=False)
        if weak:
            embed.add_field(name="Weak spots (`/mock start weak:True`)", value=render.shorten(
                ", ".join(s.bank.get(q).title for q in weak), render.FIELD_VALUE), inline=False)
        embeds, files = [embed], []
        if trend is not None:
            embed.set_image(url="attachment://trend.png")
            files.append(discord.File(io.BytesIO(trend), "trend.png"))
        if by_topic is not None:
            embeds.append(discord.Embed(title="By topic").set_image(url="attachment://topics.png"))
            files.append(discord.File(io.BytesIO(by_topic), "topics.png"))
        await interaction.followup.send(embeds=embeds, files=files, ephemeral=True)
