"""Rounds: the /mock round commands (``commands``, a mixin of the /mock cog), the buttons under each
question and the answer form (``buttons``), answers typed in a round's thread (``answers``) or
spoken there (``recordings``), and opening a round's private thread (``starting``)."""

from __future__ import annotations

from discord.ext import commands

from bot.adapters.discord.features.rounds.answers import AnswersCog
from bot.adapters.discord.features.rounds.buttons import SessionButton
from bot.adapters.discord.features.rounds.recordings import TranscriptButton
from bot.adapters.discord.services import services_of


async def setup(client: commands.AutoShardedBot) -> None:
    await client.add_cog(AnswersCog(services_of(client), client))
    client.add_dynamic_items(SessionButton, TranscriptButton)
