"""Scheduled rounds and prep plans on Discord: ``/mock schedule|schedules|unschedule|plan``, the
reminder and Start messages.

When a scheduled round is due the candidate gets a direct message with a Start button; if their
DMs are closed, the message goes to the server's group channel (or the channel they scheduled
from) and mentions only them.  Start opens the round in a private thread of that channel, exactly
like ``/mock start``.  The commands are a mixin of the one /mock cog (``features.mock``).
"""

from __future__ import annotations

import contextlib
import logging
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.choices import LEVEL_CHOICES, ROUND_CHOICES, TRACK_CHOICES
from bot.adapters.discord.features.rounds.starting import open_round
from bot.adapters.discord.ports import GuildSettingsStore
from bot.adapters.discord.services import Services, services_of
from bot.adapters.discord.views import ConfirmView, OwnedItem
from bot.engine.errors import EngineError
from bot.engine.models import Level, RoundKind, Track
from bot.scheduling.plans import DEFAULT_DAYS, DEFAULT_TIME
from bot.scheduling.ports import ScheduleRow
from bot.scheduling.schedules import DEFAULT_REMINDER_MINUTES
from bot.scheduling.when import (
    DAYS,
    Once,
    ScheduleError,
    Weekly,
    decode,
    is_relative,
    parse,
    parse_clock,
    parse_days,
    timezone_names,
    zone,
)

log = logging.getLogger(__name__)
REPEAT_CHOICES = [app_commands.Choice(name=n, value=n) for n in ("daily", "weekdays", "weekly")]


def stamp(at: datetime, relative: bool = True) -> str:
    """A time as a Discord timestamp that every reader sees in their own zone, and how far off it is."""
    seconds = int(at.timestamp())
    return f"<t:{seconds}:F>" + (f" (<t:{seconds}:R>)" if relative else "")


def _when(row: ScheduleRow) -> str:
    weekly = decode(row.rule)
    nxt = stamp(row.next_at) if row.next_at else "—"
    return f"{nxt}, {weekly.describe(zone(row.timezone)) + ' (' + row.timezone + ')' if weekly else 'once'}"


class StartButton(OwnedItem, discord.ui.DynamicItem[discord.ui.Button[Any]],
                  template=r"ml:start:(?P<schedule>[0-9a-f]{32}):(?P<user>[0-9]{1,20})"):
    """The Start button on a due scheduled round: works from a DM, after restarts, for its owner only."""

    refusal = "This scheduled round belongs to someone else."

    def __init__(self, schedule_id: str, user_id: int) -> None:
        super().__init__(discord.ui.Button(label="Start", style=discord.ButtonStyle.success,
                                           custom_id=f"ml:start:{schedule_id}:{user_id}"))
        self.schedule_id, self.user_id = schedule_id, user_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> StartButton:
        return cls(match["schedule"], int(match["user"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        s = services_of(interaction.client)
        row = await s.scheduler.store.get(self.schedule_id)
        channel = None if row is None or row.channel_id is None else await _channel(interaction.client, int(row.channel_id))
        if row is None or channel is None:
            await interaction.followup.send("That schedule or its channel is gone; start a round with `/mock start`.",
                                            ephemeral=True)
            if interaction.message is not None:  # unscheduled or forgotten: the button will never work again
                with contextlib.suppress(discord.HTTPException):
                    await interaction.message.edit(view=None)
            return
        user_id = await s.user_id(interaction.user)
        if await s.repo.resumable_session(user_id) is not None:
            await interaction.followup.send("You already have a session running; finish or end it first.",
                                            ephemeral=True)
            return
        try:
            text, session_id = await open_round(s, channel, interaction.user, user_id, (RoundKind(row.round),),
                                                Level(row.level), Track(row.track), None, frozenset(row.focus or ()))
            if s.scheduler.plans is not None:
                await s.scheduler.plans.link_session(row.id, session_id)  # counts as done in the plan
        except EngineError as exc:
            text = str(exc)
        await interaction.followup.send(text, ephemeral=True)
        if interaction.message is not None:  # one round per reminder: the button goes
            with contextlib.suppress(discord.HTTPException):
                await interaction.message.edit(view=None)


async def _channel(client: discord.Client, channel_id: int) -> discord.TextChannel | None:
    try:
        channel = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
    except discord.HTTPException:
        return None
    return channel if isinstance(channel, discord.TextChannel) else None


class DiscordScheduleNotifier:
    """Reminders and Start messages: a DM first, else a mention of only that user in a channel."""

    def __init__(self, guilds: GuildSettingsStore) -> None:
        self.guilds = guilds
        self.client: discord.Client | None = None

    def bind(self, client: discord.Client) -> None:
        self.client = client

    async def _tell(self, row: ScheduleRow, text: str, view: discord.ui.View | None = None) -> None:
        assert self.client is not None and row.discord_user_id is not None
        user_id = int(row.discord_user_id)
        extra: dict[str, Any] = {"view": view} if view is not None else {}
        try:
            user = self.client.get_user(user_id) or await self.client.fetch_user(user_id)
            await user.send(text, allowed_mentions=discord.AllowedMentions.none(), **extra)
            return
        except discord.HTTPException as exc:
            log.info("could not DM user about schedule %s (%s); posting in the server", row.id[:8], exc.status)
        channel_id = None
        if row.guild_id is not None:
            channel_id = (await self.guilds.get(int(row.guild_id))).group_channel_id
        channel = await _channel(self.client, channel_id or int(row.channel_id or 0))
        if channel is None:
            log.warning("schedule %s: no DM and no channel to post in", row.id[:8])
            return
        await channel.send(f"<@{user_id}> {text}", allowed_mentions=discord.AllowedMentions(
            everyone=False, roles=False, users=[discord.Object(user_id)]), **extra)

    async def remind(self, schedule: ScheduleRow, starts_at: datetime) -> None:
        await self._tell(schedule, f"⏰ Your scheduled **{schedule.round}** round starts at {stamp(starts_at)}.")

    async def due(self, schedule: ScheduleRow) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(StartButton(schedule.id, int(schedule.discord_user_id or 0)))
        await self._tell(schedule, f"It's time for your scheduled **{schedule.round}** round ({schedule.level}). "
                                   "Press Start when you are ready.", view)

    async def missed(self, schedule: ScheduleRow, was_at: datetime) -> None:
        await self._tell(schedule, f"Your scheduled **{schedule.round}** round at {stamp(was_at, relative=False)} was "
                                   "missed: the bot was offline then. Start one any time with `/mock start`.")


async def user_zone(s: Services, user_id: str, given: str | None, fallback: str | None = None) -> ZoneInfo:
    """The timezone the user named now, else the one they set before, else ``fallback``."""
    name = given or await s.scheduler.store.timezone(user_id) or fallback
    if name is None:
        raise ScheduleError("Tell me your timezone once, e.g. `timezone: Europe/Berlin`; I'll remember it.")
    return zone(name)


async def _schedule(s: Services, interaction: discord.Interaction[Any], when: str, kind: RoundKind, level: Level,
                   repeat: str | None, timezone: str | None, remind: int | None) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    if interaction.guild is None or not isinstance(interaction.channel, discord.TextChannel):
        await interaction.followup.send("Schedule from a text channel of a server: the round opens in a private "
                                        "thread there.", ephemeral=True)
        return
    user_id = await s.user_id(interaction.user)
    store = s.scheduler.store
    try:
        # "in 20 minutes" needs no timezone: it is the same instant everywhere (a repeat still needs one).
        relative = is_relative(when) and repeat is None
        where = await user_zone(s, user_id, timezone, fallback="UTC" if relative else None)
        rule = parse(when, s.clock.now(), where)
        if repeat is not None:
            if isinstance(rule, Weekly):
                raise ScheduleError("Use either \"every …\" in `when` or the `repeat` option, not both.")
            local = rule.at.astimezone(where)
            days = {"daily": range(7), "weekdays": range(5), "weekly": [local.weekday()]}[repeat]
            rule = Weekly(frozenset(days), local.time().replace(second=0, microsecond=0))
        if timezone is not None:  # given and valid: remembered from now on
            await store.set_timezone(user_id, where.key, s.clock.now())
        row = ScheduleRow(id="", user_id=user_id, discord_user_id=str(interaction.user.id),
                          guild_id=str(interaction.guild.id), channel_id=str(interaction.channel.id), round=kind.value,
                          level=level.value, track=Track.ANY.value, timezone=where.key, rule="", next_at=None,
                          remind_minutes=DEFAULT_REMINDER_MINUTES if remind is None else remind, state="")
        saved = await s.scheduler.create(row, rule)
    except ScheduleError as exc:
        await interaction.followup.send(str(exc), ephemeral=True)
        return
    kind_text = "Once" if isinstance(rule, Once) else "Repeating"
    await interaction.followup.send(f"{kind_text}: **{kind.value}** round, next {_when(saved)}. "
                                    f"Id `{saved.id[:8]}`. I'll remind you {saved.remind_minutes} min before.",
                                    ephemeral=True)


async def _schedules(s: Services, interaction: discord.Interaction[Any]) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    rows = await s.scheduler.store.active(await s.user_id(interaction.user))
    if not rows:
        await interaction.followup.send("No scheduled rounds. Add one with `/mock schedule when: tomorrow 18:00`.",
                                        ephemeral=True)
        return
    lines = [f"`{r.id[:8]}` **{r.round}** ({r.level}) — {_when(r)}" for r in rows]
    await interaction.followup.send("\n".join(lines)[:2000], ephemeral=True)


async def _unschedule(s: Services, interaction: discord.Interaction[Any], ident: str) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        gone = await s.scheduler.cancel(await s.user_id(interaction.user), ident)
    except ScheduleError as exc:
        await interaction.followup.send(str(exc), ephemeral=True)
        return
    await interaction.followup.send(f"Removed `{gone.id[:8]}` ({gone.round}).", ephemeral=True)


async def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=name, value=name) for name in timezone_names(current or "")]



async def _plan(s: Services, interaction: discord.Interaction[Any], weeks: int | None, days: str | None,
               at: str | None, timezone: str | None, level: Level, track: Track) -> None:
    """Without ``weeks``: the active plan's progress.  With it: a new plan (replacing one after a yes)."""
    await interaction.response.defer(ephemeral=True, thinking=True)
    user_id = await s.user_id(interaction.user)
    if weeks is None:
        current = await s.scheduler.progress(user_id)
        if current is None:
            await interaction.followup.send("You have no prep plan. Start one with `/mock plan weeks:6` (4 to 6 weeks).",
                                            ephemeral=True)
            return
        active, progress = current
        lines = [f"**Your {active.weeks}-week plan**"] + [week.line() for week in progress]
        await interaction.followup.send("\n".join(lines)[:2000], ephemeral=True)
        return
    if interaction.guild is None or not isinstance(interaction.channel, discord.TextChannel):
        await interaction.followup.send("Make a plan from a text channel of a server: its drills open there.",
                                        ephemeral=True)
        return
    try:
        where = await user_zone(s, user_id, timezone)
        chosen_days = parse_days(days.lower().strip()) if days else DEFAULT_DAYS
        clock = parse_clock(at.lower()) if at else DEFAULT_TIME
    except ScheduleError as exc:
        await interaction.followup.send(str(exc), ephemeral=True)
        return
    assert s.scheduler.plans is not None
    active_plan = await s.scheduler.plans.active_plan(user_id)  # only whether there is one: no progress needed
    if active_plan is not None:
        view = ConfirmView(interaction.user.id, "Replace it")
        await interaction.followup.send(f"You already have a {active_plan.weeks}-week plan. Replace it with a new "
                                        f"{weeks}-week plan? Its remaining drills are removed.", view=view,
                                        ephemeral=True)
        await view.wait()
        if not view.result:
            await interaction.followup.send("Kept your current plan.", ephemeral=True)
            return
    if timezone is not None:
        await s.scheduler.store.set_timezone(user_id, where.key, s.clock.now())
    template = ScheduleRow(id="", user_id=user_id, discord_user_id=str(interaction.user.id),
                           guild_id=str(interaction.guild.id), channel_id=str(interaction.channel.id), round="core",
                           level=level.value, track=track.value, timezone=where.key, rule="", next_at=None,
                           remind_minutes=DEFAULT_REMINDER_MINUTES, state="")
    made = await s.scheduler.create_plan(template, weeks, chosen_days, clock)
    when = ", ".join(DAYS[d] for d in sorted(chosen_days)) + " " + clock.strftime("%H:%M") + f" ({where.key})"
    lines = [f"**Your {made.weeks}-week plan**: drills on {when}, each a reminder and a Start button."]
    lines += [f"Week {n}: {title}" for n, title in enumerate(made.titles, start=1)]
    lines.append("`/mock plan` shows your progress; `/mock schedules` lists the drills.")
    await interaction.followup.send("\n".join(lines), ephemeral=True)


class ScheduleCommands(commands.Cog):
    """The /mock subcommands of schedules and plans; a mixin of the one /mock cog (``features.mock``)."""

    services: Services

    @app_commands.command(name="schedule")
    @app_commands.describe(when='e.g. "tomorrow 18:00", "2026-12-01 09:30", "in 2h", "every mon,thu 19:00"',
                           round="which interview round", level="the level you are interviewing for (default mid)",
                           repeat="repeat a one-off time", timezone="your IANA timezone, remembered (e.g. Europe/Berlin)",
                           remind="minutes before to remind you (default 15, 0 for none)")
    @app_commands.choices(round=ROUND_CHOICES, level=LEVEL_CHOICES, repeat=REPEAT_CHOICES)
    async def schedule(self, interaction: discord.Interaction[Any], when: app_commands.Range[str, 1, 100],
                       round: app_commands.Choice[str], level: app_commands.Choice[str] | None = None,
                       repeat: app_commands.Choice[str] | None = None, timezone: str | None = None,
                       remind: app_commands.Range[int, 0, 1440] | None = None) -> None:
        """Schedule a mock round: a reminder before, then a Start button at the time."""
        await _schedule(self.services, interaction, when, RoundKind(round.value),
                        Level(level.value) if level else Level.MID, repeat.value if repeat else None, timezone, remind)

    @schedule.autocomplete("timezone")
    async def _timezones(self, interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        return await timezone_choices(current)

    @app_commands.command(name="schedules")
    async def schedules(self, interaction: discord.Interaction[Any]) -> None:
        """Your scheduled rounds, with the next time in your timezone."""
        await _schedules(self.services, interaction)

    @app_commands.command(name="unschedule")
    @app_commands.describe(id="the schedule's id from /mock schedules (the first characters are enough)")
    async def unschedule(self, interaction: discord.Interaction[Any], id: str) -> None:
        """Remove a scheduled round."""
        await _unschedule(self.services, interaction, id)

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
        await _plan(self.services, interaction, weeks, days, at, timezone,
                    Level(level.value) if level else Level.MID, Track(track.value) if track else Track.ANY)

    @plan.autocomplete("timezone")
    async def _plan_timezones(self, interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        return await timezone_choices(current)


async def setup(client: commands.AutoShardedBot) -> None:
    """The Start button of a due round, rebuilt from its custom_id after a restart."""
    client.add_dynamic_items(StartButton)
