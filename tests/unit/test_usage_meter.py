"""Daily budgets: counted per user and server, reset at midnight UTC, estimated when servers omit usage."""

from __future__ import annotations

from datetime import datetime

from bot.engine.clock import FakeClock
from bot.engine.context import Actor, current_actor
from bot.llm.usage import UsageMeter, UsageRecord


class MemoryUsage:
    def __init__(self) -> None:
        self.records: list[UsageRecord] = []

    async def add(self, record: UsageRecord) -> None:
        self.records.append(record)

    async def total_since(self, since: datetime, *, user_id: str | None = None, guild_id: str | None = None) -> int:
        return sum(r.prompt_tokens + r.completion_tokens for r in self.records if r.at >= since
                   and (user_id is None or r.user_id == user_id) and (guild_id is None or r.guild_id == guild_id))


async def test_budget_per_user_resets_at_midnight_utc() -> None:
    store, clock = MemoryUsage(), FakeClock()
    meter = UsageMeter(store, clock, per_user=100, per_guild=None)
    current_actor.set(Actor("ada", "s1"))
    assert await meter.refusal() is None
    await meter.record("grade", "m", 0, 0, 80, 30)
    refusal = await meter.refusal()
    assert refusal is not None and "100 tokens" in refusal
    current_actor.set(Actor("bo", "s2"))
    assert await meter.refusal() is None  # another user's budget is untouched
    current_actor.set(Actor("ada", "s1"))
    clock.advance(hours=24)
    assert await meter.refusal() is None


async def test_budget_per_server_counts_every_member() -> None:
    store = MemoryUsage()
    meter = UsageMeter(store, FakeClock(), per_user=None, per_guild=50)
    current_actor.set(Actor("ada", guild_id="g1"))
    await meter.record("grade", "m", 0, 0, 30, 0)
    current_actor.set(Actor("bo", guild_id="g1"))
    await meter.record("followup", "m", 0, 0, 30, 0)
    assert "server's daily" in (await meter.refusal() or "")


async def test_missing_usage_is_estimated_and_marked() -> None:
    store = MemoryUsage()
    meter = UsageMeter(store, FakeClock(), per_user=None, per_guild=None)
    current_actor.set(Actor("ada", "s1"))
    await meter.record("grade", "m", prompt_chars=400, completion_chars=40, prompt_tokens=None, completion_tokens=None)
    [record] = store.records
    assert (record.prompt_tokens, record.completion_tokens, record.estimated) == (100, 10, True)
    assert (record.user_id, record.session_id, record.purpose) == ("ada", "s1", "grade")


async def test_a_server_can_set_its_own_budget_per_member() -> None:
    store, clock = MemoryUsage(), FakeClock()
    budgets = {"g1": 50, "g0": 0}

    async def member_budget(guild_id: str) -> int | None:
        return budgets.get(guild_id)

    meter = UsageMeter(store, clock, per_user=1000, per_guild=None, member_budget=member_budget)
    current_actor.set(Actor("ada", "s1", "g1"))
    await meter.record("grade", "m", 0, 0, 40, 20)
    refusal = await meter.refusal()
    assert refusal is not None and "50 tokens per member" in refusal
    current_actor.set(Actor("ada", "s2", "g2"))  # another server without its own limit: the bot's default applies
    assert await meter.refusal() is None
    current_actor.set(Actor("bo", "s3", "g0"))
    assert "offline" in (await meter.refusal() or "")
