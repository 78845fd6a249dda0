"""Privacy: ``/privacy export|forget`` (``cog``), and what is left on Discord after a forget: the
sentence every stale control answers with, and closing the member's threads (``forgotten``)."""

from __future__ import annotations

from discord.ext import commands

from bot.adapters.discord.features.privacy.cog import PrivacyCog
from bot.adapters.discord.services import services_of


async def setup(client: commands.AutoShardedBot) -> None:
    await client.add_cog(PrivacyCog(services_of(client)))
