"""Daily token and audio budgets: every LLM call is attributed to the current user and counted.

Before a call the meter says whether the user (or their server) has budget left today (UTC);
past it, the LLM layer answers offline with that reason.  After a call it records the tokens,
estimating them (4 characters a token, marked as estimated) when the server sent no usage.
Speech-to-text is priced by the minute, not the token, so recordings have a budget of their own
in seconds of audio (:class:`AudioMeter`), counted in the same table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Protocol

from bot.engine.context import Actor, current_actor
from bot.engine.ports import Clock


@dataclass(frozen=True)
class UsageRecord:
    at: datetime
    user_id: str | None
    guild_id: str | None
    session_id: str | None
    purpose: str  # "grade", "followup", "hint" or "debrief"
    model: str
    prompt_tokens: int
    completion_tokens: int
    estimated: bool
    audio_seconds: float = 0.0  # the length of a transcribed recording (purpose "transcribe")


class UsageStore(Protocol):
    async def add(self, record: UsageRecord) -> None: ...

    async def total_since(self, since: datetime, *, user_id: str | None = None, guild_id: str | None = None) -> int: ...


class UsageMeter:
    def __init__(self, store: UsageStore, clock: Clock, per_user: int | None, per_guild: int | None,
                 member_budget: Callable[[str], Awaitable[int | None]] | None = None) -> None:
        self.store = store
        self.clock = clock
        self.per_user = per_user
        self.per_guild = per_guild
        self.member_budget = member_budget  # a server's own daily limit per member (set by its admins), if any

    def _midnight(self) -> datetime:
        return datetime.combine(self.clock.now().astimezone(UTC).date(), time(0), tzinfo=UTC)

    async def refusal(self, actor: Actor | None = None) -> str | None:
        """Why ``actor`` (by default the current one) may not use the LLM now, or None if they may."""
        actor = actor or current_actor.get()
        if actor is None:
            return None
        since = self._midnight()
        if self.per_user is not None and await self.store.total_since(since, user_id=actor.user_id) >= self.per_user:
            return f"your daily LLM budget of {self.per_user:,} tokens is used up; offline grading until 00:00 UTC"
        if (self.per_guild is not None and actor.guild_id is not None
                and await self.store.total_since(since, guild_id=actor.guild_id) >= self.per_guild):
            return f"this server's daily LLM budget of {self.per_guild:,} tokens is used up; offline until 00:00 UTC"
        if actor.guild_id is not None and self.member_budget is not None:
            allowed = await self.member_budget(actor.guild_id)
            if allowed is not None and await self.store.total_since(since, user_id=actor.user_id,
                                                                    guild_id=actor.guild_id) >= allowed:
                if allowed == 0:
                    return "this server runs MockLoop offline (its admins set the LLM budget to 0)"
                return f"this server's daily LLM budget of {allowed:,} tokens per member is used up; offline until 00:00 UTC"
        return None

    async def record(self, purpose: str, model: str, prompt_chars: int, completion_chars: int,
                     prompt_tokens: int | None, completion_tokens: int | None, actor: Actor | None = None) -> None:
        actor = actor or current_actor.get()
        estimated = prompt_tokens is None or completion_tokens is None
        await self.store.add(UsageRecord(
            at=self.clock.now(), user_id=actor.user_id if actor else None, guild_id=actor.guild_id if actor else None,
            session_id=actor.session_id if actor else None, purpose=purpose, model=model,
            prompt_tokens=prompt_tokens if prompt_tokens is not None else prompt_chars // 4,
            completion_tokens=completion_tokens if completion_tokens is not None else completion_chars // 4,
            estimated=estimated,
        ))


class AudioUsageStore(Protocol):
    async def add(self, record: UsageRecord) -> None: ...

    async def audio_seconds_since(self, since: datetime, *, user_id: str | None = None,
                                  guild_id: str | None = None) -> float: ...


class AudioMeter:
    """Daily seconds of transcribed audio per user and per server (UTC days)."""

    def __init__(self, store: AudioUsageStore, clock: Clock, per_user: int | None, per_guild: int | None) -> None:
        self.store = store
        self.clock = clock
        self.per_user = per_user
        self.per_guild = per_guild

    async def refusal(self, seconds: float, actor: Actor | None = None) -> str | None:
        """Why a recording of ``seconds`` may not be transcribed for ``actor`` today, or None if it may."""
        actor = actor or current_actor.get()
        if actor is None:
            return None
        since = datetime.combine(self.clock.now().astimezone(UTC).date(), time(0), tzinfo=UTC)
        checks = [(self.per_user, {"user_id": actor.user_id}, "your")]
        if actor.guild_id is not None:
            checks.append((self.per_guild, {"guild_id": actor.guild_id}, "this server's"))
        for budget, who, whose in checks:
            if budget is None:
                continue
            used = await self.store.audio_seconds_since(since, **who)
            if used + seconds > budget:
                left = max(0, round(budget - used))
                size = f"{budget // 60} minutes" if budget % 60 == 0 and budget else f"{budget} seconds"
                return (f"{whose} daily voice budget of {size} is nearly used up ({left} s left, this "
                        f"recording is {round(seconds)} s); it renews at 00:00 UTC")
        return None

    async def record(self, seconds: float, model: str, actor: Actor | None = None) -> None:
        actor = actor or current_actor.get()
        await self.store.add(UsageRecord(
            at=self.clock.now(), user_id=actor.user_id if actor else None, guild_id=actor.guild_id if actor else None,
            session_id=actor.session_id if actor else None, purpose="transcribe", model=model, prompt_tokens=0,
            completion_tokens=0, estimated=False, audio_seconds=round(seconds, 2)))
