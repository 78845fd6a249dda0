"""Peer mock interviews: ``/peer`` and answers typed in a pair's thread (``cog``), the desk that
turns presses, messages and timers into engine steps (``desk``), the persistent buttons and
selects (``views``) and what the bot says (``render``)."""

from __future__ import annotations

from discord.ext import commands

from bot.adapters.discord.features.peer.cog import PeerCog
from bot.adapters.discord.features.peer.desk import PeerDesk
from bot.adapters.discord.features.peer.views import DYNAMIC_ITEMS
from bot.adapters.discord.services import services_of


async def setup(client: commands.AutoShardedBot) -> None:
    """Registered when the composition root gave the client a peer desk (``mockloop run`` always does)."""
    desk = getattr(client, "peer_desk", None)
    if isinstance(desk, PeerDesk):
        await client.add_cog(PeerCog(services_of(client), desk))
        client.add_dynamic_items(*DYNAMIC_ITEMS)
