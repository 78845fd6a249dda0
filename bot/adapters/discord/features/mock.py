"""The one /mock slash command group, made of the features' mixins.

Discord shows ``/mock start``, ``/mock schedule`` and ``/mock report`` as one command with
subcommands, so they must be one ``GroupCog``; each feature still writes its own subcommands, as a
mixin class in its own module.  discord.py's ``CogMeta`` collects the app commands from every class
in the cog's MRO, so the mixins' commands all land in the one group (the e2e test checks the synced
group).  A feature new to /mock adds its mixin to the bases here.
"""

from __future__ import annotations

from discord.ext import commands

from bot.adapters.discord.features.history import HistoryCommands
from bot.adapters.discord.features.rounds.commands import RoundCommands
from bot.adapters.discord.features.schedule import ScheduleCommands
from bot.adapters.discord.services import Services, services_of


# CogMeta reads the MRO from its far end, so the last mixin's subcommands are listed first: the round
# commands lead, as they did before the split.
class MockCog(HistoryCommands, ScheduleCommands, RoundCommands, commands.GroupCog, group_name="mock",
              group_description="Timed mock interview rounds"):
    def __init__(self, services: Services) -> None:
        self.services = services
        super().__init__()


async def setup(client: commands.AutoShardedBot) -> None:
    await client.add_cog(MockCog(services_of(client)))
