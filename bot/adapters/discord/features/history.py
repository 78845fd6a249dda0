"""Looking back, in /mock: ``/mock history`` lists recent sessions, ``/mock report`` shows a past
scorecard or the trend over time as charts (drawn in the chart worker's process), with what is
due for review and the weak spots.

A mixin of the one /mock cog (``features.mock``).  Only the member who asks sees any of it.
"""

from __future__ import annotations

import io
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord import render
from bot.adapters.discord.services import Services
from bot.engine.review import attempts, due_for_review, progress, weak_spots


class HistoryCommands(commands.Cog):
    """``/mock history|report``."""

    services: Services

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
