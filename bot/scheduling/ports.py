"""What scheduling needs from storage and from the chat adapter, as protocols.

Storage implements :class:`TimerStore` and :class:`ScheduleStore` (``bot/storage``); the Discord
adapter implements :class:`ScheduleNotifier`.  Tests use in-memory fakes of the same protocols.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

DM_SHARD = 0  # Discord delivers direct messages to shard 0


@dataclass(frozen=True)
class Shards:
    """Which timers this process may fire: those of guilds on its shards (and DMs on shard 0).

    ``ids=None`` means every shard (a single process)."""

    ids: frozenset[int] | None = None
    count: int = 1

    def owns(self, guild_id: int | None) -> bool:
        if self.ids is None:
            return True
        return (DM_SHARD if guild_id is None else (guild_id >> 22) % self.count) in self.ids


@dataclass(frozen=True)
class Due:
    """A timer that came due and was claimed by this process."""

    id: str
    kind: str
    due_at: datetime
    guild_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    schedule_id: str | None = None
    session_id: str | None = None


class TimerStore(Protocol):
    async def put(self, timer: Due) -> None:
        """Add the timer, or move it if one with this id exists (it becomes pending again)."""
        ...

    async def cancel(self, timer_id: str) -> None: ...

    async def earliest(self, shards: Shards) -> datetime | None:
        """When the next pending timer this process may fire is due."""
        ...

    async def claim(self, now: datetime, shards: Shards, claimer: str, limit: int) -> list[Due]:
        """Atomically mark up to ``limit`` due timers as claimed by ``claimer`` and return them;
        a timer is returned to exactly one claimer, however many processes ask at once."""
        ...

    async def finish(self, timer_id: str, claimer: str) -> None:
        """Remove a claimed timer, unless it was put again meanwhile (a recurring one)."""
        ...


@dataclass(frozen=True)
class ScheduleRow:
    id: str
    user_id: str
    discord_user_id: str | None
    guild_id: str | None
    channel_id: str | None
    round: str
    level: str
    track: str
    timezone: str
    rule: str
    next_at: datetime | None
    remind_minutes: int
    state: str
    fired: int = 0
    missed: int = 0
    plan_id: str | None = None
    week: int | None = None
    focus: list[str] | None = None
    session_id: str | None = None


class ScheduleStore(Protocol):
    async def add(self, row: ScheduleRow, created_at: datetime) -> None: ...

    async def get(self, schedule_id: str) -> ScheduleRow | None: ...

    async def active(self, user_id: str) -> list[ScheduleRow]: ...

    async def update(self, schedule_id: str, **values: Any) -> None: ...

    async def timezone(self, user_id: str) -> str | None: ...

    async def set_timezone(self, user_id: str, name: str, at: datetime) -> None: ...


@dataclass(frozen=True)
class PlanRow:
    id: str
    user_id: str
    weeks: int
    titles: list[str]
    state: str
    created_at: datetime


class PlanStore(Protocol):
    async def add_plan(self, plan: PlanRow) -> None: ...

    async def active_plan(self, user_id: str) -> PlanRow | None: ...

    async def end_plan(self, plan_id: str, state: str) -> list[str]:
        """Mark the plan ended and cancel its drills still to come; returns their ids."""
        ...

    async def drills(self, plan_id: str) -> list[tuple[ScheduleRow, int | None]]:
        """Every drill of the plan, with the score of the round started from it (if any)."""
        ...

    async def link_session(self, schedule_id: str, session_id: str) -> None: ...


class ScheduleNotifier(Protocol):
    async def remind(self, schedule: ScheduleRow, starts_at: datetime) -> None:
        """Tell the user their round starts soon."""
        ...

    async def due(self, schedule: ScheduleRow) -> None:
        """It is time: offer to start the round (a Start button)."""
        ...

    async def missed(self, schedule: ScheduleRow, was_at: datetime) -> None:
        """The bot was away when the round was due; say so, once."""
        ...
