"""Composition root for ``mockloop run``: the Discord bot with its engine, storage and LLM.

Kept apart from :mod:`bot.bootstrap` so the terminal commands never import discord.py.
The two documented URL overrides (``DISCORD_API_BASE``, ``DISCORD_GATEWAY_URL``) are the
class attributes discord.py reads, set here before login; they let a deployment use a
rate-limit proxy and let the tests use a local Discord API server.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from contextlib import AsyncExitStack
from dataclasses import dataclass

import aiohttp
import discord
import yarl

from bot.adapters.discord.bot import MockLoopBot
from bot.adapters.discord.chart_worker import ChartRenderer
from bot.adapters.discord.features.groups import GroupStarter
from bot.adapters.discord.features.peer.desk import PeerDesk
from bot.adapters.discord.features.schedule import DiscordScheduleNotifier
from bot.adapters.discord.loop_watch import LoopWatch
from bot.adapters.discord.notifier import DiscordNotifier
from bot.adapters.discord.services import Services
from bot.adapters.discord.timers import SessionTimers
from bot.bootstrap import (
    build_debriefer,
    build_engine,
    build_llm,
    build_runner,
    build_star_analyser,
    build_transcriber,
    grading_process,
    load_bank,
    offline_scorer,
    open_repository,
)
from bot.config import Settings
from bot.engine.clock import SystemClock
from bot.engine.context import current_actor
from bot.engine.peer_grading import PeerGrader
from bot.engine.peer_service import PeerService
from bot.engine.ports import Clock
from bot.processes import settle_heap
from bot.sandbox.runner import describe, watch_children_without_threads
from bot.scheduling.dispatcher import Dispatcher
from bot.scheduling.ports import Shards
from bot.scheduling.schedules import Scheduler
from bot.scoring.star_offline import OfflineStarAnalyser
from bot.storage.discord_rooms import SqlCoachRooms, SqlGuildSettings, SqlRooms
from bot.storage.groups import SqlGroups
from bot.storage.outbox import SqlOutbox
from bot.storage.peers import SqlPeers
from bot.storage.privacy import SqlUserData
from bot.storage.schedules import SqlSchedules
from bot.storage.stories import SqlStories
from bot.storage.timers import SqlTimers
from bot.storage.usage import SqlUsageStore

log = logging.getLogger(__name__)


def point_at(settings: Settings) -> None:
    discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


@dataclass
class DiscordApp:
    bot: MockLoopBot
    services: Services
    resources: AsyncExitStack

    async def close(self) -> None:
        if not self.bot.is_closed():
            await self.bot.close()
        await self.resources.aclose()


async def build_discord(settings: Settings, *, clock: Clock | None = None, message_content: bool | None = None,
                        **bot_options: object) -> DiscordApp:
    """Everything ``mockloop run`` needs, wired; the caller logs in with the token."""
    point_at(settings)
    clock = clock or SystemClock()
    resources = AsyncExitStack()
    bank = load_bank(warm=False)  # rubrics are compiled where they are graded: in the grading process
    repo = await open_repository(settings)
    resources.push_async_callback(repo.close)
    guilds = SqlGuildSettings(repo.database)

    async def member_budget(guild_id: str) -> int | None:
        return (await guilds.get(int(guild_id))).tokens_per_member

    llm = build_llm(settings, clock, SqlUsageStore(repo.database), member_budget)
    if llm is not None:
        resources.push_async_callback(llm.close)
    transcriber = build_transcriber(settings, clock, SqlUsageStore(repo.database))
    if transcriber is not None:
        resources.push_async_callback(transcriber.close)
    rooms = SqlRooms(repo.database)
    charts = ChartRenderer()
    resources.callback(charts.close)
    notifier = DiscordNotifier(rooms, SqlOutbox(repo.database), bank, clock, build_debriefer(bank, llm), charts)
    watch_children_without_threads()
    runner = build_runner(settings)
    resources.callback(runner.close)  # the frame judges' worker processes, if any were started
    watch = LoopWatch(settings.loop_watch_ms, busy=lambda: runner.running > 0, stacks=settings.loop_stacks,
                      decoding=getattr(runner, "decoding", None))  # a remote runner decodes in its own process
    watch.start()
    resources.push_async_callback(watch.close)

    async def code_allowed() -> str | None:
        actor = current_actor.get()
        if actor is None or actor.guild_id is None or (await guilds.get(int(actor.guild_id))).code_execution:
            return None
        return "an admin switched code execution off on this server"

    # Grades in a process of its own: the loop shares no interpreter lock with them.  Building the catalogue's
    # topics for it takes 15-85 ms of CPU, and the loop is already watched and serving timers: on a thread.
    grading = await asyncio.to_thread(grading_process, bank)
    resources.push_async_callback(grading.close)
    grading.start()
    offline = offline_scorer(bank, grading)  # one catalogue index for the engine and the peer grader
    star_offline = OfflineStarAnalyser(grading)  # /star's stories are analysed where answers are graded
    engine = build_engine(bank, repo, notifier, clock, llm, runner, code_allowed, outbox=True, offline=offline)
    shards = Shards(frozenset(settings.shard_ids) if settings.shard_ids is not None else None,
                    settings.shard_count or 1)
    dispatcher = Dispatcher(SqlTimers(repo.database), clock, shards)  # one timer mechanism for everything
    timers = SessionTimers(engine, dispatcher)
    schedule_notifier = DiscordScheduleNotifier(guilds)
    schedules = SqlSchedules(repo.database)
    scheduler = Scheduler(schedules, dispatcher, schedule_notifier, clock, plans=schedules)
    services = Services(engine=engine, bank=bank, repo=repo, rooms=rooms, guilds=guilds,
                        user_data=SqlUserData(repo.database), notifier=notifier, timers=timers, charts=charts,
                        scheduler=scheduler, groups=SqlGroups(repo.database), coach_rooms=SqlCoachRooms(repo.database),
                        stories=SqlStories(repo.database), clock=clock,
                        star_analyser=build_star_analyser(llm, star_offline) or star_offline, transcriber=transcriber,
                        model=llm is not None)
    bot = MockLoopBot(services, dev_guild_id=settings.discord_dev_guild_id,
                      message_content=settings.message_content if message_content is None else message_content,
                      shard_ids=settings.shard_ids, shard_count=settings.shard_count,
                      **bot_options)
    notifier.bind(bot, engine, timers)
    schedule_notifier.bind(bot)
    dispatcher.on("group", GroupStarter(services, bot))
    peers = SqlPeers(repo.database)  # peer interviews: the offline scorer is the second opinion beside the person
    bot.peer_desk = PeerDesk(PeerService(peers, bank, PeerGrader(offline), repo, clock), peers, bank, dispatcher)
    bot.peer_desk.bind(bot)
    log.info("interviewer: %s", f"LLM ({settings.model})" if llm else "offline")
    log.info("%s", describe(await runner.probe()))  # says so at start when code cannot run here
    return DiscordApp(bot, services, resources)


async def run(settings: Settings) -> int:
    """Log in and serve until SIGTERM or Ctrl-C, then close cleanly.

    If Discord refuses the message-content intent (not enabled for this application), carry on
    without it: answers then come through the Answer button."""
    assert settings.discord_token is not None
    token = settings.discord_token.get_secret_value()
    message_content = settings.message_content
    loop = asyncio.get_running_loop()
    while True:
        app = await build_discord(settings, message_content=message_content)
        stopping: list[asyncio.Task[None]] = []

        def stop(app: DiscordApp = app, stopping: list[asyncio.Task[None]] = stopping) -> None:
            log.info("stopping: sending what is queued, then closing the gateway")
            stopping.append(asyncio.create_task(app.bot.close()))

        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop)
        settle_heap(full=False)  # what the composition root built lives as long as the bot: out of every later collection
        try:
            await app.bot.start(token)
            await asyncio.gather(*stopping)
            return 0
        except discord.PrivilegedIntentsRequired:
            if not message_content:
                raise
            log.warning("the message-content intent is not enabled for this application; answers will come through the "
                        "Answer button only (enable it in the Developer Portal to answer by typing in the thread)")
            message_content = False
        except discord.LoginFailure:
            log.error("Discord rejected DISCORD_TOKEN; copy the bot token again from the Developer Portal")
            return 1
        except (aiohttp.ClientError, OSError, discord.GatewayNotFound) as exc:
            log.error("cannot reach Discord at %s (%s); check the network, or DISCORD_API_BASE and "
                      "DISCORD_GATEWAY_URL if set", settings.discord_api_base, _reason(exc))
            return 1
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
            await app.close()
            gc.unfreeze()  # a rebuild (without the message-content intent) settles its own objects, not these


def _reason(exc: BaseException) -> str:
    """The last, most specific part of a connection error, without a traceback."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
