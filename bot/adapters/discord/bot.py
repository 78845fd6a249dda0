"""The Discord client: an ``AutoShardedBot`` holding the services, its cogs and persistent buttons.

Built only by the composition root, which passes everything in.  On start it sets up every
feature in ``FEATURES`` (their cogs, and their buttons' custom_id templates, so old questions'
buttons keep working), syncs the slash commands (to one guild instantly when
``DISCORD_DEV_GUILD_ID`` is set, else globally), starts the timer dispatcher (question deadlines,
reminders and scheduled rounds are rows in the database, so they outlive the process) and takes
up every session of its shards that was running when the process stopped: whatever its thread
had not shown yet is shown from the outbox, and deadlines that passed meanwhile close their
question or round on the first tick, with a note.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.features import admin, groups, mock, peer, privacy, rounds, schedule, star
from bot.adapters.discord.features.peer.desk import PeerDesk
from bot.adapters.discord.services import Services
from bot.engine.errors import EngineError

log = logging.getLogger(__name__)
# Each feature's setup adds its cogs and persistent buttons (see ``features``): a new feature is one entry here.
FEATURES: tuple[Callable[[commands.AutoShardedBot], Awaitable[None]], ...] = (
    mock.setup, rounds.setup, privacy.setup, admin.setup, star.setup, schedule.setup, groups.setup, peer.setup)


def intents(message_content: bool) -> discord.Intents:
    chosen = discord.Intents.none()
    chosen.guilds = True
    chosen.guild_messages = True  # thread messages reach on_message (their text needs message_content)
    chosen.dm_messages = True
    chosen.message_content = message_content
    return chosen


class MockLoopBot(commands.AutoShardedBot):
    def __init__(self, services: Services, *, dev_guild_id: int | None, message_content: bool,
                 shard_ids: list[int] | None = None, shard_count: int | None = None, **options: Any) -> None:
        if shard_ids is not None:
            options["shard_ids"] = shard_ids
        super().__init__(command_prefix=commands.when_mentioned, intents=intents(message_content), help_command=None,
                         allowed_mentions=discord.AllowedMentions.none(), shard_count=shard_count, **options)
        self.services = services
        self.peer_desk: PeerDesk | None = None  # set by the composition root before login
        self.dev_guild_id = dev_guild_id
        self.tree.on_error = self._command_error  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        s = self.services
        for setup in FEATURES:
            await setup(self)
        s.charts.start()
        s.scheduler.dispatcher.start()
        if self.dev_guild_id is not None:
            guild = discord.Object(self.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d slash command groups", len(synced))
        await self._pick_up_running_sessions()

    async def _pick_up_running_sessions(self) -> None:
        """Show what each thread has not shown yet (the outbox), then apply what came due meanwhile."""
        s = self.services
        live = await s.rooms.live()
        running = {room.session_id for room in live}
        finished = [r for r in [await s.rooms.by_session(i) for i in await s.notifier.pending_sessions()
                                if i not in running] if r is not None]
        for room in finished:  # ended just before the stop: its scorecard is still to be shown
            if s.scheduler.dispatcher.shards.owns(room.guild_id):
                s.notifier.register(room)
                s.notifier.wake(room.session_id)
        for room in live:
            if not s.scheduler.dispatcher.shards.owns(room.guild_id):
                continue  # another process's shard runs it
            s.notifier.register(room)
            s.notifier.wake(room.session_id)
            try:
                await s.engine.tick(room.session_id)
                await s.timers.watch(room.session_id, room.guild_id)
            except EngineError as exc:
                log.warning("session %s could not be picked up: %s", room.session_id[:8], exc)
            except Exception:  # one session that cannot be resumed must not keep every server offline
                log.exception("session %s could not be picked up; the bot starts without it", room.session_id[:8])

    async def close(self) -> None:
        await self.services.scheduler.dispatcher.close()
        await self.services.notifier.close()
        await super().close()

    async def _command_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        """Anything unexpected gets one plain sentence; the details go to the log, never to the user."""
        if isinstance(error, app_commands.CommandInvokeError) and isinstance(error.original, EngineError):
            text = str(error.original)
        elif isinstance(error, app_commands.CheckFailure):
            text = "You don't have permission to use that command here."
        else:
            log.error("command %s failed", interaction.command.qualified_name if interaction.command else "?",
                      exc_info=error)
            text = "Something went wrong on our side; your session is saved. Please try again."
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
