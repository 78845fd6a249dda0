"""/peer: queue for a peer mock interview, leave, block someone; and answers typed in a pair's thread."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord import voice
from bot.adapters.discord.features.peer.desk import PeerDesk
from bot.adapters.discord.features.schedule import stamp, user_zone
from bot.adapters.discord.services import Services
from bot.engine.context import Actor
from bot.engine.errors import EngineError
from bot.engine.limits import MAX_ANSWER_CHARS
from bot.engine.models import Level, RoundKind, Track
from bot.scheduling.when import Once, ScheduleError, parse
from bot.scoring.delivery import target_for

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
ROUNDS = [app_commands.Choice(name=k.value, value=k.value) for k in RoundKind]
LEVELS = [app_commands.Choice(name=lv.value, value=lv.value) for lv in Level]
TRACKS = [app_commands.Choice(name=t.value, value=t.value) for t in Track]


class PeerCog(commands.GroupCog, group_name="peer", group_description="Peer mock interviews: members interview each other"):
    def __init__(self, services: Services, desk: PeerDesk) -> None:
        self.services = services
        self.desk = desk
        super().__init__()

    @app_commands.command(name="join")
    @app_commands.describe(round="which interview round", level="the level you both interview for",
                           track="framework track (any fits every track)",
                           when='a time slot, e.g. "today 19:00" or "in 2h" (default: now)')
    @app_commands.choices(round=ROUNDS, level=LEVELS, track=TRACKS)
    async def join(self, interaction: discord.Interaction[Any], round: app_commands.Choice[str],
                   level: app_commands.Choice[str], track: app_commands.Choice[str] | None = None,
                   when: app_commands.Range[str, 1, 100] | None = None) -> None:
        """Queue for a peer interview; you are paired with a member who asked for the same round and level."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        channel = interaction.channel
        if interaction.guild is None or not isinstance(channel, discord.TextChannel):
            await interaction.followup.send("Join from a text channel of a server: the pair's private thread opens "
                                            "there.", ephemeral=True)
            return
        at: datetime | None = None
        try:
            if when:
                zone = await user_zone(self.services, await self.services.user_id(interaction.user), None,
                                       fallback="UTC")
                rule = parse(when, self.services.clock.now(), zone)
                if not isinstance(rule, Once):
                    raise ScheduleError('A peer slot is one time, e.g. "today 19:00" or "in 2h".')
                at = rule.at
            await self.desk.join(interaction.user, RoundKind(round.value), Level(level.value),
                                 Track(track.value) if track else Track.ANY, at, interaction.guild.id, channel.id)
        except (ScheduleError, EngineError) as exc:
            await interaction.followup.send(str(exc), ephemeral=True)
            return
        slot = f" from {stamp(at)}" if at else ""
        await interaction.followup.send(
            f"You're in the queue for a **{round.value}** peer interview ({level.value}){slot}. When another member "
            "asks for the same, a private thread for the two of you opens in this channel; `/peer leave` to leave.",
            ephemeral=True)

    @app_commands.command(name="leave")
    async def leave(self, interaction: discord.Interaction[Any]) -> None:
        """Leave the peer queue, or the peer interview you are in (it ends for your partner too)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            text = await self.desk.leave(interaction.user)
        except EngineError as exc:
            text = str(exc)
        await interaction.followup.send(text, ephemeral=True)

    @app_commands.command(name="block")
    @app_commands.describe(member="the member you never want to be paired with again")
    async def block(self, interaction: discord.Interaction[Any], member: discord.User) -> None:
        """Never be paired with this member again (they are not told)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            await self.desk.block(interaction.user, member)
        except EngineError as exc:
            await interaction.followup.send(str(exc), ephemeral=True)
            return
        await interaction.followup.send(f"You won't be paired with {member.mention} again.", ephemeral=True,
                                        allowed_mentions=NONE)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or not isinstance(message.channel, discord.Thread):
            return
        pairing_id = await self.desk.pairing_of_thread(message.channel.id)
        if pairing_id is None:
            return
        question = await self.desk.open_question(pairing_id, message.author)
        if question is None:
            return
        text = message.content
        recording = next((a for a in message.attachments if voice.is_audio(a)), None)
        if recording is not None:  # a voice message answers like typed words, once transcribed
            target = target_for(question.round.value, question.answer_format)

            async def aim() -> tuple[int, int]:
                return target

            guild = str(message.guild.id) if message.guild else None
            actor = Actor(await self.services.user_id(message.author), None, guild)
            heard = await voice.heard(self.services, message, recording, actor, aim)
            if heard is None and not text.strip():
                return  # told why; the turn goes on
            text = f"{text}\n\n{heard.text}".strip() if heard else text
        for attachment in message.attachments:
            if attachment.filename.endswith(".py") and attachment.size <= 32 * 1024:
                code = (await attachment.read()).decode("utf-8", errors="replace")
                text = f"{text}\n\n```python\n{code}\n```".strip()
        if not text.strip():
            return
        if len(text) > MAX_ANSWER_CHARS:
            await message.reply(f"That answer is {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}.",
                                allowed_mentions=NONE)
            return
        await self.desk.answered(message, pairing_id, text)
