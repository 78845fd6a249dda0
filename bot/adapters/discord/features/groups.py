"""Group mock rounds: an admin schedules one in a channel, members press Join, and when it starts
each member gets their own private thread with their own round (the same as ``/mock start``).

The announcement's Join button is persistent (its custom_id carries the group) and toggles:
pressing it again leaves.  The start is a timer like every other (``group:<id>``), so it survives
restarts and fires in exactly one process.  The command is ``/mockadmin group``: a mixin of the
admin cog, so it keeps that group's Manage Server check.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.choices import LEVEL_CHOICES, ROUND_CHOICES
from bot.adapters.discord.features.rounds.starting import open_round
from bot.adapters.discord.features.schedule import user_zone
from bot.adapters.discord.ports import Group
from bot.adapters.discord.services import Services, services_of
from bot.engine.errors import EngineError
from bot.engine.models import Level, RoundKind, Track
from bot.scheduling.ports import Due
from bot.scheduling.when import Once, ScheduleError, parse

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()


def announcement(group: Group, members: int) -> str:
    at = f"<t:{int(group.starts_at.timestamp())}:F>"  # shown in each reader's own timezone by Discord
    people = "nobody yet" if members == 0 else f"{members} member{'s' if members != 1 else ''}"
    return (f"**Group mock round: {group.round}** ({group.level}) starts {at}. Press **Join** to take part: "
            f"each member gets a private thread with their own round. Joined: {people}.")


class JoinButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"ml:join:(?P<group>[0-9a-f]{32})"):
    def __init__(self, group_id: str) -> None:
        super().__init__(discord.ui.Button(label="Join", style=discord.ButtonStyle.primary,
                                           custom_id=f"ml:join:{group_id}"))
        self.group_id = group_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any],
                             match: re.Match[str]) -> JoinButton:
        return cls(match["group"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        s = services_of(interaction.client)
        group = await s.groups.get(self.group_id)
        if group is None or group.state != "open":
            await interaction.followup.send("This group round has already started or was cancelled.", ephemeral=True)
            return
        joined, count = await s.groups.toggle(self.group_id, interaction.user.id, s.clock.now())
        text = "You're in: your thread opens when the round starts." if joined else "You left this group round."
        await interaction.followup.send(text, ephemeral=True)
        if interaction.message is not None:
            await interaction.message.edit(content=announcement(group, count), allowed_mentions=NONE)


def join_view(group_id: str) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(JoinButton(group_id))
    return view


class GroupCommands(commands.Cog):
    """``/mockadmin group``; a mixin of the admin cog (``features.admin``), whose permission checks it shares."""

    services: Services

    @app_commands.command(name="group")
    @app_commands.describe(when='when it starts, e.g. "friday 18:00" or "in 2h"', round="which interview round",
                           level="the level (default mid)", timezone="the timezone of `when` (default yours, else UTC)")
    @app_commands.choices(round=ROUND_CHOICES, level=LEVEL_CHOICES)
    async def group(self, interaction: discord.Interaction[Any], when: app_commands.Range[str, 1, 100],
                    round: app_commands.Choice[str], level: app_commands.Choice[str] | None = None,
                    timezone: str | None = None) -> None:
        """Schedule a group round: members press Join and each gets a private thread when it starts."""
        s = self.services
        kind, chosen = RoundKind(round.value), Level(level.value) if level else Level.MID
        await interaction.response.defer(ephemeral=True, thinking=True)
        assert interaction.guild is not None
        user_id = await s.user_id(interaction.user)
        try:
            rule = parse(when, s.clock.now(), await user_zone(s, user_id, timezone, fallback="UTC"))
            if not isinstance(rule, Once):
                raise ScheduleError("A group round happens once; give one time, e.g. \"friday 18:00\".")
        except ScheduleError as exc:
            await interaction.followup.send(str(exc), ephemeral=True)
            return
        config = await s.guilds.get(interaction.guild.id)
        channel = interaction.guild.get_channel(config.group_channel_id) if config.group_channel_id else interaction.channel
        if not isinstance(channel, discord.TextChannel):
            await interaction.followup.send("Run this in a text channel, or set one with `/mockadmin channel`.",
                                            ephemeral=True)
            return
        group = Group(id=uuid.uuid4().hex, guild_id=str(interaction.guild.id), channel_id=str(channel.id), message_id=None,
                      round=kind.value, level=chosen.value, starts_at=rule.at, state="open",
                      created_by=str(interaction.user.id), created_at=s.clock.now())
        await s.groups.add(group)
        message = await channel.send(announcement(group, 0), view=join_view(group.id), allowed_mentions=NONE)
        await s.groups.set(group.id, message_id=str(message.id))
        await s.scheduler.dispatcher.put(Due(f"group:{group.id}", "group", rule.at, interaction.guild.id,
                                             {"group": group.id}))
        await interaction.followup.send(f"Announced in {channel.mention} with a Join button.", ephemeral=True)


class GroupStarter:
    """The ``group`` timer: open a thread and a round for every member who joined."""

    def __init__(self, services: Services, client: discord.Client) -> None:
        self.services = services
        self.client = client

    async def __call__(self, due: Due) -> None:
        s = self.services
        group = await s.groups.get(str(due.payload.get("group", "")))
        if group is None or group.state != "open":
            return
        channel = self.client.get_channel(int(group.channel_id))
        if not isinstance(channel, discord.TextChannel):
            log.warning("group round %s: its channel is gone", group.id[:8])
            return
        members = await s.groups.members(group.id)
        late = s.clock.now() - due.due_at > s.scheduler.grace
        await s.groups.set(group.id, state="missed" if late else "started")
        if group.message_id is not None:
            with contextlib.suppress(discord.HTTPException):  # the announcement may have been deleted
                await channel.get_partial_message(int(group.message_id)).edit(view=None)
        if late:
            await channel.send(f"The group **{group.round}** round was missed: the bot was offline when it was due.",
                               allowed_mentions=NONE)
            return
        opened = 0
        for member_id in members:
            try:
                member = channel.guild.get_member(member_id) or await channel.guild.fetch_member(member_id)
                user_id = await s.user_id(member)
                if await s.repo.resumable_session(user_id) is not None:
                    continue  # already in a round: not a second one
                await open_round(s, channel, member, user_id, (RoundKind(group.round),), Level(group.level), Track.ANY,
                                 None)
                opened += 1
            except (discord.HTTPException, EngineError) as exc:
                log.warning("group round %s: no round for a member (%s)", group.id[:8], exc)
        await channel.send(f"The group **{group.round}** round has started: {opened} private thread"
                           f"{'s' if opened != 1 else ''} opened.", allowed_mentions=NONE)


async def setup(client: commands.AutoShardedBot) -> None:
    """The Join button, rebuilt from its custom_id after a restart (the start timer is wired by the
    composition root, which owns the dispatcher)."""
    client.add_dynamic_items(JoinButton)
