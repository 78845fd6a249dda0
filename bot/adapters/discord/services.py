"""What the Discord adapter's cogs and buttons work with, passed in from the composition root.

Buttons and modals are rebuilt by discord.py from a custom_id (persistent views), so they
cannot receive constructor arguments; they reach these services through the client object,
which the composition root created with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

import discord

from bot.adapters.discord.chart_worker import ChartRenderer
from bot.adapters.discord.ports import CoachRooms, Groups, GuildSettingsStore, Rooms, SessionNotifier, SessionWatch
from bot.coaching.ports import StoryStore
from bot.engine.ports import Clock, QuestionBank, Repository, UserData
from bot.engine.session import InterviewEngine
from bot.engine.speech import Transcriber
from bot.scheduling.schedules import Scheduler
from bot.scoring.star_models import StarAnalysis
from bot.scoring.star_offline import OfflineStarAnalyser

START_COOLDOWN = timedelta(seconds=30)


class StarAnalyser(Protocol):
    async def analyse(self, story: str, spoken_seconds: float | None = None) -> StarAnalysis: ...


@dataclass
class Services:
    engine: InterviewEngine
    bank: QuestionBank
    repo: Repository
    rooms: Rooms
    guilds: GuildSettingsStore
    user_data: UserData
    notifier: SessionNotifier  # a protocol: the notifier module imports the buttons, which import this one
    timers: SessionWatch
    charts: ChartRenderer
    scheduler: Scheduler
    groups: Groups
    coach_rooms: CoachRooms
    stories: StoryStore
    clock: Clock
    # The LLM's STAR ratings when configured; the offline analysis without (made off the loop either way).
    star_analyser: StarAnalyser = field(default_factory=OfflineStarAnalyser)
    transcriber: Transcriber | None = None  # speech to text for voice answers; None declines them with how to set one up
    model: bool = False  # an LLM is configured: answers and hints may take a while (a typing indicator shows)
    start_cooldown: timedelta = START_COOLDOWN
    last_start: dict[int, datetime] = field(default_factory=dict)  # Discord user id -> when they last started

    async def user_id(self, user: discord.abc.User) -> str:
        """Our user id for a Discord user, created on first use."""
        return await self.repo.ensure_user(f"discord:{user.id}", user.name)

    def cooldown_left(self, discord_user_id: int) -> timedelta | None:
        last = self.last_start.get(discord_user_id)
        if last is None:
            return None
        left = last + self.start_cooldown - self.clock.now()
        return left if left.total_seconds() > 0 else None


def services_of(client: discord.Client) -> Services:
    found = getattr(client, "services", None)
    if not isinstance(found, Services):
        raise RuntimeError("the Discord client was not built by the composition root")
    return found
