"""/mockadmin: server settings, for members with the Manage Server permission.

``/mockadmin group`` belongs to the group rounds feature and joins this group as a mixin
(``features.groups``), under the same permission check.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.features.groups import GroupCommands
from bot.adapters.discord.services import Services, services_of


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class AdminCog(GroupCommands, commands.GroupCog, group_name="mockadmin", group_description="MockLoop settings for this server"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()

    @app_commands.command(name="channel")
    @app_commands.describe(channel="where group rounds are announced")
    async def channel(self, interaction: discord.Interaction[Any], channel: discord.TextChannel) -> None:
        """Set the channel for group mock rounds."""
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.services.guilds.update(interaction.guild.id, group_channel_id=channel.id)
        await interaction.followup.send(f"Group rounds will be announced in {channel.mention}.", ephemeral=True)

    @app_commands.command(name="budget")
    @app_commands.describe(tokens="LLM tokens each member may use per day (0 turns the LLM off for this server)")
    async def budget(self, interaction: discord.Interaction[Any], tokens: app_commands.Range[int, 0, 10_000_000]) -> None:
        """Set the daily LLM budget per member of this server."""
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.services.guilds.update(interaction.guild.id, tokens_per_member=tokens)
        what = "off: grading and follow-ups run offline" if tokens == 0 else f"{tokens:,} tokens per member per day"
        await interaction.followup.send(f"LLM budget set: {what}.", ephemeral=True)

    @app_commands.command(name="code")
    @app_commands.describe(run="run coding answers against their tests in the sandbox (on by default)")
    async def code(self, interaction: discord.Interaction[Any], run: bool) -> None:
        """Switch running candidates' code on or off for this server."""
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.services.guilds.update(interaction.guild.id, code_execution=run)
        what = "on: coding answers run against their tests in the sandbox" if run else \
            "off: coding answers are graded on the rubric only"
        await interaction.followup.send(f"Code execution {what}.", ephemeral=True)

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction[Any]) -> None:
        """Show this server's MockLoop settings."""
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        config = await self.services.guilds.get(interaction.guild.id)
        channel = f"<#{config.group_channel_id}>" if config.group_channel_id else "not set"
        budget = "the bot's default" if config.tokens_per_member is None else f"{config.tokens_per_member:,} tokens"
        code = "on" if config.code_execution else "off"
        await interaction.followup.send(f"Group round channel: {channel}\nDaily LLM budget per member: {budget}\n"
                                        f"Code execution: {code}", ephemeral=True)


async def setup(client: commands.AutoShardedBot) -> None:
    await client.add_cog(AdminCog(services_of(client)))
